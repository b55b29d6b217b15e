package io.heartguard.scan;

import io.heartguard.wire.alert.Alert;
import java.util.Locale;

/**
 * Why a connection ended without a verdict. Internal to the check, which turns it into an INCONCLUSIVE result with
 * the message as the reason, or tries the next version when {@link #allowsFallback()}.
 */
final class ScanFailure extends Exception {
  enum Kind {
    /** The TCP connect failed or timed out. */
    CONNECT,
    /** The overall deadline passed while waiting. */
    TIMEOUT,
    /** The server closed the connection (FIN). */
    CLOSED,
    /** The connection was reset or broke. */
    RESET,
    /** The server sent an alert record. */
    ALERT,
    /** The bytes are not TLS, or a TLS message broke its rules. */
    PROTOCOL,
    /** The server sent more than we are willing to read. */
    LIMIT
  }

  private final Kind kind;
  private final Alert alert;
  private final boolean beforeServerHello;

  ScanFailure(Kind kind, String message) {
    this(kind, message, null, false);
  }

  private ScanFailure(Kind kind, String message, Alert alert, boolean beforeServerHello) {
    super(message, null, false, false);
    this.kind = kind;
    this.alert = alert;
    this.beforeServerHello = beforeServerHello;
  }

  static ScanFailure alert(Alert alert, String when) {
    return new ScanFailure(Kind.ALERT, "alert " + alert + " " + when, alert, false);
  }

  /** The same failure, marked as having happened before any ServerHello: the version may be what was refused. */
  ScanFailure beforeServerHello() {
    return new ScanFailure(kind, getMessage(), alert, true);
  }

  Kind kind() {
    return kind;
  }

  /** The kind a result reports ({@link ScanResult#failure()}), which the engine's retry decision reads. */
  Failure failure() {
    return switch (kind) {
      case CONNECT -> connectFailure(getMessage());
      case TIMEOUT -> Failure.TIMEOUT;
      case CLOSED -> Failure.CLOSED;
      case RESET -> Failure.RESET;
      case ALERT -> Failure.ALERT;
      case PROTOCOL -> Failure.PROTOCOL;
      case LIMIT -> Failure.LIMIT;
    };
  }

  /**
   * A failed connect, by what the socket said: TlsConnection keeps only the JDK's message ("connect failed:
   * Connection refused", "... No route to host", "connect timed out after 3000 ms"), so this is the one place that
   * reads it.
   */
  static Failure connectFailure(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    if (text.startsWith("connect timed out")) {
      return Failure.CONNECT_TIMEOUT;
    }
    if (text.contains("connection refused")) {
      return Failure.REFUSED;
    }
    if (text.contains("unreachable") || text.contains("no route to host")) {
      return Failure.UNREACHABLE;
    }
    return Failure.OTHER; // another connect error (no local port free, ...): retried, as before kinds
  }

  /**
   * Whether an older version is worth a try: the server refused the hello with protocol_version, handshake_failure
   * or insufficient_security, or hung up on it, as servers of 2014 did for versions they did not speak.
   */
  boolean allowsFallback() {
    if (!beforeServerHello) {
      return false;
    }
    return switch (kind) {
      case CLOSED, RESET -> true;
      case ALERT -> alert.description() == Alert.PROTOCOL_VERSION || alert.description() == Alert.HANDSHAKE_FAILURE
          || alert.description() == Alert.INSUFFICIENT_SECURITY;
      default -> false;
    };
  }
}
