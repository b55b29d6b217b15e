package io.heartguard.wire.handshake;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ByteWriter;

/** One handshake message as framed on the wire (RFC 5246 section 7.4): a type code and its body. */
public record HandshakeMessage(int typeCode, Bytes body) {
  public static final int HEADER_LENGTH = 4;

  public HandshakeMessage {
    if (typeCode < 0 || typeCode > 0xff || body.size() > 0xffffff) {
      throw new IllegalArgumentException("handshake type " + typeCode + " or body of " + body.size() + " bytes out of range");
    }
  }

  public HandshakeMessage(HandshakeType type, Bytes body) {
    this(type.code(), body);
  }

  /** The type, or null when the code is not one this core knows. */
  public HandshakeType type() {
    return HandshakeType.fromCode(typeCode);
  }

  public byte[] toByteArray() {
    return new ByteWriter(HEADER_LENGTH + body.size()).writeUint8(typeCode).writeVector24(body).toByteArray();
  }
}
