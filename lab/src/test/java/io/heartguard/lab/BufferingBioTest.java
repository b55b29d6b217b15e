package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 4 KB handshake write buffer of OpenSSL 1.0.1f (bf_buff.c buffer_write), byte for byte. */
class BufferingBioTest {
  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void aWriteThatFitsStaysInTheBufferAndNothingReachesTheWire() {
    BufferingBio bio = new BufferingBio();
    // A well-formed heartbeat answer: 5-byte header + 3 + 16 payload + 16 padding = 40 bytes.
    assertThat(bio.write(filled(40, 1))).isEmpty();
    assertThat(bio.buffered()).isEqualTo(40);
  }

  @Test
  void exactlyOneBufferfulIsStillHeldBack() {
    BufferingBio bio = new BufferingBio();
    assertThat(bio.write(filled(BufferingBio.SIZE, 1))).isEmpty();
    assertThat(bio.buffered()).isEqualTo(4096);
  }

  @Test
  void aWriteLargerThanTheBufferGoesStraightOutWhenTheBufferIsEmpty() {
    BufferingBio bio = new BufferingBio();
    byte[] big = filled(BufferingBio.SIZE + 1, 2);
    assertThat(bio.write(big)).isEqualTo(big);
    assertThat(bio.buffered()).isZero();
  }

  @Test
  void aLargeWriteTopsUpTheBufferSendsItThenSendsTheRestWhenAtLeastABufferRemains() {
    BufferingBio bio = new BufferingBio();
    bio.write(filled(100, 1));
    byte[] wire = bio.write(filled(10_000, 2));
    // 100 held bytes + 3996 to top up, then the remaining 6004 (>= 4096) written directly.
    assertThat(wire).hasSize(10_100);
    assertThat(Arrays.copyOfRange(wire, 0, 100)).containsOnly(1);
    assertThat(Arrays.copyOfRange(wire, 100, 10_100)).containsOnly(2);
    assertThat(bio.buffered()).isZero();
  }

  @Test
  void aWriteThatOverflowsByLessThanABufferLeavesItsTailHeld() {
    BufferingBio bio = new BufferingBio();
    bio.write(filled(100, 1));
    byte[] wire = bio.write(filled(5000, 2));
    // Top up with 3996 bytes and send 4096; the other 1004 are less than a buffer, so they wait.
    assertThat(wire).hasSize(4096);
    assertThat(bio.buffered()).isEqualTo(1004);
    assertThat(bio.flush()).hasSize(1004).containsOnly(2);
  }

  @Test
  void flushEmptiesTheBufferInOrder() {
    BufferingBio bio = new BufferingBio();
    bio.write(new byte[] {1, 2});
    bio.write(new byte[] {3});
    assertThat(bio.flush()).containsExactly(1, 2, 3);
    assertThat(bio.flush()).isEmpty();
    assertThat(bio.buffered()).isZero();
  }

  // Each write passed on, as a datagram socket sees them (the DTLS lab).

  private final BufferingBio bio = new BufferingBio();

  @Test
  void aWriteThatFitsIsHeldBackEntirely() {
    assertThat(bio.writes(filled(4095, 1))).isEmpty();
    assertThat(bio.buffered()).isEqualTo(4095);
  }

  @Test
  void aWriteOfABufferOrMoreIntoAnEmptyBufferIsOneWholeDatagram() {
    List<byte[]> out = bio.writes(filled(4672, 2));
    assertThat(out).singleElement().satisfies(d -> assertThat(d).hasSize(4672));
    assertThat(bio.buffered()).isZero();
  }

  @Test
  void aHeldWriteTopsUpWithTheHeadOfTheNextRecordSplittingItAcrossDatagrams() {
    bio.writes(filled(100, 1));
    List<byte[]> out = bio.writes(filled(9000, 2));

    assertThat(out).hasSize(2);
    assertThat(out.get(0)).hasSize(4096).startsWith(filled(100, 1));
    assertThat(out.get(0)[100]).isEqualTo((byte) 2);
    assertThat(out.get(1)).hasSize(9000 - 3996);
    assertThat(bio.buffered()).isZero();
  }

  @Test
  void aRestUnderABufferAfterTheTopUpIsHeldAgain() {
    bio.writes(filled(3000, 1));
    List<byte[]> out = bio.writes(filled(2000, 2));

    assertThat(out).singleElement().satisfies(d -> assertThat(d).hasSize(4096));
    assertThat(bio.buffered()).isEqualTo(2000 - 1096);
  }
}
