package io.heartguard.lab.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatagramBufferingBioTest {
  private final DatagramBufferingBio bio = new DatagramBufferingBio();

  private static byte[] filled(int value, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void aWriteThatFitsIsHeldBackEntirely() {
    assertThat(bio.write(filled(1, 4095))).isEmpty();
    assertThat(bio.buffered()).isEqualTo(4095);
  }

  @Test
  void aWriteOfABufferOrMoreIntoAnEmptyBufferIsOneWholeDatagram() {
    List<byte[]> out = bio.write(filled(2, 4672));
    assertThat(out).singleElement().satisfies(d -> assertThat(d).hasSize(4672));
    assertThat(bio.buffered()).isZero();
  }

  @Test
  void aHeldWriteTopsUpWithTheHeadOfTheNextRecordSplittingItAcrossDatagrams() {
    bio.write(filled(1, 100));
    List<byte[]> out = bio.write(filled(2, 9000));

    assertThat(out).hasSize(2);
    assertThat(out.get(0)).hasSize(4096).startsWith(filled(1, 100));
    assertThat(out.get(0)[100]).isEqualTo((byte) 2);
    assertThat(out.get(1)).hasSize(9000 - 3996);
    assertThat(bio.buffered()).isZero();
  }

  @Test
  void aRestUnderABufferAfterTheTopUpIsHeldAgain() {
    bio.write(filled(1, 3000));
    List<byte[]> out = bio.write(filled(2, 2000));

    assertThat(out).singleElement().satisfies(d -> assertThat(d).hasSize(4096));
    assertThat(bio.buffered()).isEqualTo(2000 - 1096);
  }
}
