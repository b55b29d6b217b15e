package io.heartguard.wire.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsRecordTest {
  @Test
  void dataOverTwoToThe14IsSplitIntoFullRecordsAndARest() throws Exception {
    Bytes data = Bytes.repeat(0x5a, (1 << 14) * 2 + 100);
    byte[] wire = TlsRecord.fragmentInto(ContentType.HANDSHAKE, ProtocolVersion.TLS1_2, data);

    RecordReader reader = new RecordReader();
    reader.feed(wire);
    List<Integer> sizes = new ArrayList<>();
    for (TlsRecord r = reader.next(); r != null; r = reader.next()) {
      sizes.add(r.fragment().size());
    }
    assertThat(sizes).containsExactly(16384, 16384, 100);
    assertThat(wire).hasSize(data.size() + 3 * 5);
  }

  @Test
  void recordWritesItsHeaderAndFragment() {
    TlsRecord record = new TlsRecord(ContentType.ALERT, ProtocolVersion.TLS1_2, Bytes.ofHex("0100"));
    assertThat(record.toByteArray()).isEqualTo(Bytes.ofHex("15 0303 0002 0100").toByteArray());
  }

  @Test
  void fragmentOverTheCiphertextLimitCannotBeBuilt() {
    assertThatThrownBy(() -> new TlsRecord(ContentType.APPLICATION_DATA, ProtocolVersion.TLS1_2,
        Bytes.repeat(0, RecordHeader.MAX_CIPHERTEXT + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fragment of 18433 bytes exceeds 18432");
  }
}
