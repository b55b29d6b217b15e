package io.heartguard.scan;

import io.heartguard.wire.alert.Alert;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Why a connection ended without a verdict, as a {@link Failure} kind set where it happened. Internal to the check,
 * which turns it into an INCONCLUSIVE result of that kind with the message as the reason, or tries the next version
 * when {@link #allowsFallback()}.
 */
final class ScanFailure extends Exception {
  private final Failure failure;
  private final Alert alert;
  private final boolean beforeServerHello;

  ScanFailure(Failure failure, String message) {
    this(failure, message, null, false);
  }

  private ScanFailure(Failure failure, String message, Alert alert, boolean beforeServerHello) {
    super(message, null, false, false);
    if (failure == null || failure == Failure.NONE) {
      throw new IllegalArgumentException("a failure needs a kind other than NONE, got " + failure);
    }
    this.failure = failure;
    this.alert = alert;
    this.beforeServerHello = beforeServerHello;
  }

  static ScanFailure alert(Alert alert, String when) {
    return new ScanFailure(Failure.ALERT, "alert " + alert + " " + when, alert, false);
  }

  /** The same failure, marked as having happened before any ServerHello: the version may be what was refused. */
  ScanFailure beforeServerHello() {
    return new ScanFailure(failure, getMessage(), alert, true);
  }

  /** The kind a result reports ({@link ScanResult#failure()}), which the engine's retry decision reads. */
  Failure failure() {
    return failure;
  }

  /**
   * The kind of a failed TCP connect, by the exception's type where the JDK gives one (sun.nio.ch.Net's
   * handleSocketError: ECONNREFUSED is a ConnectException, EHOSTUNREACH a NoRouteToHostException, EADDRNOTAVAIL a
   * BindException). ETIMEDOUT shares ConnectException with ECONNREFUSED, and ENETUNREACH and ECONNRESET come as a
   * plain SocketException: the JDK carries those errnos only as strerror(3) text, so this is the one place that reads
   * it, at the socket; the reasons we write are never read back.
   */
  static Failure connectFailure(IOException e) {
    String errno = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (e instanceof SocketTimeoutException || errno.equals("connection timed out")) {
      return Failure.CONNECT_TIMEOUT;
    }
    if (e instanceof NoRouteToHostException || errno.equals("network is unreachable")) {
      return Failure.UNREACHABLE;
    }
    if (e instanceof ConnectException) {
      return Failure.REFUSED;
    }
    if (!(e instanceof BindException) && errno.startsWith("connection reset")) {
      return Failure.RESET;
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
    return switch (failure) {
      case CLOSED, RESET -> true;
      case ALERT -> alert.description() == Alert.PROTOCOL_VERSION || alert.description() == Alert.HANDSHAKE_FAILURE
          || alert.description() == Alert.INSUFFICIENT_SECURITY;
      default -> false;
    };
  }
}
