package io.heartguard.audit.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** tar headers: ustar names with prefix, pax paths, checksums, truncation. */
class TarReaderTest {
  /** A ustar header block with a correct checksum. */
  private static byte[] header(String name, char type, long size, String prefix) {
    byte[] h = new byte[512];
    System.arraycopy(name.getBytes(StandardCharsets.UTF_8), 0, h, 0, name.length());
    System.arraycopy(String.format("%011o", size).getBytes(StandardCharsets.US_ASCII), 0, h, 124, 11);
    h[156] = (byte) type;
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 8);
    System.arraycopy(prefix.getBytes(StandardCharsets.UTF_8), 0, h, 345, prefix.length());
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    System.arraycopy(String.format("%06o\0", sum).getBytes(StandardCharsets.US_ASCII), 0, h, 148, 7);
    return h;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  @Test
  void ustarPrefixAndPaxPathMakeTheName() throws IOException {
    String record = "32 path=usr/lib/libssl.so.1.0.0\n"; // the length counts the whole record
    byte[] pax = Arrays.copyOf(record.getBytes(StandardCharsets.UTF_8), 512);
    byte[] tar = concat(header("x/PaxHeaders/1", 'x', record.length(), ""), pax,
        header("libssl.so.1.0.0", '0', 3, ""), Arrays.copyOf("abc".getBytes(), 512),
        header("libcrypto.so.1.0.0", '0', 0, "./usr/lib"), new byte[1024]);
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    TarEntry first = r.next();
    assertThat(first.name()).isEqualTo("usr/lib/libssl.so.1.0.0");
    assertThat(first.dataOffset()).isEqualTo(512 * 3);
    assertThat(new String(r.readContent(10), StandardCharsets.UTF_8)).isEqualTo("abc");
    assertThat(r.next().name()).isEqualTo("usr/lib/libcrypto.so.1.0.0");
    assertThat(r.next()).isNull();
  }

  @Test
  void aWrongChecksumIsNotATar() {
    byte[] h = header("a", '0', 0, "");
    h[0] = 'b';
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(h)).next())
        .isInstanceOf(TarException.class).hasMessageStartingWith("not a tar, or a damaged one: header checksum at 0");
  }

  @Test
  void aMemberThatEndsEarlyIsTruncated() {
    byte[] tar = concat(header("a", '0', 4096, ""), new byte[100]);
    assertThatThrownBy(() -> {
      TarReader r = new TarReader(new ByteArrayInputStream(tar));
      r.next();
      r.next();
    }).isInstanceOf(EOFException.class).hasMessageContaining("truncated tar");
  }
}
