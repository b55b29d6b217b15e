package io.heartguard.guard;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;

/** Builds the TLS records the tests feed the guard; every fixture says what its bytes mean. */
final class TlsBytes {
  private TlsBytes() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
  }

  /** A record: type, version 0x0303, length, then {@code fragment}. */
  static byte[] record(int type, byte[] fragment) {
    byte[] out = new byte[5 + fragment.length];
    out[0] = (byte) type;
    out[1] = 3;
    out[2] = 3;
    out[3] = (byte) (fragment.length >>> 8);
    out[4] = (byte) fragment.length;
    System.arraycopy(fragment, 0, out, 5, fragment.length);
    return out;
  }

  /** A record of {@code length} bytes of {@code fill}: an encrypted record, whose contents the guard never reads. */
  static byte[] opaqueRecord(int type, int length, int fill) {
    byte[] body = new byte[length];
    Arrays.fill(body, (byte) fill);
    return record(type, body);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  // 16 0301 002d | handshake record, TLS 1.0, 45 bytes: how a client's stream opens (s23_srvr.c)
  // 01 000029    | ClientHello, 41 bytes
  // 0303         | client_version TLS 1.2
  // 20 x 32      | random
  // 00           | no session id
  // 0002 002f    | one suite, TLS_RSA_WITH_AES_128_CBC_SHA
  // 01 00        | null compression only
  static final byte[] CLIENT_HELLO = hex("16 0301 002d 01 000029 0303"
      + "2020202020202020202020202020202020202020202020202020202020202020 00 0002 002f 01 00");

  // 80 2e        | SSLv2 2-byte header (top bit set), 46 bytes: 1.0.1f's s_client offering SSLv2 ciphers
  // 01 0301      | CLIENT-HELLO, version TLS 1.0: an SSLv3/TLS hello in SSLv2 form
  // 0015 0000 0010 | cipher_spec_length 21, session_id_length 0, challenge_length 16
  // 21 + 16 bytes  | seven cipher specs and the challenge; TLS records start right after (s23_srvr.c)
  static final byte[] SSL2_COMPATIBLE_HELLO = hex("802e 01 0301 0015 0000 0010"
      + "000039 000038 000035 000016 000013 00000a 0700c0 000102030405060708090a0b0c0d0e0f");

  // 18 0301 001b | heartbeat record, 27 bytes, where 1.0.1f reads it: right after the SSLv2-compatible hello
  // 01 4000      | heartbeat_request, payload_length 16384: the attack
  // 18 0301 0013 | the record's other 24 bytes, made to look like a record header of their own...
  // 01 0000      | ...holding a well-formed request, payload_length 0
  // 00 x 16      | ...and 16 bytes of padding
  static final byte[] MISLEADING_AFTER_SSL2_HELLO = hex("18 0301 001b 01 4000"
      + "18 0301 0013 01 0000 00000000000000000000000000000000");

  // 16 0303 0028 | handshake record after ChangeCipherSpec: Finished, encrypted (40 bytes the guard cannot read)
  static final byte[] FINISHED = opaqueRecord(22, 40, 0x46);

  // 16 0303 0004 | handshake record, TLS 1.2, 4 bytes
  // 0e 000000    | ServerHelloDone, empty body (a stand-in for any handshake flight)
  static final byte[] HANDSHAKE = hex("16 0303 0004 0e000000");

  // 14 0303 0001 | change_cipher_spec record, 1 byte
  // 01           | change_cipher_spec: every later record this way is encrypted (RFC 5246 section 7.1)
  static final byte[] CHANGE_CIPHER_SPEC = hex("14 0303 0001 01");

  // 17 0303 0005 | application_data record, 5 bytes
  // 68656c6c6f   | "hello" (ciphertext, as far as the guard knows)
  static final byte[] APPLICATION_DATA = hex("17 0303 0005 68656c6c6f");

  // 18 0302 0003 | heartbeat record, TLS 1.1, 3 bytes: the classic Heartbleed probe
  // 01           | heartbeat_request
  // 4000         | payload_length 16384, with no payload and no padding behind it
  static final byte[] HEARTBLEED_REQUEST = hex("18 0302 0003 01 4000");

  // 18 0303 0016 | heartbeat record, 22 bytes
  // 01           | heartbeat_request
  // 0003 414243  | payload_length 3, payload "ABC"
  // 00 x 16      | padding: the minimum of RFC 6520 section 4
  static final byte[] VALID_REQUEST = hex("18 0303 0016 01 0003 414243 00000000000000000000000000000000");

  // 18 0303 0016 | heartbeat record, 22 bytes
  // 02           | heartbeat_response
  // 0003 414243  | payload_length 3, payload "ABC" echoed
  // ff x 16      | fresh padding
  static final byte[] VALID_RESPONSE = hex("18 0303 0016 02 0003 414243 ffffffffffffffffffffffffffffffff");

  /**
   * What 1.0.1f sends back to {@link #HEARTBLEED_REQUEST}: heartbeat_response, payload_length 16384, then 16384
   * bytes of its memory and 16 of padding: 16403 bytes, over one record's 2^14, so two records (16384 + 19).
   */
  static byte[] heartbleedResponse() {
    byte[] message = new byte[3 + 16384 + 16];
    message[0] = 2;
    message[1] = 0x40;
    Arrays.fill(message, 3, message.length, (byte) 0x5a); // "memory"
    return concat(record(24, Arrays.copyOfRange(message, 0, 16384)),
        record(24, Arrays.copyOfRange(message, 16384, message.length)));
  }
}
