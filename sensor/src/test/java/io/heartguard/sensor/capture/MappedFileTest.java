package io.heartguard.sensor.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFileTest {
  @TempDir
  Path dir;

  /** A little-endian microsecond pcap (magic d4c3b2a1, version 2.4, snaplen 262144, Ethernet) of random packets. */
  private static byte[] capture(int packets, long seed) {
    Random random = new Random(seed);
    ByteBuffer b = ByteBuffer.allocate(24 + packets * (16 + 1600)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(1);
    for (int i = 0; i < packets; i++) {
      byte[] data = new byte[1 + random.nextInt(1514)];
      random.nextBytes(data);
      b.putInt(1_400_000_000 + i).putInt(i).putInt(data.length).putInt(data.length).put(data);
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  private static List<String> packetsOf(ByteSource source) throws CaptureException {
    List<String> packets = new ArrayList<>();
    PacketSink sink = (linkType, data, offset, captured, original, ts) -> packets.add(ts + " "
        + Arrays.hashCode(Arrays.copyOfRange(data, offset, offset + captured)) + " " + captured);
    List<CaptureProblem> problems = new ArrayList<>();
    CaptureReader.read("test", source, sink, problems::add);
    assertThat(problems).isEmpty();
    return packets;
  }

  @Test
  void theFfmApiIsFoundOnEveryRuntimeThatHasItFinal() {
    // Java 22 made the FFM API final; from there on the fast path must be taken, or it silently is not.
    if (Runtime.version().feature() >= 22) {
      assertThat(MappedFile.AVAILABLE).isTrue();
    }
  }

  @Test
  void packetsAcrossMapBoundariesComeOutAsWhenStreamed() throws IOException, CaptureException {
    byte[] pcap = capture(500, 20140407);
    Path file = Files.write(dir.resolve("c.pcap"), pcap);
    List<String> streamed = packetsOf(new ByteSource(new ByteArrayInputStream(pcap), 4096));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        MappedFile mapped = new MappedFile(channel, 0, 997)) { // a prime: every record straddles some boundary
      assertThat(packetsOf(new ByteSource(mapped, 4096))).hasSize(500).isEqualTo(streamed);
    }
  }

  @Test
  void aFileThatGrowsWhileReadIsFollowedToItsNewEnd() throws IOException, CaptureException {
    byte[] pcap = capture(40, 7);
    int half = 24 + (pcap.length - 24) / 2;
    Path file = Files.write(dir.resolve("growing.pcap"), Arrays.copyOf(pcap, half));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        MappedFile mapped = new MappedFile(channel, 0, 1 << 20)) {
      byte[] first = new byte[half];
      int n = 0;
      while (n < half) {
        n += mapped.read(first, n, half - n);
      }
      Files.write(file, Arrays.copyOfRange(pcap, half, pcap.length), StandardOpenOption.APPEND);
      ByteArrayOutputStream rest = new ByteArrayOutputStream();
      byte[] chunk = new byte[1000];
      for (int r; (r = mapped.read(chunk, 0, chunk.length)) > 0; ) {
        rest.write(chunk, 0, r);
      }
      assertThat(rest.toByteArray()).isEqualTo(Arrays.copyOfRange(pcap, half, pcap.length));
    }
  }

  @Test
  void readingAFileByPathGivesThePacketsOfTheStream() throws IOException, CaptureException {
    byte[] pcap = capture(300, 99);
    Path file = Files.write(dir.resolve("p.pcap"), pcap);
    List<Integer> lengths = new ArrayList<>();
    long count = CaptureReader.read(file, (linkType, data, offset, captured, original, ts) -> lengths.add(captured),
        problem -> { throw new AssertionError(problem.toString()); });
    List<Integer> streamed = new ArrayList<>();
    CaptureReader.read("s", new ByteArrayInputStream(pcap),
        (linkType, data, offset, captured, original, ts) -> streamed.add(captured), problem -> { });
    assertThat(count).isEqualTo(300);
    assertThat(lengths).isEqualTo(streamed);
  }
}
