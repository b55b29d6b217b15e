package io.heartguard.audit.elf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The banner and the compiler flags are found wherever they lie, chunk boundaries included, and only as whole strings. */
class RodataStringsTest {
  private static final String BANNER = "OpenSSL 1.0.1f 6 Jan 2014";
  private static final String FLAGS = "gcc -fPIC -DOPENSSL_PIC -DOPENSSL_THREADS -DOPENSSL_NO_HEARTBEATS -O3 -Wall";
  /** Where the scanner's second chunk begins: 1 MiB chunks overlapping by 4096 bytes. */
  private static final int STEP = (1 << 20) - 4096;

  /** Filler strings ("abcdefg\0" repeated) with {@code s} placed as a NUL-terminated string at {@code at}. */
  private static byte[] withStringAt(int size, int at, String s) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i % 8 == 7 ? 0 : 'a' + i % 8);
    }
    b[at - 1] = 0;
    byte[] text = s.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(text, 0, b, at, text.length);
    b[at + text.length] = 0;
    return b;
  }

  @Test
  void theBannerIsFoundOnEitherSideOfAChunkBoundary() throws IOException {
    for (int at : new int[] {1, 4096, STEP - 30, STEP - 1, STEP, STEP + 1, 2 * STEP - 10, 3 * (1 << 20) - 40}) {
      byte[] b = withStringAt(3 << 20, at, BANNER);
      assertThat(RodataStrings.banner(RandomAccessInput.of(b), 0, b.length)).as("banner at %d", at).isEqualTo(BANNER);
    }
  }

  @Test
  void theBannerAtTheVeryStartOfTheSectionCounts() throws IOException {
    byte[] b = Arrays.copyOf((BANNER + "\0rest").getBytes(StandardCharsets.ISO_8859_1), 64);
    assertThat(RodataStrings.banner(RandomAccessInput.of(b), 0, b.length)).isEqualTo(BANNER);
  }

  @Test
  void aBannerInsideAnotherStringIsNotOne() throws IOException {
    // "MD5 part of OpenSSL 1.0.1f 6 Jan 2014" names the version but is not OPENSSL_VERSION_TEXT.
    byte[] b = withStringAt(4096, 100, "MD5 part of " + BANNER);
    assertThat(RodataStrings.banner(RandomAccessInput.of(b), 0, b.length)).isNull();
    byte[] c = withStringAt(4096, 100, "OpenSSL 1.0.1f is great");
    assertThat(RodataStrings.banner(RandomAccessInput.of(c), 0, c.length)).isNull();
  }

  @Test
  void compilerFlagsAcrossAChunkBoundaryAndNoHeartbeatsSeen() throws IOException {
    for (int at : new int[] {STEP - 40, STEP - 2, STEP + 3}) {
      byte[] b = withStringAt(2 << 20, at, FLAGS);
      String flags = RodataStrings.compilerFlags(RandomAccessInput.of(b), 0, b.length);
      assertThat(flags).as("flags at %d", at).isEqualTo(FLAGS);
      assertThat(new RodataStrings(BANNER, flags).heartbeatsCompiledOut()).isTrue();
    }
  }

  @Test
  void aWindowOfTheFileIsScannedAndNothingOutsideIt() throws IOException {
    byte[] b = withStringAt(8192, 5000, BANNER);
    assertThat(RodataStrings.banner(RandomAccessInput.of(b), 0, 4096)).isNull();
    assertThat(RodataStrings.banner(RandomAccessInput.of(b), 4096, 4096)).isEqualTo(BANNER);
  }
}
