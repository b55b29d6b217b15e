package io.heartguard.wire.heartbeat;

import io.heartguard.wire.WireException;

/** A heartbeat message that breaks RFC 6520 section 4. */
public final class HeartbeatException extends WireException {
  public HeartbeatException(String message) {
    super(message);
  }
}
