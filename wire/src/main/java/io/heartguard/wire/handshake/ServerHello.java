package io.heartguard.wire.handshake;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.util.List;

/** ServerHello (RFC 5246 section 7.4.1.3). */
public record ServerHello(
    ProtocolVersion version,
    Bytes random,
    Bytes sessionId,
    int cipherSuite,
    int compressionMethod,
    List<Extension> extensions) {

  public ServerHello {
    if (random.size() != 32) {
      throw new IllegalArgumentException("random must be 32 bytes, got " + random.size());
    }
    if (sessionId.size() > 32) {
      throw new IllegalArgumentException("session id must be at most 32 bytes, got " + sessionId.size());
    }
    if (cipherSuite < 0 || cipherSuite > 0xffff || compressionMethod < 0 || compressionMethod > 0xff) {
      throw new IllegalArgumentException("cipher suite or compression method out of range");
    }
    extensions = List.copyOf(extensions);
    Extension.checkBlock(extensions);
  }

  public static ServerHello parse(Bytes body) throws HandshakeException {
    ByteReader<HandshakeException> r = new ByteReader<>(body.toByteArray(), 0, body.size(), HandshakeException::new);
    ProtocolVersion version = ProtocolVersion.fromCode(r.readUint16("server_version"));
    Bytes random = r.readBytes(32, "random");
    Bytes sessionId = r.readVector8("session_id");
    if (sessionId.size() > 32) {
      throw new HandshakeException("session_id of " + sessionId.size() + " bytes exceeds 32");
    }
    int cipherSuite = r.readUint16("cipher_suite");
    int compression = r.readUint8("compression_method");
    List<Extension> extensions = Extension.readBlock(r);
    r.requireExhausted("ServerHello");
    return new ServerHello(version, random, sessionId, cipherSuite, compression, extensions);
  }

  public Bytes toBody() {
    ByteWriter w = new ByteWriter(128).writeUint16(version.code()).write(random).writeVector8(sessionId)
        .writeUint16(cipherSuite).writeUint8(compressionMethod);
    Extension.writeBlock(w, extensions);
    return w.toBytes();
  }

  public HandshakeMessage toMessage() {
    return new HandshakeMessage(HandshakeType.SERVER_HELLO, toBody());
  }

  public Extension extension(int type) {
    return Extension.find(extensions, type);
  }

  /** The heartbeat mode the server announced (RFC 6520 section 2), or null when it sent no heartbeat extension. */
  public HeartbeatMode heartbeatMode() {
    Extension ext = extension(Extension.HEARTBEAT);
    if (ext == null) {
      return null;
    }
    return ext.data().size() == 1 ? HeartbeatMode.fromCode(ext.data().get(0)) : HeartbeatMode.UNKNOWN;
  }
}
