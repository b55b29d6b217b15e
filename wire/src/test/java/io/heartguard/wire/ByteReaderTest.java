package io.heartguard.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.record.RecordException;
import org.junit.jupiter.api.Test;

class ByteReaderTest {
  static ByteReader<RecordException> reader(String hex) {
    byte[] data = Bytes.ofHex(hex).toByteArray();
    return new ByteReader<>(data, 0, data.length, RecordException::new);
  }

  @Test
  void readsBigEndianFieldsAndVectors() throws Exception {
    ByteReader<RecordException> r = reader("01 0203 040506 0708090a0b0c 02 abcd 0001 ef 000001 99");
    assertThat(r.readUint8("a")).isEqualTo(0x01);
    assertThat(r.readUint16("b")).isEqualTo(0x0203);
    assertThat(r.readUint24("c")).isEqualTo(0x040506);
    assertThat(r.readUint48("d")).isEqualTo(0x0708090a0b0cL);
    assertThat(r.readVector8("e")).isEqualTo(Bytes.ofHex("abcd"));
    assertThat(r.readVector16("f")).isEqualTo(Bytes.ofHex("ef"));
    assertThat(r.readVector24("g")).isEqualTo(Bytes.ofHex("99"));
    assertThat(r.exhausted()).isTrue();
  }

  @Test
  void vectorLongerThanWhatRemainsIsRefusedWithItsName() {
    assertThatThrownBy(() -> reader("05 aabb").readVector8("cookie"))
        .isInstanceOf(RecordException.class)
        .hasMessage("cookie needs 5 bytes but only 2 remain");
  }

  @Test
  void negativeCountIsRefusedNotThrownAsIndexOutOfBounds() {
    assertThatThrownBy(() -> reader("aabb").readBytes(-1, "payload"))
        .isInstanceOf(RecordException.class)
        .hasMessage("payload needs -1 bytes, a negative count");
    assertThatThrownBy(() -> reader("aabb").skip(-1, "padding"))
        .isInstanceOf(RecordException.class);
  }

  @Test
  void trailingBytesAreAsWrongAsMissingOnes() throws Exception {
    ByteReader<RecordException> r = reader("0102");
    r.readUint8("a");
    assertThat(r.remaining()).isEqualTo(1);
    assertThatThrownBy(() -> r.requireExhausted("thing"))
        .isInstanceOf(RecordException.class)
        .hasMessage("thing has 1 trailing bytes");
  }

  @Test
  void writerMirrorsTheReader() throws Exception {
    byte[] written = new ByteWriter(1).writeUint8(1).writeUint16(0x0203).writeUint24(0x040506)
        .writeUint48(0x0708090a0b0cL).writeVector8(Bytes.ofHex("abcd")).writeVector16(Bytes.ofHex("ef"))
        .writeVector24(Bytes.ofHex("99")).toByteArray();
    assertThat(written).isEqualTo(Bytes.ofHex("01 0203 040506 0708090a0b0c 02 abcd 0001 ef 000001 99").toByteArray());
    assertThatThrownBy(() -> new ByteWriter().writeVector8(Bytes.repeat(0, 256)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vector of 256 bytes exceeds its length field (at most 255)");
  }
}
