package io.heartguard.tlsserver.starttls;

/** A client did not complete the server's STARTTLS dialog; the message says what it did instead, in one line. */
public final class StartTlsDialogException extends Exception {
  public StartTlsDialogException(String message) {
    super(message);
  }
}
