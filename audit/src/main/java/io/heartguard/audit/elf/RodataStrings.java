package io.heartguard.audit.elf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The two strings OpenSSL compiles into its read-only data that an audit needs: the version banner
 * (OPENSSL_VERSION_TEXT, "OpenSSL 1.0.1f 6 Jan 2014", crypto/opensslv.h) and the compiler flags the library was
 * built with (crypto/cversion.c, SSLeay_version(SSLEAY_CFLAGS): "gcc -fPIC ... -DOPENSSL_NO_HEARTBEATS ..."). The
 * data is read in chunks as NUL-terminated strings, so memory stays bounded whatever the section's size.
 */
public record RodataStrings(String banner, String compilerFlags) {
  /** The banner as opensslv.h writes it: version, optional suffixes ("-fips", "+quic"), then the release date. */
  private static final Pattern BANNER = Pattern.compile(
      "OpenSSL \\d{1,3}\\.\\d{1,3}\\.\\d{1,3}[a-z]{0,2}(?:[-+][A-Za-z0-9]{1,16}){0,3} {1,2}\\d{1,2} [A-Z][a-z]{2} \\d{4}");
  /** A compiler command line: "compiler: gcc ..." (3.x) or "gcc ..." / "cc ..." / "clang ..." with -D flags (1.0.x). */
  private static final Pattern FLAGS = Pattern.compile(
      "(?:compiler: )?(?:\\S*/)?(?:[\\w.+-]*-)?(?:gcc|cc|clang|icc)(?:-[\\d.]+)? .*-D\\w+.*");
  /** Longest string looked at; a compiler flags line is a few hundred bytes, a banner under 64. */
  private static final int MAX_STRING = 4096;
  private static final int CHUNK = 1 << 20;

  public static RodataStrings scan(RandomAccessInput in, long offset, long size) throws IOException {
    String banner = null;
    String flags = null;
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
    byte[] carry = new byte[MAX_STRING];
    int carried = 0;
    boolean carryTooLong = false;
    for (long done = 0; done < size && (banner == null || flags == null); ) {
      int n = (int) Math.min(chunk.length, size - done);
      in.readFully(offset + done, chunk, 0, n);
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (chunk[i] != 0) {
          continue;
        }
        String s;
        if (carried > 0 || carryTooLong) {
          int more = i - start;
          s = !carryTooLong && carried + more <= MAX_STRING ? join(carry, carried, chunk, start, more) : null;
          carried = 0;
          carryTooLong = false;
        } else {
          s = candidate(chunk, start, i - start);
        }
        if (s != null) {
          if (banner == null && BANNER.matcher(s).matches()) {
            banner = s;
          } else if (flags == null && FLAGS.matcher(s).matches()) {
            flags = s;
          }
        }
        start = i + 1;
      }
      int rest = n - start;
      if (carried + rest <= MAX_STRING) {
        System.arraycopy(chunk, start, carry, carried, rest);
        carried += rest;
      } else {
        carryTooLong = true;
      }
      done += n;
    }
    return new RodataStrings(banner, flags);
  }

  /**
   * Only strings that could be one of the two become Java strings (a banner starts "OpenSSL ", a flags line holds
   * " -D"): the rest of .rodata costs a byte compare or two.
   */
  private static String candidate(byte[] b, int from, int length) {
    if (length < 8 || length > MAX_STRING) {
      return null;
    }
    boolean banner = b[from] == 'O' && b[from + 1] == 'p' && b[from + 2] == 'e' && b[from + 3] == 'n'
        && b[from + 4] == 'S' && b[from + 5] == 'S' && b[from + 6] == 'L' && b[from + 7] == ' ';
    if (banner || hasDefine(b, from, length)) {
      return new String(b, from, length, StandardCharsets.ISO_8859_1);
    }
    return null;
  }

  private static boolean hasDefine(byte[] b, int from, int length) {
    for (int i = from, end = from + length - 2; i < end; i++) {
      if (b[i] == ' ' && b[i + 1] == '-' && b[i + 2] == 'D') {
        return true;
      }
    }
    return false;
  }

  private static String join(byte[] head, int headLength, byte[] tail, int from, int length) {
    byte[] all = new byte[headLength + length];
    System.arraycopy(head, 0, all, 0, headLength);
    System.arraycopy(tail, from, all, headLength, length);
    return candidate(all, 0, all.length);
  }

  /** Whether the build flags turn the heartbeat extension off (OpenSSL 1.0.1g added "no-heartbeats" for this). */
  public boolean heartbeatsCompiledOut() {
    return compilerFlags != null && compilerFlags.contains("-DOPENSSL_NO_HEARTBEATS");
  }
}
