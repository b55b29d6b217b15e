package io.heartguard.sensor.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 1071's sum, however many bytes and wherever they start: 8, 4, 2 and 1-byte tails alike. */
class InternetChecksumTest {
  /** RFC 1071 section 4.1, word by word, odd last byte padded with zero (RFC 793 section 3.1). */
  private static int reference(byte[] b, int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i += 2) {
      sum += ((b[i] & 0xff) << 8) | (i + 1 < to ? b[i + 1] & 0xff : 0);
    }
    return fold(sum);
  }

  private static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) sum;
  }

  @Test
  void sumEqualsRfc1071WordByWordSumForEveryLengthAndOffset() {
    Random random = new Random(1071);
    byte[] b = new byte[1600];
    for (int round = 0; round < 4; round++) {
      random.nextBytes(b);
      if (round == 0) {
        Arrays.fill(b, (byte) 0xff); // every add carries
      }
      for (int from = 0; from < 9; from++) {
        for (int to = from; to <= b.length; to += to < from + 40 ? 1 : 97) {
          assertThat(fold(InternetChecksum.add(0, b, from, to))).as("[%d, %d)", from, to)
              .isEqualTo(reference(b, from, to));
        }
      }
    }
  }

  @Test
  void aSegmentWithItsOwnChecksumVerifies() {
    byte[] b = new byte[1461];
    new Random(793).nextBytes(b);
    b[16] = b[17] = 0;
    int checksum = ~reference(b, 0, b.length) & 0xffff;
    b[16] = (byte) (checksum >>> 8);
    b[17] = (byte) checksum;
    assertThat(InternetChecksum.verifies(InternetChecksum.add(0, b, 0, b.length))).isTrue();
    b[700] ^= 0x01;
    assertThat(InternetChecksum.verifies(InternetChecksum.add(0, b, 0, b.length))).isFalse();
  }
}
