package io.heartguard.scan.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabMode;
import io.heartguard.lab.dtls.LabDtlsOptions;
import io.heartguard.lab.dtls.LabDtlsServer;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent reading of our DTLS: the exchange between the check and the lab, captured with tcpdump on loopback
 * and dissected by tshark, holds every message in order and nothing tshark calls malformed. Capturing needs the
 * right to open a raw socket on lo, which a CI container may lack: that alone skips the test.
 */
class DtlsCaptureTest {
  @Test
  void tsharkReadsTheWholeExchangeAsWellFormedDtls(@TempDir Path dir) throws Exception {
    Path pcap = dir.resolve("dtls.pcap");
    try (LabDtlsServer lab = LabDtlsServer.start(LabDtlsOptions.of(LabMode.VULNERABLE).withMtu(600)
        .withLog(new ByteArrayOutputStream(), false))) {
      int port = lab.address().getPort();
      // -Z: tcpdump would otherwise drop to its own user, who cannot write into this test's private directory.
      Process tcpdump = new ProcessBuilder("tcpdump", "-i", "lo", "--immediate-mode", "-U", "-n", "-Z", System.getProperty("user.name"),
          "-w", pcap.toString(), "udp port " + port).start();
      try {
        Assumptions.assumeTrue(awaitListening(tcpdump), "tcpdump cannot capture on lo here");
        ScanResult result = new DtlsCheck(new Retransmission(Duration.ofMillis(200), 5))
            .check(ScanTarget.parse("127.0.0.1:" + port), ScanOptions.defaults().withTimeout(Duration.ofSeconds(5)));
        assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.VULNERABLE);
        awaitEndMarker(pcap, port);
      } finally {
        tcpdump.destroy(); // SIGTERM: tcpdump writes out what it captured and exits
        tcpdump.waitFor(10, TimeUnit.SECONDS);
      }
      Process tshark = new ProcessBuilder("tshark", "-r", pcap.toString(), "-d", "udp.port==" + port + ",dtls",
          "-T", "fields", "-e", "dtls.record.content_type", "-e", "dtls.handshake.type",
          "-e", "dtls.heartbeat_message.payload_length", "-e", "_ws.malformed", "-E", "occurrence=a")
          .redirectError(dir.resolve("tshark.err").toFile()).start();
      List<String> lines = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      assertThat(tshark.waitFor(30, TimeUnit.SECONDS)).isTrue();
      String all = String.join("\n", lines) + "\ntshark stderr: " + Files.readString(dir.resolve("tshark.err"))
          + "\npcap bytes: " + Files.size(pcap);

      assertThat(lines).as(all).hasSizeGreaterThanOrEqualTo(6);
      // ClientHello (1), HelloVerifyRequest (3), ClientHello with the cookie, then ServerHello (2), Certificate
      // fragments (11), ServerHelloDone (14); then heartbeats (content type 24) both ways.
      assertThat(lines.get(0)).as(all).startsWith("22\t1");
      assertThat(lines.get(1)).as(all).startsWith("22\t3");
      assertThat(lines.get(2)).as(all).startsWith("22\t1");
      List<String> handshakeTypes = lines.stream().map(l -> l.split("\t", -1))
          .flatMap(f -> java.util.Arrays.stream(f.length > 1 ? f[1].split(",") : new String[0])).toList();
      assertThat(handshakeTypes).as(all).contains("2", "11", "14");
      // Our probe (tshark shows no payload_length for its overclaim) and control, then the lab's answers: the leak
      // (4640) decides, so the check may return, and the capture end, before the lab has sent its control answer.
      assertThat(lines.stream().filter(l -> l.startsWith("24\t")).toList()).as(all).hasSizeBetween(3, 4)
          .anyMatch(l -> l.equals("24\t\t\t")).anyMatch(l -> l.endsWith("\t4640\t"))
          .anyMatch(l -> l.endsWith("\t4352\t"));
      assertThat(lines).as("tshark's malformed-packet field: " + all)
          .allSatisfy(l -> assertThat(l.split("\t", -1)).hasSize(4).endsWith(""));
      assertThat(Files.size(pcap)).isGreaterThan(4640);
    }
  }

  private static final byte[] END = "heartguard-capture-end".getBytes(StandardCharsets.US_ASCII);

  /**
   * Sends a last datagram (the lab ignores it: not DTLS) and polls the capture file until tcpdump has written it, so
   * that everything before it is in the file when tcpdump is stopped.
   */
  private static void awaitEndMarker(Path pcap, int port) throws Exception {
    try (java.nio.channels.DatagramChannel channel = java.nio.channels.DatagramChannel.open()) {
      channel.send(java.nio.ByteBuffer.wrap(END),
          new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      if (new String(Files.readAllBytes(pcap), StandardCharsets.ISO_8859_1).contains("heartguard-capture-end")) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(20); // polling the file, the only signal tcpdump gives
    }
    throw new AssertionError("tcpdump did not write the end marker within 10 s");
  }

  /** tcpdump says "listening on lo" on stderr once it captures; an early exit means it may not capture here. */
  private static boolean awaitListening(Process tcpdump) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(tcpdump.getErrorStream(), StandardCharsets.UTF_8));
    for (String line = err.readLine(); line != null; line = err.readLine()) {
      if (line.contains("listening on")) {
        Thread drain = new Thread(() -> {
          try {
            err.transferTo(java.io.Writer.nullWriter());
          } catch (java.io.IOException e) {
            // tcpdump exited
          }
        }, "tcpdump-stderr");
        drain.setDaemon(true);
        drain.start();
        return true;
      }
    }
    return false;
  }
}
