package io.heartguard.wire.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.RecordFramer.Opening;
import io.heartguard.wire.record.RecordFramer.OpeningKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordFramerTest {
  /** An SSLv2-compatible ClientHello as 1.0.1f's s_client sends it when SSLv2 ciphers are offered. */
  static final String SSL2_COMPATIBLE_HELLO = ""
      + "802e"                                           // SSLv2 2-byte header: top bit set, length 46
      + "01"                                             // CLIENT-HELLO
      + "0301"                                           // version TLS 1.0: an SSLv3/TLS hello ("type 2")
      + "0015 0000 0010"                                 // cipher_spec_length 21, session_id 0, challenge 16
      + "000039 000038 000035 000016 000013 00000a 0700c0" // seven 3-byte cipher specs
      + "000102030405060708090a0b0c0d0e0f";              // challenge: 16 bytes

  // 16 0301 002d | handshake record, TLS 1.0, 45 bytes
  // 01 000029    | ClientHello, 41 bytes
  // 0302         | client_version TLS 1.1 (p[9] = 3 >= p[1])
  // 20 x 32 ...  | random, then empty session id, one suite, null compression
  static final String TLS_CLIENT_HELLO = "16 0301 002d 01 000029 0302"
      + "2020202020202020202020202020202020202020202020202020202020202020"
      + "00 0002 002f 01 00";

  private static Opening opening(String hex) {
    byte[] b = Bytes.ofHex(hex).toByteArray();
    return RecordFramer.clientOpening(b, 0, b.length);
  }

  @Test
  void tlsHeaderRuleIsSsl3GetRecords() {
    assertThat(RecordFramer.isTlsHeader(hex("18 0302 0003"), 0)).isTrue();   // heartbeat, TLS 1.1, 3 bytes
    assertThat(RecordFramer.isTlsHeader(hex("18 0300 0000"), 0)).isTrue();   // empty: framed, then skipped
    assertThat(RecordFramer.isTlsHeader(hex("18 03ff 0003"), 0)).isTrue();   // any minor while first_packet
    assertThat(RecordFramer.isTlsHeader(hex("19 0303 0003"), 0)).isTrue();   // type 25: framed before dispatch
    assertThat(RecordFramer.isTlsHeader(hex("18 0303 4800"), 0)).isTrue();   // 18432 = 2^14 + 2048
    assertThat(RecordFramer.isTlsHeader(hex("18 0303 4801"), 0)).isFalse();  // 18433
    assertThat(RecordFramer.isTlsHeader(hex("18 0203 0003"), 0)).isFalse();  // major 2
    assertThat(RecordFramer.isTlsHeader(hex("18 fefd 0003"), 0)).isFalse();  // DTLS 1.2 on a TLS stream
    assertThat(RecordFramer.isTlsHeader(hex("18 0303"), 0)).isFalse();       // three bytes: no header yet
    assertThat(RecordFramer.isTlsHeader(hex("18 0303 0003"), 1)).isFalse();  // offset leaves four bytes
  }

  @Test
  void partialHeaderIsWorthWaitingForOnlyWhileTheRuleCanStillHold() {
    assertThat(RecordFramer.couldStartTlsHeader(hex(""), 0, 0)).isTrue();
    assertThat(RecordFramer.couldStartTlsHeader(hex("45"), 0, 1)).isTrue();           // any type
    assertThat(RecordFramer.couldStartTlsHeader(hex("1803"), 0, 2)).isTrue();
    assertThat(RecordFramer.couldStartTlsHeader(hex("4554"), 0, 2)).isFalse();        // "ET": major 0x54
    assertThat(RecordFramer.couldStartTlsHeader(hex("180303 48"), 0, 4)).isTrue();    // 0x48xx may be 18432
    assertThat(RecordFramer.couldStartTlsHeader(hex("180303 49"), 0, 4)).isFalse();   // 0x49xx > 18432
  }

  @Test
  void resyncCandidateIsTheRuleNarrowedToWhatStacksSend() {
    assertThat(RecordFramer.isResyncCandidate(hex("17 0303 0020"), 0)).isTrue();
    assertThat(RecordFramer.isResyncCandidate(hex("17 0303 0000"), 0)).isFalse();    // empty
    assertThat(RecordFramer.isResyncCandidate(hex("17 0304 0020"), 0)).isFalse();    // 3.4: 1.0.1f never negotiates it
    assertThat(RecordFramer.isResyncCandidate(hex("19 0303 0020"), 0)).isFalse();    // undefined type
    assertThat(RecordFramer.isResyncCandidate(hex("17 0203 0020"), 0)).isFalse();    // the rule itself refuses
  }

  @Test
  void dtlsHeaderRuleIsDtls1GetRecords() {
    // 18 fefd 0001 000000000005 0013 | heartbeat, DTLS 1.2, epoch 1, sequence 5, 19 bytes
    assertThat(RecordFramer.isDtlsHeader(hex("18 fefd 0001 000000000005 0013"), 0)).isTrue();
    assertThat(RecordFramer.isDtlsHeader(hex("16 fe01 0000 000000000000 0013"), 0)).isTrue();  // any minor
    assertThat(RecordFramer.isDtlsHeader(hex("19 fefd 0000 000000000000 0013"), 0)).isFalse(); // type 25
    assertThat(RecordFramer.isDtlsHeader(hex("16 0303 0000 000000000000 0013"), 0)).isFalse(); // a TLS version
    assertThat(RecordFramer.isDtlsHeader(hex("16 feff 0000 000000000000 4801"), 0)).isFalse(); // 18433
    assertThat(RecordFramer.isDtlsHeader(hex("16 feff 0000 000000000000 00"), 0)).isFalse();   // twelve bytes
  }

  @Test
  void sslv2CompatibleHelloIsFramedAndTlsRecordsStartRightAfterIt() {
    Opening o = opening(SSL2_COMPATIBLE_HELLO);
    assertThat(o.kind()).isEqualTo(OpeningKind.SSL2_COMPATIBLE_HELLO);
    assertThat(o.length()).isEqualTo(2 + 46).isEqualTo(Bytes.ofHex(SSL2_COMPATIBLE_HELLO).size());
  }

  @Test
  void realSslv2HelloIsNamedApart() {
    // 8025 | 2-byte header, 37 bytes; 01 | CLIENT-HELLO; 0002 | version SSLv2
    assertThat(opening("8025 01 0002 0015 0000 0010 000000").kind()).isEqualTo(OpeningKind.SSL2_HELLO);
  }

  @Test
  void tlsClientHelloRecordOpensTheStream() {
    assertThat(opening(TLS_CLIENT_HELLO)).isEqualTo(new Opening(OpeningKind.TLS_RECORDS, 0, ""));
    // 16 03ff ...: s23_srvr.c does not look at the record's minor version, nor does ssl3_get_record yet.
    assertThat(opening(TLS_CLIENT_HELLO.replaceFirst("16 0301", "16 03ff")).kind())
        .isEqualTo(OpeningKind.TLS_RECORDS);
  }

  @Test
  void ssl23GetClientHelloRefusalsAreRefusedWithTheirReason() {
    assertThat(opening("474554202f20485454502f312e310d0a")).isEqualTo(Opening.refused( // "GET / HTTP/1.1"
        "first byte 0x47 starts neither a TLS handshake record (0x16) nor an SSLv2 2-byte header (top bit set)"));
    // 18 0301 0003 01 4000 | a heartbeat as the first record: s23_srvr.c wants a handshake record
    assertThat(opening("18 0301 0003 01 4000").reason()).startsWith("first byte 0x18 starts neither");
    // 16 0301 0005 01 000001 00 | a ClientHello record of 5 bytes: SSL_R_RECORD_TOO_SMALL
    assertThat(opening("16 0301 0005 01 000001 0000").reason())
        .isEqualTo("ClientHello record of 5 bytes (s23_srvr.c wants at least 6)");
    // 16 0301 002f 02 ...: a ServerHello where the ClientHello belongs
    assertThat(opening("16 0301 002f 02").reason()).isEqualTo("first handshake message type 2 is not ClientHello (1)");
    // 16 0301 002f 01 00002b 0202 | client_version 2.2
    assertThat(opening("16 0301 002f 01 00002b 0202").reason()).isEqualTo("ClientHello client_version major 0x02 is below 3");
    // 8008 01 0301 ...: SSLv2-compatible hello of 8 bytes, under the 9 s23_srvr.c needs
    assertThat(opening("8008 01 0301 0003 0000 0000").reason())
        .isEqualTo("SSLv2-compatible ClientHello of 8 bytes (s23_srvr.c takes 9..4096)");
    // 9001 01 0301: 4097 bytes, over SSL_R_RECORD_TOO_LARGE's 4096
    assertThat(opening("9001 01 0301 0003 0000 0010").reason())
        .isEqualTo("SSLv2-compatible ClientHello of 4097 bytes (s23_srvr.c takes 9..4096)");
    // 802e 04: SSLv2 header with SERVER-HELLO (4)
    assertThat(opening("802e 04").reason()).isEqualTo("SSLv2 header with message type 4, not CLIENT-HELLO (1)");
    // 802e 01 0401: version 4.1
    assertThat(opening("802e 01 0401 0015 0000 0010").reason())
        .isEqualTo("SSLv2-format ClientHello with version 0x0401 (neither SSLv2 nor 3.x)");
  }

  @Test
  void sslv2ThreeByteHeaderIsRefusedAsS23SrvrRefusesIt() {
    // 002e 00 01 0301 ...: 3-byte header (top bit clear, escape clear), length 46, padding 0, CLIENT-HELLO
    assertThat(opening("002e 00 01 0301 0015 0000 0010").reason()).isEqualTo("first byte 0x00 starts neither a TLS"
        + " handshake record (0x16) nor an SSLv2 2-byte header (top bit set); nor does"
        + " ssl23_get_client_hello accept an SSLv2 3-byte header");
  }

  @Test
  void openingIsDecidedOnElevenBytesAndNotBefore() {
    byte[] hello = Bytes.ofHex(SSL2_COMPATIBLE_HELLO).toByteArray();
    assertThat(RecordFramer.clientOpening(hello, 0, 10).kind()).isEqualTo(OpeningKind.MORE_BYTES_NEEDED);
    assertThat(RecordFramer.clientOpening(hello, 0, 11).kind()).isEqualTo(OpeningKind.SSL2_COMPATIBLE_HELLO);
  }

  @Test
  void openingSplitByteByByteGivesTheSameAnswerOnceThereIsOne() {
    for (String fixture : new String[] {SSL2_COMPATIBLE_HELLO, TLS_CLIENT_HELLO, "474554202f20485454502f312e310d0a",
        "8025 01 0002 0015 0000 0010 000000", "16 0301 0005 01 000001 0000", "002e 00 01 0301 0015 0000 0010"}) {
      byte[] b = Bytes.ofHex(fixture).toByteArray();
      Opening whole = RecordFramer.clientOpening(b, 0, b.length);
      boolean decided = false;
      for (int n = 0; n <= b.length; n++) {
        Opening prefix = RecordFramer.clientOpening(Arrays.copyOf(b, n), 0, n);
        if (prefix.kind() != OpeningKind.MORE_BYTES_NEEDED) {
          assertThat(prefix).as("%s after %d bytes", fixture, n).isEqualTo(whole);
          decided = true;
        } else {
          assertThat(decided).as("%s undecided again after %d bytes", fixture, n).isFalse();
        }
      }
    }
  }

  @Test
  void recordsAfterAnSslv2HelloRoundTripThroughTheRule() throws Exception {
    // The hello, then a heartbeat record the server reads at exactly 2 + 46: 18 0301 0003 01 4000.
    byte[] stream = Bytes.ofHex(SSL2_COMPATIBLE_HELLO + "18 0301 0003 01 4000").toByteArray();
    int next = RecordFramer.clientOpening(stream, 0, stream.length).length();
    assertThat(RecordFramer.isTlsHeader(stream, next)).isTrue();
    RecordHeader header = RecordHeader.parse(stream, next);
    assertThat(header).isEqualTo(new RecordHeader(24, ProtocolVersion.TLS1_0, 3));
    byte[] written = new byte[RecordHeader.LENGTH];
    header.writeTo(written, 0);
    assertThat(written).isEqualTo(Arrays.copyOfRange(stream, next, next + RecordHeader.LENGTH));
  }

  private static byte[] hex(String hex) {
    return Bytes.ofHex(hex).toByteArray();
  }
}
