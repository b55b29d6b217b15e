package io.heartguard.sensor.jmh;

import io.heartguard.sensor.Sensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Steady-state throughput of the sensor's whole path (capture reading, IP/TCP decoding, flow table, TCP reassembly,
 * TLS record framing, the Heartbleed rules) over an in-memory pcap of interleaved TLS 1.2 connections shaped like
 * bench/sensor/gen_capture.py's. Reports operations (whole captures) per second and, through the auxiliary counters,
 * bytes and packets per second. Run with bench/sensor/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-XX:ActiveProcessorCount=1", "-Xmx512m"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
public class SensorBenchmark {
  @Param("64")
  public int captureMb;

  /** true: valid IPv4 and TCP checksums, which the sensor checks; false: zeroed, as with offload (checking off). */
  @Param("true")
  public boolean validChecksums;

  byte[] capture;
  long packets;

  /** What one pass through the capture did, summed by JMH into rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    public long bytes;
    public long packets;
    public long alerts;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = packets = alerts = 0;
    }
  }

  @Setup
  public void generate() {
    capture = Generator.capture(captureMb * 1_000_000L, 20140407);
    if (!validChecksums) {
      Generator.zeroChecksums(capture);
    }
  }

  @Benchmark
  public long readDecodeDetect(Rates rates) throws Exception {
    long[] alerts = new long[1];
    Sensor sensor = new Sensor(alert -> alerts[0]++);
    sensor.read("jmh", new ByteArrayInputStream(capture));
    sensor.finish();
    rates.bytes += capture.length;
    rates.packets += sensor.stats().packets;
    rates.alerts += alerts[0];
    return sensor.stats().packets;
  }

  /** Interleaved TLS 1.2 connections with delayed ACKs, a Heartbleed attack in every 500th. */
  static final class Generator {
    private static final int MSS = 1448;

    /** Zeroes every frame's IPv4 and TCP checksum, as a capture taken with checksum offload shows them. */
    static void zeroChecksums(byte[] pcap) {
      ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
      for (int at = 24; at + 16 <= pcap.length; at += 16 + b.getInt(at + 8)) {
        int frame = at + 16;
        pcap[frame + 24] = pcap[frame + 25] = 0;
        pcap[frame + 50] = pcap[frame + 51] = 0;
      }
    }

