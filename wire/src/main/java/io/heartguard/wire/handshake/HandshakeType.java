package io.heartguard.wire.handshake;

/** Handshake message types (RFC 5246 section 7.4, RFC 6347 section 4.2.1 for hello_verify_request). */
public enum HandshakeType {
  HELLO_REQUEST(0),
  CLIENT_HELLO(1),
  SERVER_HELLO(2),
  HELLO_VERIFY_REQUEST(3),
  NEW_SESSION_TICKET(4),
  CERTIFICATE(11),
  SERVER_KEY_EXCHANGE(12),
  CERTIFICATE_REQUEST(13),
  SERVER_HELLO_DONE(14),
  CERTIFICATE_VERIFY(15),
  CLIENT_KEY_EXCHANGE(16),
  FINISHED(20),
  CERTIFICATE_STATUS(22);

  private final int code;

  HandshakeType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or null for one this core does not know. */
  public static HandshakeType fromCode(int code) {
    for (HandshakeType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
