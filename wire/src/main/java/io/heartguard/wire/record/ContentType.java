package io.heartguard.wire.record;

/** TLS record content types (RFC 5246 section 6.2.1, RFC 6520 section 3 for heartbeat). */
public enum ContentType {
  CHANGE_CIPHER_SPEC(20),
  ALERT(21),
  HANDSHAKE(22),
  APPLICATION_DATA(23),
  HEARTBEAT(24);

  private final int code;

  ContentType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or null for a code TLS 1.2 does not define. */
  public static ContentType fromCode(int code) {
    return switch (code) {
      case 20 -> CHANGE_CIPHER_SPEC;
      case 21 -> ALERT;
      case 22 -> HANDSHAKE;
      case 23 -> APPLICATION_DATA;
      case 24 -> HEARTBEAT;
      default -> null;
    };
  }

  public static ContentType requireCode(int code) throws RecordException {
    ContentType type = fromCode(code);
    if (type == null) {
      throw new RecordException("content type " + code + " is not one of 20..24");
    }
    return type;
  }
}
