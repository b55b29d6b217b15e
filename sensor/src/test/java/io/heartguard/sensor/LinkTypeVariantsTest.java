package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.sensor.capture.LinkLayer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same traffic in other containers and link types must raise the same alerts. */
class LinkTypeVariantsTest {
  @TempDir
  Path temp;

  private static final List<String> ATTACKS = List.of("heartbleed.pcap", "heartbleed-encrypted.pcap");

  private static String expected(String capture) throws Exception {
    return Captures.eve(Captures.pcaps().resolve(capture));
  }

  private Path editcap(String capture, String... args) throws Exception {
    Path out = temp.resolve(capture + "." + String.join("", args).replaceAll("\\W", ""));
    String[] command = new String[args.length + 3];
    command[0] = "editcap";
    System.arraycopy(args, 0, command, 1, args.length);
    command[args.length + 1] = Captures.pcaps().resolve(capture).toString();
    command[args.length + 2] = out.toString();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"-F pcapng", "-F nsecpcap", "-C 14 -T rawip"})
  void editcapVariantsRaiseTheSameAlerts(String options) throws Exception {
    for (String capture : ATTACKS) {
      Path variant = editcap(capture, options.split(" "));
      assertThat(Captures.eve(variant)).as(capture + " " + options).isEqualTo(expected(capture)).isNotEmpty();
    }
  }

  /** Rewrites the Ethernet frames of the shared traces into other link layers. */
  enum Framing {
    LINUX_SLL(LinkLayer.LINUX_SLL, ByteOrder.BIG_ENDIAN, f -> {
      byte[] sll = new byte[16]; // packet type 0 (to us), ARPHRD_ETHER, 6-byte address, protocol
      sll[3] = 1;
      sll[5] = 6;
      sll[14] = f[12];
      sll[15] = f[13];
      return concat(sll, Arrays.copyOfRange(f, 14, f.length));
    }),
    LINUX_SLL2(LinkLayer.LINUX_SLL2, ByteOrder.LITTLE_ENDIAN, f -> {
      byte[] sll2 = new byte[20]; // protocol first, then reserved, ifindex, ARPHRD_ETHER, packet type, address
      sll2[0] = f[12];
      sll2[1] = f[13];
      sll2[9] = 1;
      sll2[11] = 6;
      return concat(sll2, Arrays.copyOfRange(f, 14, f.length));
    }),
    NULL_LITTLE_ENDIAN(LinkLayer.NULL, ByteOrder.LITTLE_ENDIAN,
        f -> concat(new byte[] {2, 0, 0, 0}, Arrays.copyOfRange(f, 14, f.length))), // AF_INET, host order
    LOOP(LinkLayer.LOOP, ByteOrder.BIG_ENDIAN,
        f -> concat(new byte[] {0, 0, 0, 2}, Arrays.copyOfRange(f, 14, f.length))), // AF_INET, network order
    ETHERNET_QINQ(LinkLayer.ETHERNET, ByteOrder.BIG_ENDIAN, f -> concat(Arrays.copyOfRange(f, 0, 12),
        new byte[] {(byte) 0x88, (byte) 0xa8, 0, 10, (byte) 0x81, 0, 0, 20}, Arrays.copyOfRange(f, 12, f.length)));

    final int linkType;
    final ByteOrder order;
    final UnaryOperator<byte[]> frame;

    Framing(int linkType, ByteOrder order, UnaryOperator<byte[]> frame) {
      this.linkType = linkType;
      this.order = order;
      this.frame = frame;
    }
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(Framing.class)
  void otherLinkLayersRaiseTheSameAlerts(Framing framing) throws Exception {
    for (String capture : ATTACKS) {
      byte[] original = Files.readAllBytes(Captures.pcaps().resolve(capture));
      byte[] variant = Captures.pcap(Captures.packets(original), framing.linkType, framing.order, framing.frame);
      assertThat(Captures.eve(variant)).as(capture + " " + framing).isEqualTo(expected(capture)).isNotEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"heartbleed.pcap", "heartbleed-encrypted.pcap"})
  void gzipCompressedCapturesAreReadTransparently(String capture) throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(Files.readAllBytes(Captures.pcaps().resolve(capture)));
    }
    assertThat(Captures.eve(gz.toByteArray())).isEqualTo(expected(capture));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
