package io.heartguard.sensor.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads classic pcap (microsecond and nanosecond, either byte order) and pcapng (any number of sections and
 * interfaces, each with its own link type and timestamp resolution), gzip-compressed or not, from any stream.
 * A capture that is cut short or corrupt is read as far as it can be: the reader reports where and what, finds the
 * next plausible pcap record when it can, and never throws for what is inside the file.
 */
public final class CaptureReader {
  static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;
  static final int PCAP_MAGIC_NANOS = 0xa1b23c4d;
  static final int PCAPNG_SHB = 0x0a0d0d0a;
  static final int PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
  /** pcap-savefile(5): magic, version, zone, sigfigs, snaplen, link type. */
  static final int PCAP_FILE_HEADER = 24;
  /** A Section Header Block without options: type, length, byte-order magic, version, section length, length. */
  static final int PCAPNG_MIN_SECTION_HEADER = 28;
  /** libpcap's MAXIMUM_SNAPLEN: no real record is larger. */
  static final int MAX_PACKET = 262_144;
  /** A pcapng block this large is corruption, not a packet. */
  static final int MAX_BLOCK = 16 * 1024 * 1024;
  /** How far to look for the next plausible pcap record after a corrupt one. */
  static final int RESYNC_LIMIT = 16 * 1024 * 1024;

  private final String source;
  private final PacketSink sink;
  private final Consumer<CaptureProblem> problems;
  private long packets;

  private CaptureReader(String source, PacketSink sink, Consumer<CaptureProblem> problems) {
    this.source = source;
    this.sink = sink;
    this.problems = problems;
  }

  /**
   * Reads a whole capture into {@code sink}. Returns the number of packets. Throws only when the stream is not a
   * capture at all; problems inside one go to {@code problems}.
   */
  public static long read(String source, InputStream in, PacketSink sink, Consumer<CaptureProblem> problems)
      throws CaptureException {
    ByteSource bytes;
    try {
      bytes = new ByteSource(maybeGunzip(in));
    } catch (EOFException e) {
      throw new CaptureException(source + ": gzip header cut short, not a whole gzip stream", e);
    } catch (IOException e) {
      throw new CaptureException(source + ": not a readable gzip stream: " + describe(e), e);
    }
    return read(source, bytes, sink, problems);
  }

