package io.heartguard.detect;

/** Receives the alerts a monitor raises; the sensor writes them out, the guard may also cut the connection. */
@FunctionalInterface
public interface AlertSink {
  void onAlert(Alert alert);
}
