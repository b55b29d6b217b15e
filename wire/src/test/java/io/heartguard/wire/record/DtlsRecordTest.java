package io.heartguard.wire.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DtlsRecordTest {
  /** Two records in one datagram: a heartbeat request, then an alert. */
  static final Bytes TWO_RECORDS = Bytes.ofHex(""
      + "18 feff 0000 000000000003 0013"     // heartbeat, DTLS 1.0, epoch 0, sequence 3, 19 bytes
      + "01 0000"                            //   heartbeat_request, payload_length 0
      + "00000000000000000000000000000000"   //   16 bytes of padding
      + "15 fefd 0000 000000000004 0002"     // alert, DTLS 1.2, epoch 0, sequence 4, 2 bytes
      + "0228");                             //   fatal handshake_failure

  @Test
  void aDatagramHoldsSeveralRecordsInOrder() throws Exception {
    byte[] datagram = TWO_RECORDS.toByteArray();
    List<DtlsRecord> records = DtlsRecord.parseDatagram(datagram, datagram.length);
    assertThat(records).extracting(DtlsRecord::type).containsExactly(ContentType.HEARTBEAT, ContentType.ALERT);
    assertThat(records.get(0).header().sequenceNumber()).isEqualTo(3);
    assertThat(records.get(1).fragment()).isEqualTo(Bytes.ofHex("0228"));
    assertThat(DtlsRecord.datagram(records)).isEqualTo(datagram);
  }

  @Test
  void aRecordReachingPastItsDatagramIsRefused() {
    byte[] datagram = TWO_RECORDS.toByteArray();
    assertThatThrownBy(() -> DtlsRecord.parseDatagram(datagram, datagram.length - 1))
        .isInstanceOf(RecordException.class)
        .hasMessage("DTLS record at offset 32 declares 2 bytes but the datagram holds only 1 after its header");
  }

  @Test
  void aDatagramEndingInsideAHeaderIsRefused() {
    byte[] datagram = TWO_RECORDS.toByteArray();
    assertThatThrownBy(() -> DtlsRecord.parseDatagram(datagram, 32 + 5))
        .isInstanceOf(RecordException.class)
        .hasMessage("datagram ends 5 bytes into a record header at offset 32 (a header is 13 bytes)");
  }

  @Test
  void headerLengthMustMatchTheFragment() {
    assertThatThrownBy(() -> new DtlsRecord(new DtlsRecordHeader(22, ProtocolVersion.DTLS1_2, 0, 0, 3), Bytes.of((byte) 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header length 3 but fragment of 1 bytes");
  }

  @Property(seed = "20140407")
  void anyRecordsRoundTripThroughADatagram(@ForAll("records") @Size(max = 6) List<DtlsRecord> records) throws Exception {
    byte[] datagram = DtlsRecord.datagram(records);
    assertThat(DtlsRecord.parseDatagram(datagram, datagram.length)).isEqualTo(records);
  }

  @Provide
  Arbitrary<List<DtlsRecord>> records() {
    Arbitrary<DtlsRecord> record = Combinators.combine(
        Arbitraries.of(ContentType.values()),
        Arbitraries.of(ProtocolVersion.DTLS1_0, ProtocolVersion.DTLS1_2),
        Arbitraries.integers().between(0, 0xffff),
        Arbitraries.longs().between(0, (1L << 48) - 1),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
        .as((type, version, epoch, seq, body) -> DtlsRecord.of(type, version, epoch, seq, Bytes.of(body)));
    return record.list().ofMaxSize(6).map(ArrayList::new);
  }
}
