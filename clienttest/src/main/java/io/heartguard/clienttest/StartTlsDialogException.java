package io.heartguard.clienttest;

/** A client did not complete the STARTTLS dialog; the message says what it did instead. */
public final class StartTlsDialogException extends Exception {
  public StartTlsDialogException(String message) {
    super(message);
  }
}
