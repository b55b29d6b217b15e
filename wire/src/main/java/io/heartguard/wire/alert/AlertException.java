package io.heartguard.wire.alert;

import io.heartguard.wire.WireException;

/** An alert record that is not two bytes of level and description. */
public final class AlertException extends WireException {
  public AlertException(String message) {
    super(message);
  }
}
