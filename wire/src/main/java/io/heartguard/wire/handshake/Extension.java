package io.heartguard.wire.handshake;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;

/** A hello extension (RFC 5246 section 7.4.1.4): a type code and opaque data. */
public record Extension(int type, Bytes data) {
  public static final int SERVER_NAME = 0;
  public static final int STATUS_REQUEST = 5;
  public static final int SUPPORTED_GROUPS = 10;
  public static final int EC_POINT_FORMATS = 11;
  public static final int SIGNATURE_ALGORITHMS = 13;
  /** RFC 6520 section 2. */
  public static final int HEARTBEAT = 15;
  public static final int ALPN = 16;
  public static final int SESSION_TICKET = 35;
  public static final int RENEGOTIATION_INFO = 0xff01;

  public Extension {
    java.util.Objects.requireNonNull(data, "data");
    if (type < 0 || type > 0xffff || data.size() > 0xffff) {
      throw new IllegalArgumentException("extension type " + type + " or data of " + data.size() + " bytes out of range");
    }
  }

  /** Reads the extensions block that may end a hello: absent (no bytes left) means none. */
  static List<Extension> readBlock(ByteReader<HandshakeException> r) throws HandshakeException {
    if (r.exhausted()) {
      return List.of();
    }
    Bytes block = r.readVector16("extensions");
    ByteReader<HandshakeException> e = new ByteReader<>(block.toByteArray(), 0, block.size(), HandshakeException::new);
    List<Extension> out = new ArrayList<>();
    while (!e.exhausted()) {
      int type = e.readUint16("extension type");
      Bytes data = e.readVector16("extension " + type + " data");
      // RFC 5246 section 7.4.1.4: "There MUST NOT be more than one extension of the same type."
      if (find(out, type) != null) {
        throw new HandshakeException("extension " + type + " appears twice; at most one of each type is allowed");
      }
      out.add(new Extension(type, data));
    }
    return List.copyOf(out);
  }

  /** What a hello constructor checks, so that {@link #writeBlock} cannot fail: one of each type, a 16-bit block. */
  static void checkBlock(List<Extension> extensions) {
    int blockLength = 0;
    for (int i = 0; i < extensions.size(); i++) {
      Extension ext = extensions.get(i);
      if (find(extensions.subList(0, i), ext.type()) != null) {
        throw new IllegalArgumentException("extension " + ext.type() + " appears twice; at most one of each type is allowed");
      }
      blockLength += 2 + 2 + ext.data().size();
    }
    if (blockLength > 0xffff) {
      throw new IllegalArgumentException("extensions of " + blockLength + " bytes exceed their length field (at most 65535)");
    }
  }

  static void writeBlock(ByteWriter w, List<Extension> extensions) {
    if (extensions.isEmpty()) {
      return;
    }
    ByteWriter block = new ByteWriter();
    for (Extension ext : extensions) {
      block.writeUint16(ext.type()).writeVector16(ext.data());
    }
    w.writeVector16(block.toBytes());
  }

  static Extension find(List<Extension> extensions, int type) {
    for (Extension e : extensions) {
      if (e.type() == type) {
        return e;
      }
    }
    return null;
  }
}