    static byte[] capture(long size, long seed) {
      Random random = new Random(seed);
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) size + (1 << 20));
      ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(1);
      out.writeBytes(header.array());
      List<List<byte[]>> open = new ArrayList<>();
      List<Integer> next = new ArrayList<>();
      int started = 0;
      long micros = 1_400_000_000_000_000L;
      ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      while (out.size() < size || !open.isEmpty()) {
        while (out.size() < size && open.size() < 200) {
          open.add(connection(++started, random));
          next.add(0);
        }
        int i = random.nextInt(open.size());
        byte[] frame = open.get(i).get(next.get(i));
        next.set(i, next.get(i) + 1);
        if (next.get(i) == open.get(i).size()) {
          open.set(i, open.get(open.size() - 1));
          next.set(i, next.get(next.size() - 1));
          open.remove(open.size() - 1);
          next.remove(next.size() - 1);
        }
        micros += 7;
        record.clear();
        record.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000)).putInt(frame.length)
            .putInt(frame.length);
        out.writeBytes(record.array());
        out.writeBytes(frame);
      }
      return out.toByteArray();
    }

    private static byte[] rec(int type, byte[] body) {
      return ByteBuffer.allocate(5 + body.length).put((byte) type).putShort((short) 0x0303)
          .putShort((short) body.length).put(body).array();
    }

    private static byte[] handshake(int type, int length) {
      byte[] body = new byte[4 + length];
      body[0] = (byte) type;
      body[1] = (byte) (length >>> 16);
      body[2] = (byte) (length >>> 8);
      body[3] = (byte) length;
      return body;
    }

    private static List<byte[]> connection(int n, Random random) {
      byte[] client = {10, 0, (byte) (n >>> 8), (byte) n};
      byte[] server = {(byte) 192, (byte) 168, 0, (byte) (1 + n % 7)};
      int clientPort = 1024 + n % 60_000;
      long[] seq = {random.nextInt() & 0xffffffffL, random.nextInt() & 0xffffffffL};
      List<byte[]> frames = new ArrayList<>();
      frames.add(frame(client, server, clientPort, 443, seq[0]++, 0x02, new byte[0]));
      frames.add(frame(server, client, 443, clientPort, seq[1]++, 0x12, new byte[0]));
      byte[] serverHello = handshake(2, 38 + 7);
      serverHello[4] = 3;
      serverHello[5] = 3;
      serverHello[4 + 34] = 0; // no session id
      serverHello[4 + 35] = (byte) 0xc0; // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
      serverHello[4 + 36] = 0x2f;
      serverHello[4 + 38] = 0; // extensions length 5: heartbeat (15), peer_allowed_to_send
      serverHello[4 + 39] = 5;
      System.arraycopy(new byte[] {0, 15, 0, 1, 1}, 0, serverHello, 4 + 40, 5);
      byte[] clientHello = handshake(1, 42);
      clientHello[4] = 3;
      clientHello[5] = 3;
      send(frames, true, client, server, clientPort, seq, rec(22, clientHello));
      ByteArrayOutputStream flight = new ByteArrayOutputStream();
      flight.writeBytes(serverHello);
      flight.writeBytes(handshake(11, 1400));
      flight.writeBytes(handshake(12, 329));
      flight.writeBytes(handshake(14, 0));
      send(frames, false, client, server, clientPort, seq, rec(22, flight.toByteArray()));
      if (n % 1000 == 0) {
        // RFC 6520 section 4: payload_length 16384 in a 3-byte record, before ChangeCipherSpec: Heartbleed.
        send(frames, true, client, server, clientPort, seq, rec(24, new byte[] {1, 0x40, 0}));
      }
      ByteArrayOutputStream finish = new ByteArrayOutputStream();
      finish.writeBytes(rec(22, handshake(16, 66)));
      finish.writeBytes(rec(20, new byte[] {1}));
      finish.writeBytes(rec(22, new byte[40]));
      send(frames, true, client, server, clientPort, seq, finish.toByteArray());
      byte[] serverFinish = new byte[6 + 45];
      System.arraycopy(rec(20, new byte[] {1}), 0, serverFinish, 0, 6);
      System.arraycopy(rec(22, new byte[40]), 0, serverFinish, 6, 45);
      send(frames, false, client, server, clientPort, seq, serverFinish);
      if (n % 1000 == 500) {
        send(frames, true, client, server, clientPort, seq, rec(24, new byte[24])); // encrypted, before app data
      }
      send(frames, true, client, server, clientPort, seq, rec(23, new byte[480]));
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      for (int r = 1 + random.nextInt(16); r > 0; r--) {
        response.writeBytes(rec(23, new byte[16_384]));
      }
      send(frames, false, client, server, clientPort, seq, response.toByteArray());
      frames.add(frame(client, server, clientPort, 443, seq[0]++, 0x11, new byte[0]));
      frames.add(frame(server, client, 443, clientPort, seq[1]++, 0x11, new byte[0]));
      return frames;
    }

    /** Segments {@code data} at the MSS; the receiver ACKs every second segment. */
    private static void send(List<byte[]> frames, boolean fromClient, byte[] client, byte[] server, int clientPort,
        long[] seq, byte[] data) {
      int s = fromClient ? 0 : 1;
      for (int off = 0, segments = 0; off < data.length; off += MSS) {
        byte[] chunk = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + MSS));
        frames.add(fromClient ? frame(client, server, clientPort, 443, seq[0], 0x18, chunk)
            : frame(server, client, 443, clientPort, seq[1], 0x18, chunk));
        seq[s] += chunk.length;
        if (++segments % 2 == 0 || off + MSS >= data.length) {
          frames.add(fromClient ? frame(server, client, 443, clientPort, seq[1], 0x10, new byte[0])
              : frame(client, server, clientPort, 443, seq[0], 0x10, new byte[0]));
        }
      }
    }

    private static byte[] frame(byte[] src, byte[] dst, int sport, int dport, long seq, int flags, byte[] payload) {
      ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + payload.length);
      b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0});
      b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) 0)
          .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0).put(src).put(dst);
      b.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt(0).put((byte) 0x50)
          .put((byte) flags).putShort((short) 65535).putInt(0);
      byte[] f = b.put(payload).array();
      // Valid checksums, as off the wire, so that the sensor's default (auto) checks every packet.
      putChecksum(f, 24, sum(0, f, 14, 34));
      long pseudo = sum(0, f, 26, 34) + 6 + 20 + payload.length;
      putChecksum(f, 50, sum(pseudo, f, 34, f.length));
      return f;
    }

    /**
     * RFC 1071 sum of 16-bit big-endian words. Kept here rather than using the sensor's own, so that the same benchmark
     * also runs on builds that predate the sensor's checksum check (bench/sensor/run.sh BEFORE_JAR).
     */
    private static long sum(long sum, byte[] b, int from, int to) {
      for (int i = from; i < to; i += 2) {
        sum += ((b[i] & 0xff) << 8) | (i + 1 < to ? b[i + 1] & 0xff : 0);
      }
      return sum;
    }

    private static void putChecksum(byte[] f, int at, long sum) {
      while ((sum >>> 16) != 0) {
        sum = (sum & 0xffff) + (sum >>> 16);
      }
      f[at] = (byte) (~sum >>> 8);
      f[at + 1] = (byte) ~sum;
    }
  }
}
