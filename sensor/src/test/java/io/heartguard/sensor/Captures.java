package io.heartguard.sensor;

import io.heartguard.detect.EveJsonWriter;
import io.heartguard.sensor.capture.CaptureException;
import io.heartguard.sensor.capture.CaptureReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Test helpers: where the shared traces are, running the sensor to EVE text, and rewriting captures. */
public final class Captures {
  private Captures() {}

  /** The public traces vendored in the repository (fixtures/pcaps, with their licence): found from any module. */
  public static Path pcaps() {
    return io.heartguard.testkit.Fixtures.path("pcaps");
  }

  /** The sensor's alerts for one capture file, with no internal error on the way. */
  public static List<io.heartguard.detect.Alert> alerts(Path capture) throws Exception {
    List<io.heartguard.detect.Alert> alerts = new ArrayList<>();
    Sensor sensor = new Sensor(alerts::add);
    sensor.read(capture);
    sensor.finish();
    org.assertj.core.api.Assertions.assertThat(sensor.stats().internalErrors).as("internal errors").isZero();
    return alerts;
  }

  public static String eve(byte[] capture) throws CaptureException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EveJsonWriter eve = new EveJsonWriter(out);
    Sensor sensor = new Sensor(eve);
    sensor.read("test", new ByteArrayInputStream(capture));
    sensor.finish();
    return out.toString(StandardCharsets.UTF_8);
  }

  public static String eve(Path capture) throws CaptureException, IOException {
    try (InputStream in = Files.newInputStream(capture)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      EveJsonWriter eve = new EveJsonWriter(out);
      Sensor sensor = new Sensor(eve);
      sensor.read(capture.getFileName().toString(), in);
      sensor.finish();
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  public record Packet(int linkType, byte[] data, int originalLength, long timestampNanos) {}

  public static List<Packet> packets(byte[] capture) throws CaptureException {
    List<Packet> packets = new ArrayList<>();
    CaptureReader.read("test", new ByteArrayInputStream(capture),
        (linkType, data, offset, captured, original, ts) -> packets.add(
            new Packet(linkType, java.util.Arrays.copyOfRange(data, offset, offset + captured), original, ts)),
        problem -> { });
    return packets;
  }

  /** Writes classic pcap (microseconds) in the given byte order, each packet rewritten by {@code frame}. */
  public static byte[] pcap(List<Packet> packets, int linkType, ByteOrder order, UnaryOperator<byte[]> frame) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(24).order(order);
    header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144)
        .putInt(linkType);
    out.writeBytes(header.array());
    for (Packet p : packets) {
      byte[] data = frame.apply(p.data());
      ByteBuffer record = ByteBuffer.allocate(16).order(order);
      record.putInt((int) (p.timestampNanos() / 1_000_000_000L)).putInt((int) (p.timestampNanos() % 1_000_000_000L
          / 1000)).putInt(data.length).putInt(data.length + (p.originalLength() - p.data().length));
      out.writeBytes(record.array());
      out.writeBytes(data);
    }
    return out.toByteArray();
  }
}
