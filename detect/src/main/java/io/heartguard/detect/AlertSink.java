package io.heartguard.detect;

/**
 * Where alerts go: the engine hands its findings to one, and sensor and guard hand theirs (the guard's with the
 * {@link RecordAction} it took) to the EVE writer, {@link EveJsonWriter}, or to any other sink. Called on the thread
 * that raised the alert: a sink the guard's event loops share must be thread-safe, as EveJsonWriter is.
 */
@FunctionalInterface
public interface AlertSink {
  void onAlert(Alert alert);
}
