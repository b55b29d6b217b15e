package io.heartguard.wire.heartbeat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.Extension;

/** The heartbeat extension's one byte (RFC 6520 section 2): may the peer send us requests? */
public enum HeartbeatMode {
  PEER_ALLOWED_TO_SEND(1),
  PEER_NOT_ALLOWED_TO_SEND(2),
  /** A mode byte RFC 6520 does not define, or extension data that is not one byte. */
  UNKNOWN(-1);

  private final int code;

  HeartbeatMode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static HeartbeatMode fromCode(int code) {
    return code == 1 ? PEER_ALLOWED_TO_SEND : code == 2 ? PEER_NOT_ALLOWED_TO_SEND : UNKNOWN;
  }

  public Extension toExtension() {
    if (this == UNKNOWN) {
      throw new IllegalStateException("UNKNOWN has no wire form");
    }
    return new Extension(Extension.HEARTBEAT, Bytes.of((byte) code));
  }
}
