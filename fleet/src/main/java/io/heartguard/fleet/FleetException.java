package io.heartguard.fleet;

import java.io.IOException;

/** A broker that cannot be reached or refuses: a one-line message for the user. */
final class FleetException extends IOException {
  FleetException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The innermost message: Kafka wraps its causes in ExecutionException and KafkaException. */
  static String why(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
