package io.heartguard.wire.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.ParserContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RecordPropertyTest {
  static final String SEED = "20140407";

  @Property(seed = SEED)
  void recordsSurviveAnySplitOfTheStream(@ForAll("records") List<TlsRecord> records, @ForAll Random cuts)
      throws Exception {
    ByteWriter stream = new ByteWriter();
    records.forEach(r -> stream.write(r.toByteArray()));
    byte[] bytes = stream.toByteArray();
    RecordReader reader = new RecordReader();
    List<TlsRecord> out = new ArrayList<>();

    for (int at = 0; at < bytes.length; ) {
      int n = Math.min(bytes.length - at, 1 + cuts.nextInt(40));
      reader.feed(bytes, at, n);
      for (TlsRecord r = reader.next(); r != null; r = reader.next()) {
        out.add(r);
      }
      at += n;
    }

    assertThat(out).isEqualTo(records);
    assertThat(reader.buffered()).isZero();
  }

  @Property(seed = SEED)
  void dtlsRecordHeaderRoundTrips(@ForAll("dtlsHeaders") DtlsRecordHeader header) throws Exception {
    byte[] wire = new byte[DtlsRecordHeader.LENGTH];
    header.writeTo(wire, 0);
    assertThat(DtlsRecordHeader.parse(wire, 0)).isEqualTo(header);
  }

  @Property(seed = SEED)
  void recordReaderRefusesArbitraryBytesOnlyWithRecordException(@ForAll @Size(max = 600) byte[] input) {
    ParserContract.holds(RecordException.class, input.length, () -> {
      RecordReader reader = new RecordReader();
      reader.feed(input);
      while (reader.next() != null) {
        assertThat(reader.buffered()).isLessThan(input.length);
      }
    });
  }

  @Property(seed = SEED)
  void headerParsersRefuseArbitraryBytesOnlyWithRecordException(@ForAll @Size(max = 20) byte[] input,
      @ForAll @IntRange(min = -2, max = 22) int offset) {
    ParserContract.holds(RecordException.class, input.length, () -> RecordHeader.parse(input, offset));
    ParserContract.holds(RecordException.class, input.length, () -> DtlsRecordHeader.parse(input, offset));
  }

  @Property(seed = SEED)
  void parseAcceptsExactlyTheFramersHeadersOfKnownType(@ForAll @Size(5) byte[] header) {
    boolean parses;
    try {
      RecordHeader.parse(header, 0);
      parses = true;
    } catch (RecordException e) {
      parses = false;
    }
    boolean knownType = ContentType.fromCode(header[0] & 0xff) != null;
    assertThat(parses).isEqualTo(RecordFramer.isTlsHeader(header, 0) && knownType);
  }

  @Provide
  Arbitrary<List<TlsRecord>> records() {
    Arbitrary<TlsRecord> record = Combinators.combine(
        Arbitraries.of(ContentType.class),
        Arbitraries.integers().between(0, 3).map(minor -> new ProtocolVersion(3, minor)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(300).map(Bytes::of))
        .as(TlsRecord::new);
    return record.list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<DtlsRecordHeader> dtlsHeaders() {
    return Combinators.combine(
        Arbitraries.integers().between(20, 24),
        Arbitraries.integers().between(0, 0xff).map(minor -> new ProtocolVersion(0xfe, minor)),
        Arbitraries.integers().between(0, 0xffff),
        Arbitraries.longs().between(0, (1L << 48) - 1),
        Arbitraries.integers().between(0, RecordHeader.MAX_CIPHERTEXT))
        .as(DtlsRecordHeader::new);
  }
}
