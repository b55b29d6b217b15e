package io.heartguard.wire.heartbeat;

/** RFC 6520 section 3: HeartbeatMessageType. */
public enum HeartbeatMessageType {
  REQUEST(1),
  RESPONSE(2);

  private final int code;

  HeartbeatMessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or null: RFC 6520 section 3 says an unknown type is discarded silently. */
  public static HeartbeatMessageType fromCode(int code) {
    return code == 1 ? REQUEST : code == 2 ? RESPONSE : null;
  }
}
