package io.heartguard.scan.starttls;

/**
 * Why a STARTTLS dialog did not end with the socket ready for TLS. The scanner turns every kind into an INCONCLUSIVE
 * verdict with the message as its reason: a server that refuses STARTTLS has shown nothing about Heartbleed.
 */
public final class StartTlsException extends Exception {
  public enum Kind {
    /** The server answered in its protocol, and the answer was no: STARTTLS not offered, or refused. */
    REFUSED,
    /** The server did not answer as the protocol says it must. */
    UNEXPECTED,
    /** The dialog broke one of our bounds: a line, a message or the whole dialog too long. */
    LIMIT,
    /** The connection closed, reset or timed out. */
    TRANSPORT
  }

  private final Kind kind;

  public StartTlsException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
