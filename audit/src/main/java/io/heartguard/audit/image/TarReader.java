package io.heartguard.audit.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads tar headers from a stream and lets the caller read or skip each member's bytes. ustar headers (POSIX.1-1988),
 * pax extended headers for long paths and sizes (POSIX.1-2001 'x'), and GNU 'L'/'K' long names, which is what
 * docker, buildkit and the OCI tools write. Every header's checksum is verified, so a file that is not a tar fails
 * at its first block instead of producing nonsense names.
 */
public final class TarReader {
  private static final int BLOCK = 512;
  /** A pax header or a GNU long name holds a path or two; a larger one is not something a tool wrote. */
  private static final int MAX_META = 1 << 20;

  private final InputStream in;
  private long position;
  private long remaining;
  private long padding;
  private final byte[] header = new byte[BLOCK];

  public TarReader(InputStream in) {
    this.in = in;
  }

  /** The next member, or null at the end of the archive (a zero block, or the end of the stream). */
  public TarEntry next() throws IOException {
    skipRest();
    String longName = null;
    String longLink = null;
    String paxPath = null;
    String paxLink = null;
    long paxSize = -1;
    while (true) {
      long headerAt = position;
      int n = readUpTo(header, BLOCK);
      if (n == 0) {
        return null;
      }
      if (n < BLOCK) {
        throw new TarException("truncated tar: header at " + headerAt + " has " + n + " of 512 bytes");
      }
      if (isZero(header)) {
        return null;
      }
      verifyChecksum(headerAt);
      char type = (char) (header[156] & 0xff);
      long size = number(124, 12, headerAt);
      if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
        if (size > MAX_META) {
          throw new TarException("tar metadata record of " + size + " bytes at " + headerAt + ", over " + MAX_META);
        }
        byte[] meta = new byte[(int) size];
        readFully(meta);
        skipFully(pad(size));
        String text = new String(meta, StandardCharsets.UTF_8);
        switch (type) {
          case 'L' -> longName = cString(text);
          case 'K' -> longLink = cString(text);
          case 'x' -> {
            for (String[] kv : paxRecords(text, headerAt)) {
              switch (kv[0]) {
                case "path" -> paxPath = kv[1];
                case "linkpath" -> paxLink = kv[1];
                case "size" -> paxSize = parseSize(kv[1], headerAt);
                default -> { }
              }
            }
          }
          default -> { } // 'g': global defaults; nothing an audit needs
        }
        continue;
      }
      String name = paxPath != null ? paxPath : longName != null ? longName : ustarName();
      String link = paxLink != null ? paxLink : longLink != null ? longLink : field(157, 100);
      if (paxSize >= 0) {
        size = paxSize;
      }
      if (type == '1' || type == '2' || type == '5' || type == '3' || type == '4' || type == '6') {
        size = type == '1' || type == '2' || type == '5' ? 0 : size;
      }
      remaining = size;
      padding = pad(size);
      return new TarEntry(normalize(name), type, size, link, position);
    }
  }

  /** Reads up to {@code max} bytes of the current member; the rest is skipped by the next call to {@link #next}. */
  public byte[] readContent(int max) throws IOException {
    int n = (int) Math.min(max, remaining);
    byte[] b = new byte[n];
    readFully(b);
    remaining -= n;
    return b;
  }

  /** Where the stream stands: bytes consumed since the tar began. */
  public long position() {
    return position;
  }

  private void skipRest() throws IOException {
    skipFully(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private static long pad(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private String ustarName() {
    String name = field(0, 100);
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r';
    String prefix = ustar ? field(345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** "./usr/lib/" and "/usr/lib" are both "usr/lib". */
  static String normalize(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return n.equals(".") ? "" : n;
  }

  private void verifyChecksum(long headerAt) throws TarException {
    long stored = number(148, 8, headerAt);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
    }
    if (sum != stored) {
      throw new TarException("not a tar, or a damaged one: header checksum at " + headerAt + " is " + stored
          + ", the header sums to " + sum);
    }
  }

  /** An octal field, or GNU's base-256 for values too large for octal (high bit of the first byte set). */
  private long number(int at, int length, long headerAt) throws TarException {
    if ((header[at] & 0x80) != 0) {
      long v = 0;
      for (int i = at + 1; i < at + length; i++) {
        if (v >>> 55 != 0) {
          throw new TarException("tar number at " + headerAt + " overflows");
        }
        v = v << 8 | (header[i] & 0xff);
      }
      return v;
    }
    int i = at;
    int end = at + length;
    while (i < end && header[i] == ' ') {
      i++; // some writers right-align with leading blanks
    }
    long v = 0;
    for (; i < end && header[i] != 0 && header[i] != ' '; i++) {
      byte b = header[i];
      if (b < '0' || b > '7') {
        throw new TarException("not a tar, or a damaged one: non-octal byte in a number field at " + headerAt);
      }
      v = v * 8 + (b - '0');
    }
    return v;
  }

  private static long parseSize(String s, long headerAt) throws TarException {
    if (!s.matches("\\d{1,15}")) {
      throw new TarException("pax size \"" + s + "\" at " + headerAt + " is not a decimal number");
    }
    return Long.parseLong(s);
  }

  /** pax records: "LEN key=value\n", LEN counting the whole record. */
  private static java.util.List<String[]> paxRecords(String text, long headerAt) throws TarException {
    java.util.List<String[]> out = new java.util.ArrayList<>();
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int at = 0;
    while (at < b.length) {
      int space = at;
      while (space < b.length && b[space] != ' ') {
        space++;
      }
      String len = new String(b, at, space - at, StandardCharsets.US_ASCII);
      if (space >= b.length || !len.matches("\\d{1,7}")) {
        if (len.isBlank()) {
          break;
        }
        throw new TarException("malformed pax record at " + headerAt);
      }
      int recordLength = Integer.parseInt(len);
      if (recordLength <= space - at + 1 || at + recordLength > b.length) {
        throw new TarException("pax record length " + recordLength + " at " + headerAt + " does not fit");
      }
      String record = new String(b, space + 1, at + recordLength - space - 2, StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq > 0) {
        out.add(new String[] {record.substring(0, eq), record.substring(eq + 1)});
      }
      at += recordLength;
    }
    return out;
  }

  private String field(int at, int length) {
    int end = at;
    while (end < at + length && header[end] != 0) {
      end++;
    }
    return new String(header, at, end - at, StandardCharsets.UTF_8);
  }

  private static String cString(String s) {
    int nul = s.indexOf('\0');
    return nul < 0 ? s : s.substring(0, nul);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private int readUpTo(byte[] b, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int n = in.read(b, done, length - done);
      if (n < 0) {
        break;
      }
      done += n;
    }
    position += done;
    return done;
  }

  private void readFully(byte[] b) throws IOException {
    if (readUpTo(b, b.length) < b.length) {
      throw new EOFException("truncated tar: a member ends early at " + position);
    }
  }

  private void skipFully(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("truncated tar: a member ends early at " + position);
        }
        skipped = 1;
      }
      left -= skipped;
      position += skipped;
    }
  }
}
