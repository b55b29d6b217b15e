package io.heartguard.audit.elf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The two strings OpenSSL compiles into its read-only data that an audit needs: the version banner
 * (OPENSSL_VERSION_TEXT, "OpenSSL 1.0.1f 6 Jan 2014", crypto/opensslv.h) and the compiler flags the library was
 * built with (crypto/cversion.c, SSLeay_version(SSLEAY_CFLAGS): "gcc -fPIC ... -DOPENSSL_NO_HEARTBEATS ..."). The
 * data is read in chunks, so memory stays bounded whatever the section's size.
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

  /** The version banner in {@code size} bytes at {@code offset}, or null. */
  public static String banner(RandomAccessInput in, long offset, long size) throws IOException {
    return scan(in, offset, size, "OpenSSL ", BANNER, 0);
  }

  /**
   * The compiler flags line in {@code size} bytes at {@code offset}, or null. A second pass, made only for an
   * affected banner: " -D" is a slower needle than the banner's, and most files never need it.
   */
  public static String compilerFlags(RandomAccessInput in, long offset, long size) throws IOException {
    return scan(in, offset, size, " -D", FLAGS, -1);
  }

  /**
   * The bytes are read in chunks that overlap by {@link #MAX_STRING} and searched with String.indexOf on an
   * ISO-8859-1 view (vectorised in the JDK), so a program without OpenSSL costs one pass. A string is taken only in
   * the chunk where it starts in the chunk's own part, with the byte before it there to prove it starts a
   * NUL-terminated string.
   */
  private static String scan(RandomAccessInput in, long offset, long size, String needle, Pattern pattern,
      int startsWithNeedle) throws IOException {
    int step = CHUNK - MAX_STRING;
    byte[] buffer = new byte[(int) Math.min(CHUNK + 1L, size + 1)];
    for (long at = 0; at < size; at += step) {
      // buffer[0] is the byte before this chunk (a NUL before the section's first byte), then the chunk itself.
      int n = (int) Math.min(buffer.length - 1, size - at);
      if (at == 0) {
        buffer[0] = 0;
        in.readFully(offset, buffer, 1, n);
      } else {
        in.readFully(offset + at - 1, buffer, 0, n + 1);
      }
      boolean last = at + n >= size;
      String chunk = new String(buffer, 0, n + 1, StandardCharsets.ISO_8859_1);
      int ownEnd = last ? n + 1 : 1 + step; // strings starting here or later belong to the next chunk
      String found = find(chunk, needle, ownEnd, last, pattern, startsWithNeedle);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /**
   * The first NUL-terminated string in the chunk that holds {@code needle}, starts before {@code ownEnd} and matches
   * {@code pattern}. {@code startsWithNeedle} 0: the needle must start the string; -1: it may be anywhere in it.
   */
  private static String find(String chunk, String needle, int ownEnd, boolean last, Pattern pattern, int startsWithNeedle) {
    for (int i = chunk.indexOf(needle, 1); i >= 0 && i < chunk.length(); i = chunk.indexOf(needle, i + 1)) {
      int start = startsWithNeedle == 0 ? i : chunk.lastIndexOf('\0', i) + 1;
      if (start < 1 || chunk.charAt(start - 1) != 0 || start >= ownEnd) {
        if (start >= ownEnd) {
          return null;
        }
        continue;
      }
      int end = chunk.indexOf('\0', i);
      if (end < 0) {
        end = last ? chunk.length() : -1;
      }
      if (end < 0 || end - start > MAX_STRING) {
        continue;
      }
      String s = chunk.substring(start, end);
      if (pattern.matcher(s).matches()) {
        return s;
      }
      i = end;
    }
    return null;
  }

  /** Whether the build flags turn the heartbeat extension off (OpenSSL 1.0.1g added "no-heartbeats" for this). */
  public boolean heartbeatsCompiledOut() {
    return compilerFlags != null && compilerFlags.contains("-DOPENSSL_NO_HEARTBEATS");
  }
}
