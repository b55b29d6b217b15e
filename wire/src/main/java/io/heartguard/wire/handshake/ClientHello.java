package io.heartguard.wire.handshake;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * ClientHello (RFC 5246 section 7.4.1.2). A DTLS hello carries a cookie after the session id (RFC 6347 section
 * 4.2.1); for TLS the cookie is empty and not written.
 */
public record ClientHello(
    ProtocolVersion version,
    Bytes random,
    Bytes sessionId,
    Bytes cookie,
    List<Integer> cipherSuites,
    List<Integer> compressionMethods,
    List<Extension> extensions) {

  public ClientHello {
    if (random.size() != 32) {
      throw new IllegalArgumentException("random must be 32 bytes, got " + random.size());
    }
    if (sessionId.size() > 32) {
      throw new IllegalArgumentException("session id must be at most 32 bytes, got " + sessionId.size());
    }
    if (!version.isDtls() && !cookie.isEmpty()) {
      throw new IllegalArgumentException("only a DTLS ClientHello carries a cookie");
    }
    // RFC 6347 section 4.2.1: opaque cookie<0..2^8-1>.
    if (cookie.size() > 0xff) {
      throw new IllegalArgumentException("cookie must be at most 255 bytes, got " + cookie.size());
    }
    if (cipherSuites.isEmpty() || compressionMethods.isEmpty()) {
      throw new IllegalArgumentException("a ClientHello offers at least one cipher suite and one compression method");
    }
    cipherSuites = List.copyOf(cipherSuites);
    compressionMethods = List.copyOf(compressionMethods);
    extensions = List.copyOf(extensions);
    // RFC 5246 section 7.4.1.2: CipherSuite cipher_suites<2..2^16-2>, CompressionMethod compression_methods<1..2^8-1>.
    if (cipherSuites.size() > (0xffff - 1) / 2) {
      throw new IllegalArgumentException(cipherSuites.size() + " cipher suites exceed the 2^16-2 bytes of their vector");
    }
    if (compressionMethods.size() > 0xff) {
      throw new IllegalArgumentException(compressionMethods.size() + " compression methods exceed 255");
    }
    for (int suite : cipherSuites) {
      if (suite < 0 || suite > 0xffff) {
        throw new IllegalArgumentException("cipher suite " + suite + " is not a 16-bit code");
      }
    }
    for (int method : compressionMethods) {
      if (method < 0 || method > 0xff) {
        throw new IllegalArgumentException("compression method " + method + " is not an 8-bit code");
      }
    }
    Extension.checkBlock(extensions);
  }

  public static ClientHello parse(Bytes body) throws HandshakeException {
    ByteReader<HandshakeException> r = new ByteReader<>(body.toByteArray(), 0, body.size(), HandshakeException::new);
    ProtocolVersion version = ProtocolVersion.fromCode(r.readUint16("client_version"));
    Bytes random = r.readBytes(32, "random");
    Bytes sessionId = r.readVector8("session_id");
    if (sessionId.size() > 32) {
      throw new HandshakeException("session_id of " + sessionId.size() + " bytes exceeds 32");
    }
    Bytes cookie = version.isDtls() ? r.readVector8("cookie") : Bytes.EMPTY;
    Bytes suites = r.readVector16("cipher_suites");
    if (suites.size() < 2 || suites.size() % 2 != 0) {
      throw new HandshakeException("cipher_suites of " + suites.size() + " bytes is not a non-empty list of 2-byte codes");
    }
    List<Integer> cipherSuites = new ArrayList<>(suites.size() / 2);
    for (int i = 0; i < suites.size(); i += 2) {
      cipherSuites.add((suites.get(i) << 8) | suites.get(i + 1));
    }
    Bytes compression = r.readVector8("compression_methods");
    if (compression.isEmpty()) {
      throw new HandshakeException("compression_methods is empty; at least null (0) is required");
    }
    List<Integer> compressionMethods = new ArrayList<>(compression.size());
    for (int i = 0; i < compression.size(); i++) {
      compressionMethods.add(compression.get(i));
    }
    List<Extension> extensions = Extension.readBlock(r);
    r.requireExhausted("ClientHello");
    return new ClientHello(version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions);
  }

  public Bytes toBody() {
    ByteWriter w = new ByteWriter(256).writeUint16(version.code()).write(random).writeVector8(sessionId);
    if (version.isDtls()) {
      w.writeVector8(cookie);
    }
    ByteWriter suites = new ByteWriter(cipherSuites.size() * 2);
    cipherSuites.forEach(suites::writeUint16);
    w.writeVector16(suites.toBytes());
    ByteWriter compression = new ByteWriter(compressionMethods.size());
    compressionMethods.forEach(compression::writeUint8);
    w.writeVector8(compression.toBytes());
    Extension.writeBlock(w, extensions);
    return w.toBytes();
  }

  public HandshakeMessage toMessage() {
    return new HandshakeMessage(HandshakeType.CLIENT_HELLO, toBody());
  }

  public ClientHello withCookie(Bytes newCookie) {
    return new ClientHello(version, random, sessionId, newCookie, cipherSuites, compressionMethods, extensions);
  }

  public Extension extension(int type) {
    return Extension.find(extensions, type);
  }

  /** The host_name of a server_name extension (RFC 6066 section 3), or null when absent or unreadable. */
  public String serverName() {
    Extension sni = extension(Extension.SERVER_NAME);
    if (sni == null) {
      return null;
    }
    try {
      ByteReader<HandshakeException> r =
          new ByteReader<>(sni.data().toByteArray(), 0, sni.data().size(), HandshakeException::new);
      Bytes names = r.readVector16("server_name_list");
      ByteReader<HandshakeException> list =
          new ByteReader<>(names.toByteArray(), 0, names.size(), HandshakeException::new);
      while (!list.exhausted()) {
        int nameType = list.readUint8("name_type");
        Bytes name = list.readVector16("host_name");
        if (nameType == 0) {
          return new String(name.toByteArray(), StandardCharsets.US_ASCII);
        }
      }
      return null;
    } catch (HandshakeException e) {
      return null;
    }
  }

  /** Whether the heartbeat extension (RFC 6520 section 2) is offered. */
  public boolean offersHeartbeat() {
    return extension(Extension.HEARTBEAT) != null;
  }
}