  /**
   * Reads a whole capture file into {@code sink}, like {@link #read(String, InputStream, PacketSink, Consumer)}. An
   * uncompressed regular file is memory-mapped (the fast path: no system call per refill); anything else is streamed.
   */
  public static long read(Path file, PacketSink sink, Consumer<CaptureProblem> problems) throws CaptureException {
    String source = file.toString();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer magic = ByteBuffer.allocate(2);
      while (magic.hasRemaining() && channel.read(magic) >= 0) {
        // a short read is possible on special files; loop until two bytes or the end
      }
      boolean gzip = magic.position() == 2 && (magic.get(0) & 0xff) == 0x1f && (magic.get(1) & 0xff) == 0x8b;
      if (gzip || !Files.isRegularFile(file) || !MappedFile.AVAILABLE) {
        channel.position(0);
        return read(source, Channels.newInputStream(channel), sink, problems);
      }
      try (MappedFile mapped = new MappedFile(channel, 0)) {
        return read(source, new ByteSource(mapped, ByteSource.DEFAULT_CAPACITY), sink, problems);
      }
    } catch (IOException e) {
      throw new CaptureException(source + ": cannot read: " + e.getMessage(), e);
    }
  }

  static long read(String source, ByteSource bytes, PacketSink sink, Consumer<CaptureProblem> problems)
      throws CaptureException {
    CaptureReader reader = new CaptureReader(source, sink, problems);
    int magicBe;
    try {
      if (!bytes.require(4)) {
        throw new CaptureException(source + ": empty or shorter than a capture header (" + bytes.available()
            + " bytes)");
      }
      magicBe = bytes.int32(0, true);
    } catch (IOException e) {
      throw new CaptureException(source + ": cannot read: " + e.getMessage(), e);
    }
    try {
      // A file cut inside its first header holds no packet and says nothing about the link: not a capture at all.
      int header = magicBe == PCAPNG_SHB ? PCAPNG_MIN_SECTION_HEADER : PCAP_FILE_HEADER;
      if ((magicBe == PCAPNG_SHB || isPcapMagic(magicBe)) && !bytes.require(header)) {
        throw new CaptureException(source + ": " + (magicBe == PCAPNG_SHB ? "pcapng section header" : "pcap file header")
            + " cut short (" + bytes.available() + " of " + header + " bytes)");
      }
    } catch (IOException e) {
      throw new CaptureException(source + ": cannot read: " + describe(e), e);
    }
    try {
      if (magicBe == PCAPNG_SHB) {
        reader.readPcapng(bytes);
      } else if (isPcapMagic(magicBe)) {
        reader.readPcap(bytes, magicBe);
      } else {
        throw new CaptureException(String.format("%s: not a pcap or pcapng capture (starts with 0x%08x)", source,
            magicBe));
      }
    } catch (IOException e) {
      // A read error or a gzip stream cut short: keep what was read, say where it stopped.
      reader.problem(bytes.offset(), "read failed, rest of capture ignored: " + describe(e));
    }
    return reader.packets;
  }

  private static boolean isPcapMagic(int magicBe) {
    return magicBe == PCAP_MAGIC_MICROS || magicBe == PCAP_MAGIC_NANOS
        || Integer.reverseBytes(magicBe) == PCAP_MAGIC_MICROS || Integer.reverseBytes(magicBe) == PCAP_MAGIC_NANOS;
  }

  private static String describe(IOException e) {
    if (e instanceof EOFException) {
      return "unexpected end of compressed data";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static InputStream maybeGunzip(InputStream in) throws IOException {
    PushbackInputStream pushback = new PushbackInputStream(in, 2);
    int b0 = pushback.read();
    int b1 = b0 < 0 ? -1 : pushback.read();
    if (b1 >= 0) {
      pushback.unread(b1);
    }
    if (b0 >= 0) {
      pushback.unread(b0);
    }
    // RFC 1952 section 2.3.1: ID1 = 31, ID2 = 139.
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(pushback, 1 << 16) : pushback;
  }

  private void problem(long offset, String message) {
    problems.accept(new CaptureProblem(source, offset, message));
  }

  // ---- Classic pcap (https://www.tcpdump.org/manpages/pcap-savefile.5.html) ---------------------------------------

  private void readPcap(ByteSource in, int magicBe) throws IOException {
    boolean bigEndian = magicBe == PCAP_MAGIC_MICROS || magicBe == PCAP_MAGIC_NANOS;
    int magic = bigEndian ? magicBe : Integer.reverseBytes(magicBe);
    long fractionToNanos = magic == PCAP_MAGIC_NANOS ? 1 : 1000;
    long fractionLimit = magic == PCAP_MAGIC_NANOS ? 1_000_000_000L : 1_000_000L;
    int snaplen = in.int32(16, bigEndian);
    // The upper bits of the link type carry FCS information (pcap-savefile(5)); the type is the low 28 bits.
    int linkType = in.int32(20, bigEndian) & 0x0fff_ffff;
    int maxCaptured = snaplen > 0 && snaplen < MAX_PACKET ? Math.max(snaplen, 65_535) : MAX_PACKET;
    in.pos += PCAP_FILE_HEADER;
    long lastSeconds = -1;
    while (true) {
      if (!in.require(16)) {
        if (in.available() > 0) {
          problem(in.offset(), "capture cut short inside a record header (" + in.available() + " of 16 bytes)");
        }
        return;
      }
      int p = in.pos;
      long seconds = in.int32(p, bigEndian) & 0xffff_ffffL;
      long fraction = in.int32(p + 4, bigEndian) & 0xffff_ffffL;
      int captured = in.int32(p + 8, bigEndian);
      int original = in.int32(p + 12, bigEndian);
      if (captured < 0 || captured > maxCaptured || fraction >= fractionLimit) {
        if (!resyncPcap(in, bigEndian, maxCaptured, fractionLimit, lastSeconds, captured)) {
          return;
        }
        continue;
      }
      if (!in.require(16 + captured)) {
        int have = in.available() - 16;
        problem(in.offset(), "capture cut short: record of " + captured + " bytes has only " + have);
        if (have > 0) {
          packets++;
          sink.onPacket(linkType, in.buf, in.pos + 16, have, Math.max(original, captured),
              seconds * 1_000_000_000L + fraction * fractionToNanos);
        }
        return;
      }
      packets++;
      sink.onPacket(linkType, in.buf, in.pos + 16, captured, original, seconds * 1_000_000_000L
          + fraction * fractionToNanos);
      in.pos += 16 + captured;
      lastSeconds = seconds;
    }
  }

  /**
   * After a corrupt record header, looks for the next offset where two consecutive record headers are plausible
   * (sane lengths and a timestamp within a day of the last good one) and continues there.
   */
  private boolean resyncPcap(ByteSource in, boolean bigEndian, int maxCaptured, long fractionLimit, long lastSeconds,
      int badLength) throws IOException {
    long corruptAt = in.offset();
    for (int skip = 1; skip < RESYNC_LIMIT; skip++) {
      if (!in.require(skip + 16)) {
        problem(corruptAt, "corrupt record header (captured length " + badLength + "); no record after it");
        in.pos = in.limit;
        return false;
      }
      int p = in.pos + skip;
      int captured = plausiblePcapLength(in, p, bigEndian, maxCaptured, fractionLimit, lastSeconds);
      if (captured < 0) {
        continue;
      }
      boolean atEnd = !in.require(skip + 16 + captured + 16);
      p = in.pos + skip;
      if (atEnd ? in.available() == skip + 16 + captured
          : plausiblePcapLength(in, p + 16 + captured, bigEndian, maxCaptured, fractionLimit, lastSeconds) >= 0) {
        problem(corruptAt, "corrupt record header (captured length " + badLength + "); skipped " + skip
            + " bytes to the next plausible record");
        in.pos += skip;
        return true;
      }
    }
    problem(corruptAt, "corrupt record header (captured length " + badLength + "); no plausible record in the next "
        + RESYNC_LIMIT + " bytes, rest ignored");
    return false;
  }

  private static int plausiblePcapLength(ByteSource in, int p, boolean bigEndian, int maxCaptured,
      long fractionLimit, long lastSeconds) {
    long seconds = in.int32(p, bigEndian) & 0xffff_ffffL;
    long fraction = in.int32(p + 4, bigEndian) & 0xffff_ffffL;
    int captured = in.int32(p + 8, bigEndian);
    int original = in.int32(p + 12, bigEndian);
    boolean sane = captured > 0 && captured <= maxCaptured && original >= captured && original <= MAX_PACKET
        && fraction < fractionLimit && (lastSeconds < 0 || Math.abs(seconds - lastSeconds) <= 86_400);
    return sane ? captured : -1;
  }

  // ---- pcapng (draft-ietf-opsawg-pcapng) -------------------------------------------------------------------------

  private record Interface(int linkType, boolean powerOfTwo, int resolution, long offsetSeconds) {
    long nanos(long timestamp) {
      long base = offsetSeconds * 1_000_000_000L;
      if (powerOfTwo) {
        return base + (long) (timestamp * (1e9 / Math.pow(2, resolution)));
      }
      if (resolution <= 9) {
        return base + timestamp * POW10[9 - resolution];
      }
      return base + timestamp / POW10[Math.min(18, resolution - 9)];
    }
  }

  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private void readPcapng(ByteSource in) throws IOException {
    boolean bigEndian = true;
    List<Interface> interfaces = new ArrayList<>();
    long lastNanos = 0;
    while (true) {
      if (!in.require(12)) {
        if (in.available() > 0) {
          problem(in.offset(), "capture cut short inside a block header (" + in.available() + " bytes)");
        }
        return;
      }
      int p = in.pos;
      int type = in.int32(p, bigEndian);
      if (in.int32(p, true) == PCAPNG_SHB) {
        // Section Header Block: its byte-order magic sets the byte order of everything up to the next one.
        int bom = in.int32(p + 8, true);
        if (bom == PCAPNG_BYTE_ORDER_MAGIC) {
          bigEndian = true;
        } else if (Integer.reverseBytes(bom) == PCAPNG_BYTE_ORDER_MAGIC) {
          bigEndian = false;
        } else {
          problem(in.offset(), String.format("section header with byte-order magic 0x%08x, expected 0x1a2b3c4d;"
              + " rest ignored", bom));
          return;
        }
        type = PCAPNG_SHB;
        interfaces.clear();
      }
      int length = in.int32(p + 4, bigEndian);
      if (length < 12 || (length & 3) != 0 || length > MAX_BLOCK) {
        problem(in.offset(), "block of type " + type + " claims length " + length
            + " (a multiple of 4 from 12 to " + MAX_BLOCK + " expected); rest ignored");
        return;
      }
      if (!in.require(length)) {
        problem(in.offset(), "capture cut short: block of " + length + " bytes has only " + in.available());
        return;
      }
      p = in.pos;
      switch (type) {
        case 1 -> interfaces.add(readInterface(in, p, length, bigEndian));
        case 6, 2 -> {
          // Enhanced Packet Block (6), or the obsolete Packet Block (2) with a 16-bit interface id.
          int ifId = type == 6 ? in.int32(p + 8, bigEndian) : in.uint16(p + 8, bigEndian);
          long ts = ((in.int32(p + 12, bigEndian) & 0xffff_ffffL) << 32) | (in.int32(p + 16, bigEndian) & 0xffff_ffffL);
          int captured = in.int32(p + 20, bigEndian);
          int original = in.int32(p + 24, bigEndian);
          if (ifId < 0 || ifId >= interfaces.size()) {
            problem(in.offset(), "packet for interface " + ifId + " but only " + interfaces.size()
                + " described; packet skipped");
          } else if (captured < 0 || captured > length - 32) {
            problem(in.offset(), "packet claims " + captured + " captured bytes in a block of " + length
                + "; packet skipped");
          } else {
            Interface iface = interfaces.get(ifId);
            lastNanos = iface.nanos(ts);
            packets++;
            sink.onPacket(iface.linkType(), in.buf, p + 28, captured, original, lastNanos);
          }
        }
        case 3 -> {
          // Simple Packet Block: interface 0, no timestamp, captured length implied by the block.
          int original = in.int32(p + 8, bigEndian);
          int captured = Math.min(original, length - 16);
          if (!interfaces.isEmpty() && captured >= 0) {
            packets++;
            sink.onPacket(interfaces.get(0).linkType(), in.buf, p + 12, captured, original, lastNanos);
          }
        }
        default -> { } // name resolution, statistics, custom blocks: nothing for us
      }
      in.pos += length;
    }
  }

  private Interface readInterface(ByteSource in, int p, int length, boolean bigEndian) {
    int linkType = in.uint16(p + 8, bigEndian);
    boolean powerOfTwo = false;
    int resolution = 6; // microseconds unless if_tsresol says otherwise
    long offsetSeconds = 0;
    int o = p + 16;
    int end = p + length - 4;
    while (o + 4 <= end) {
      int code = in.uint16(o, bigEndian);
      int optionLength = in.uint16(o + 2, bigEndian);
      if (code == 0 || o + 4 + optionLength > end) {
        break;
      }
      if (code == 9 && optionLength >= 1) {
        int r = in.buf[o + 4] & 0xff;
        powerOfTwo = (r & 0x80) != 0;
        resolution = r & 0x7f;
      } else if (code == 14 && optionLength == 8) {
        long hi = in.int32(o + 4, bigEndian) & 0xffff_ffffL;
        long lo = in.int32(o + 8, bigEndian) & 0xffff_ffffL;
        offsetSeconds = bigEndian ? (hi << 32) | lo : (lo << 32) | hi;
      }
      o += 4 + ((optionLength + 3) & ~3);
    }
    if (!powerOfTwo && resolution > 18 || powerOfTwo && resolution > 62) {
      problem(in.offset(), "interface timestamp resolution " + resolution + " out of range; using microseconds");
      powerOfTwo = false;
      resolution = 6;
    }
    return new Interface(linkType, powerOfTwo, resolution, offsetSeconds);
  }
}
