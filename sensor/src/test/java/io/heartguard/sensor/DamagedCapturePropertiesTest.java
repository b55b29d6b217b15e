package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.sensor.capture.CaptureException;
import io.heartguard.sensor.flow.SensorStats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Captures cut short, corrupted and reordered: read as far as possible, never an exception, memory bounded. */
class DamagedCapturePropertiesTest {
  private static final byte[] HEARTBLEED = read("heartbleed.pcap");
  private static final byte[] ENCRYPTED = read("heartbleed-encrypted.pcap");

  private static byte[] read(String name) {
    try {
      return Files.readAllBytes(Captures.pcaps().resolve(name));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SensorStats run(byte[] capture) throws CaptureException {
    Sensor sensor = new Sensor(alert -> { }, true, 16, 60_000_000_000L, 8L << 20);
    sensor.read("property", new ByteArrayInputStream(capture));
    sensor.finish();
    return sensor.stats();
  }

  @Property(tries = 200, seed = "4242")
  void aCaptureCutAnywhereIsReadWithoutError(@ForAll @IntRange(min = 4, max = 22_223) int length)
      throws CaptureException {
    byte[] cut = java.util.Arrays.copyOf(HEARTBLEED, Math.min(length, HEARTBLEED.length));
    if (cut.length < 24) {
      // Cut inside the file header: not a capture at all, one error for the whole file.
      assertThatThrownBy(() -> run(cut)).isInstanceOf(CaptureException.class)
          .hasMessage("property: pcap file header cut short (" + cut.length + " of 24 bytes)");
      return;
    }
    SensorStats stats = run(cut);
    assertThat(stats.internalErrors).isZero();
  }

  @Property(tries = 200, seed = "4243")
  void corruptedBytesNeverEscapeAsExceptions(@ForAll @LongRange(min = 0, max = 1L << 40) long seed)
      throws CaptureException {
    Random random = new Random(seed);
    byte[] damaged = ENCRYPTED.clone();
    for (int i = 0; i < 1 + random.nextInt(20); i++) {
      damaged[24 + random.nextInt(damaged.length - 24)] = (byte) random.nextInt(256); // keep the file header
    }
    assertThat(run(damaged).internalErrors).isZero();
  }

  @Property(tries = 100, seed = "4244")
  void reorderedSegmentsStillRevealTheAttack(@ForAll @LongRange(min = 0, max = 1L << 40) long seed)
      throws CaptureException {
    Random random = new Random(seed);
    List<Captures.Packet> packets = new ArrayList<>(Captures.packets(HEARTBLEED));
    // Swap neighbours after the handshake starts (packet 4 on): reordering within TCP's reach, SYN first.
    for (int i = 4; i + 1 < packets.size(); i++) {
      if (random.nextBoolean()) {
        Collections.swap(packets, i, i + 1);
        i++;
      }
    }
    byte[] reordered = Captures.pcap(packets, 1, ByteOrder.LITTLE_ENDIAN, f -> f);
    List<io.heartguard.detect.Alert> alerts = Sensor.alertsOf("reordered", new ByteArrayInputStream(reordered));
    assertThat(alerts).extracting(a -> a.rule().id()).containsExactly("heartbleed_request_short_padding");
  }

  @Property(tries = 100, seed = "4245")
  void droppedPacketsNeverRaiseAlertsOnNormalTraffic(@ForAll @LongRange(min = 0, max = 1L << 40) long seed)
      throws CaptureException {
    Random random = new Random(seed);
    List<Captures.Packet> packets = new ArrayList<>(Captures.packets(read("ssl.v3.pcap")));
    packets.removeIf(p -> random.nextInt(10) == 0);
    byte[] lossy = Captures.pcap(packets, 1, ByteOrder.BIG_ENDIAN, f -> f);
    assertThat(Sensor.alertsOf("lossy", new ByteArrayInputStream(lossy))).isEmpty();
  }
}
