package io.heartguard.guard;

/** Receives every alert the guard raises, with its verdict. */
@FunctionalInterface
public interface AlertSink {
  void onAlert(GuardAlert alert);
}
