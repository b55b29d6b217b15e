package io.heartguard.wire.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.ByteWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordReaderTest {
  static final Bytes ALERT_RECORD = Bytes.ofHex("15 0302 0002 02 28");   // alert, TLS 1.1, fatal handshake_failure
  static final Bytes CCS_RECORD = Bytes.ofHex("14 0303 0001 01");        // change_cipher_spec, TLS 1.2
  static final Bytes HEARTBEAT_RECORD = Bytes.ofHex(""
      + "18 0301 0016"                                                     // heartbeat, TLS 1.0, 22 bytes
      + "01 0003 616263"                                                   // request, payload "abc"
      + "00000000000000000000000000000000");                              // 16 bytes of padding

  @Test
  void recordsFedOneByteAtATimeComeOutWhole() throws Exception {
    byte[] stream = new ByteWriter().write(ALERT_RECORD).write(CCS_RECORD).write(HEARTBEAT_RECORD).toByteArray();
    RecordReader reader = new RecordReader();
    List<TlsRecord> records = new ArrayList<>();

    for (byte b : stream) {
      reader.feed(new byte[] {b});
      for (TlsRecord r = reader.next(); r != null; r = reader.next()) {
        records.add(r);
      }
    }

    assertThat(records).containsExactly(
        new TlsRecord(ContentType.ALERT, ProtocolVersion.TLS1_1, Bytes.ofHex("0228")),
        new TlsRecord(ContentType.CHANGE_CIPHER_SPEC, ProtocolVersion.TLS1_2, Bytes.ofHex("01")),
        new TlsRecord(ContentType.HEARTBEAT, ProtocolVersion.TLS1_0, HEARTBEAT_RECORD.slice(5, 27)));
    assertThat(reader.buffered()).isZero();
  }

  @Test
  void incompleteRecordWaitsAndShowsWhatIsBuffered() throws Exception {
    RecordReader reader = new RecordReader();
    reader.feed(ALERT_RECORD.slice(0, 6).toByteArray());
    assertThat(reader.next()).isNull();
    assertThat(reader.buffered()).isEqualTo(6);
    assertThat(reader.peekBuffered(3)).isEqualTo(Bytes.ofHex("150302").toByteArray());
    assertThat(reader.peekBuffered(-1)).isEmpty();
    assertThat(reader.peekBuffered(100)).hasSize(6);
  }

  @Test
  void lengthOverTwoToThe14Plus2048IsRefusedFromTheHeaderAlone() {
    RecordReader reader = new RecordReader();
    reader.feed(Bytes.ofHex("17 0303 4801").toByteArray());   // application_data claiming 18433 bytes

    assertThatThrownBy(reader::next)
        .isInstanceOf(RecordException.class)
        .hasMessage("record length 18433 exceeds the maximum of 2^14 + 2048 = 18432");
    reader.feed(new byte[18433]);                              // the body a trusting reader would wait for
    assertThat(reader.buffered()).isEqualTo(5);
  }

  @Test
  void lengthOfExactlyTwoToThe14Plus2048IsAccepted() throws Exception {
    RecordReader reader = new RecordReader();
    reader.feed(Bytes.ofHex("17 0303 4800").toByteArray());
    reader.feed(new byte[18432]);
    assertThat(reader.next().fragment().size()).isEqualTo(18432);
  }

  @Test
  void unknownContentTypeIsRefused() {
    RecordReader reader = new RecordReader();
    reader.feed(Bytes.ofHex("47 4554 202f").toByteArray());   // "GET /": plain HTTP on a TLS port
    assertThatThrownBy(reader::next)
        .isInstanceOf(RecordException.class)
        .hasMessage("content type 71 is not one of 20..24");
  }

  @Test
  void majorVersionOtherThanThreeIsRefused() {
    RecordReader reader = new RecordReader();
    reader.feed(Bytes.ofHex("16 feff 0010").toByteArray());   // a DTLS header on a TLS stream
    assertThatThrownBy(reader::next)
        .isInstanceOf(RecordException.class)
        .hasMessage("record version 0xfeff is not 3.x (ssl3_get_record)");
  }

  @Test
  void recordToStringShowsOnlyTheFragmentSize() throws Exception {
    RecordReader reader = new RecordReader();
    reader.feed(HEARTBEAT_RECORD.toByteArray());
    assertThat(reader.next()).hasToString("TlsRecord[type=HEARTBEAT, version=TLSv1.0, fragment=22 bytes]");
  }
}
