package io.heartguard.scan.dtls;

import io.heartguard.scan.Failure;
import io.heartguard.wire.alert.Alert;

/** Why a DTLS exchange ended without a verdict; the check turns it into INCONCLUSIVE with the message as reason. */
final class DtlsFailure extends Exception {
  enum Kind {
    /** The deadline passed, or the retransmissions ran out, with nothing decisive received. */
    TIMEOUT,
    /** ICMP port unreachable: nothing listens on the UDP port. */
    UNREACHABLE,
    /** The server sent an alert. */
    ALERT,
    /** Bytes that are not DTLS, or a message that broke its rules. */
    PROTOCOL,
    /** The server sent more than we are willing to read. */
    LIMIT,
    /** The socket failed. */
    IO
  }

  private final Kind kind;
  private final Alert alert;
  private final boolean beforeServerHello;

  DtlsFailure(Kind kind, String message) {
    this(kind, message, null, false);
  }

  private DtlsFailure(Kind kind, String message, Alert alert, boolean beforeServerHello) {
    super(message, null, false, false);
    this.kind = kind;
    this.alert = alert;
    this.beforeServerHello = beforeServerHello;
  }

  static DtlsFailure alert(Alert alert, boolean beforeServerHello) {
    return new DtlsFailure(Kind.ALERT, "alert " + alert + (beforeServerHello ? " before the ServerHello" : " during the"
        + " server's flight"), alert, beforeServerHello);
  }

  Kind kind() {
    return kind;
  }

  /** The scan-wide kind of this failure, which decides whether the engine tries the target again. */
  Failure failure() {
    return switch (kind) {
      case TIMEOUT -> Failure.TIMEOUT;
      case UNREACHABLE -> Failure.REFUSED; // ICMP port unreachable is UDP's connection refused
      case ALERT -> Failure.ALERT;
      case PROTOCOL -> Failure.PROTOCOL;
      case LIMIT -> Failure.LIMIT;
      case IO -> Failure.OTHER;
    };
  }

  /**
   * Whether an older version is worth a try: the hello refused with protocol_version, handshake_failure or
   * insufficient_security.
   */
  boolean allowsFallback() {
    return kind == Kind.ALERT && beforeServerHello
        && (alert.description() == Alert.PROTOCOL_VERSION || alert.description() == Alert.HANDSHAKE_FAILURE
            || alert.description() == Alert.INSUFFICIENT_SECURITY);
  }
}
