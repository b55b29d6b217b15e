package io.heartguard.wire.handshake;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ProtocolVersion;

/**
 * HelloVerifyRequest (RFC 6347 section 4.2.1): a DTLS server's stateless cookie, which the client echoes in a second
 * ClientHello. The version is taken as sent: the RFC lets a DTLS 1.2 server answer with DTLS 1.0 here.
 */
public record HelloVerifyRequest(ProtocolVersion serverVersion, Bytes cookie) {
  /** RFC 6347 section 4.2.1: opaque cookie<0..2^8-1>. */
  public static final int MAX_COOKIE_LENGTH = 0xff;

  public HelloVerifyRequest {
    java.util.Objects.requireNonNull(serverVersion, "serverVersion");
    if (cookie.size() > MAX_COOKIE_LENGTH) {
      throw new IllegalArgumentException("cookie of " + cookie.size() + " bytes exceeds " + MAX_COOKIE_LENGTH);
    }
  }

  public static HelloVerifyRequest parse(Bytes body) throws HandshakeException {
    ByteReader<HandshakeException> r = new ByteReader<>(body.toByteArray(), 0, body.size(), HandshakeException::new);
    ProtocolVersion version = ProtocolVersion.fromCode(r.readUint16("server_version"));
    Bytes cookie = r.readVector8("cookie");
    r.requireExhausted("HelloVerifyRequest");
    return new HelloVerifyRequest(version, cookie);
  }

  public Bytes toBody() {
    return new ByteWriter(2 + 1 + cookie.size()).writeUint16(serverVersion.code()).writeVector8(cookie).toBytes();
  }

  public HandshakeMessage toMessage() {
    return new HandshakeMessage(HandshakeType.HELLO_VERIFY_REQUEST, toBody());
  }
}
