package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SensorCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(byte[] stdin, String... args) {
    SensorCommand command = new SensorCommand(new ByteArrayInputStream(stdin), out,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandLine(command).execute(args);
  }

  @Test
  void exitCodeIsOneWhenAlertsAreFoundOnStandardInput() throws Exception {
    byte[] capture = Files.readAllBytes(Captures.pcaps().resolve("heartbleed.pcap"));
    assertThat(run(capture, "-r", "-")).isEqualTo(SensorCommand.ALERTS);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"record_length\":16368");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("heartbleed_request_short_padding");
  }

  @Test
  void exitCodeIsZeroForNormalTraffic() {
    assertThat(run(new byte[0], "-r", Captures.pcaps().resolve("tls1.2.pcap").toString()))
        .isEqualTo(SensorCommand.NOTHING_FOUND);
    assertThat(out.size()).isZero();
  }

  @Test
  void aMissingFileIsOneLineOnStderrAndExitTwo() {
    assertThat(run(new byte[0], "-r", "/nonexistent/x.pcap")).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("heartguard sensor: cannot read /nonexistent/x.pcap: no such file or not readable\n");
  }

  @Test
  void somethingThatIsNotACaptureIsExitTwo() {
    assertThat(run("hello, world".getBytes(StandardCharsets.US_ASCII), "-r", "-"))
        .isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("heartguard sensor: stdin: not a pcap or pcapng capture (starts with 0x68656c6c)\n");
  }

  @Test
  void aDirectoryIsReadWholeAndAlertsCanGoToAFile(@TempDir Path temp) throws Exception {
    Path alerts = temp.resolve("alerts.jsonl");
    Path dir = temp.resolve("in");
    Files.createDirectories(dir);
    Files.copy(Captures.pcaps().resolve("heartbleed.pcap"), dir.resolve("a.pcap"));
    Files.copy(Captures.pcaps().resolve("heartbleed-encrypted.pcap"), dir.resolve("b.pcap"));
    assertThat(run(new byte[0], "-r", dir.toString(), "--alerts", alerts.toString()))
        .isEqualTo(SensorCommand.ALERTS);
    assertThat(Files.readAllLines(alerts)).hasSize(2);
  }

  @Test
  void flowTimeoutMustBeADuration() {
    assertThat(run(new byte[0], "-r", "-", "--flow-timeout", "soon")).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(SensorCommand.parseDuration("5m")).isEqualTo(300_000_000_000L);
  }

  /**
   * A plaintext Heartbleed on one connection: a 3-byte request claiming 16384 payload bytes, and the answer echoing
   * 16384 bytes of "memory", so the sensor has leaked bytes to dump.
   */
  private static Path leakingCapture(Path dir) throws Exception {
    TcpConversation tcp = new TcpConversation(new byte[] {10, 0, 0, 1}, 40_000, new byte[] {10, 0, 0, 2}, 443);
    tcp.open();
    // record: heartbeat (24), TLS 1.1, length 3; message: request (1), payload_length 0x4000, nothing else.
    tcp.send(true, new byte[] {24, 3, 2, 0, 3, 1, 0x40, 0});
    byte[] response = new byte[5 + 3 + 16384];
    response[0] = 24;
    response[1] = 3;
    response[2] = 2;
    response[3] = (byte) ((3 + 16384) >> 8);
    response[4] = (byte) (3 + 16384);
    response[5] = 2; // response
    response[6] = 0x40;
    java.util.Arrays.fill(response, 8, response.length, (byte) 'm');
    tcp.send(false, response);
    tcp.close();
    return Files.write(dir.resolve("leak.pcap"), tcp.pcap());
  }

  @Test
  void leakDumpsAreReadableByTheirOwnerOnly(@TempDir Path temp) throws Exception {
    Path leaks = temp.resolve("leaks");
    assertThat(run(new byte[0], "-r", leakingCapture(temp).toString(), "--dump-leaks", leaks.toString()))
        .isEqualTo(SensorCommand.ALERTS);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(leaks))).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(leaks)) {
      List<Path> dumps = files.toList();
      assertThat(dumps).isNotEmpty();
      for (Path dump : dumps) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dump))).as(dump.toString())
            .isEqualTo("rw-------");
      }
    }
  }

  @Test
  void aLeakDumpNeverFollowsASymbolicLinkPlantedInItsDirectory(@TempDir Path temp) throws Exception {
    Path leaks = temp.resolve("leaks");
    String capture = leakingCapture(temp).toString();
    assertThat(run(new byte[0], "-r", capture, "--dump-leaks", leaks.toString())).isEqualTo(SensorCommand.ALERTS);
    Path victim = Files.writeString(temp.resolve("victim.txt"), "keep me");
    List<Path> dumps;
    try (Stream<Path> files = Files.list(leaks)) {
      dumps = files.toList();
    }
    assertThat(dumps).isNotEmpty();
    for (Path dump : dumps) {
      Files.delete(dump);
      Files.createSymbolicLink(dump, victim);
    }
    err.reset();
    assertThat(run(new byte[0], "-r", capture, "--dump-leaks", leaks.toString())).isEqualTo(SensorCommand.ALERTS);
    assertThat(Files.readString(victim)).isEqualTo("keep me");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("cannot write leak dump " + dumps.get(0) + ": it is a symbolic link; leaked memory goes only to a regular file");
  }

  @Test
  void aGzipCutInsideItsHeaderSaysSoInOneLine(@TempDir Path temp) throws Exception {
    Path gzip = Files.write(temp.resolve("cut.pcap.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0});
    assertThat(run(new byte[0], "-r", gzip.toString())).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("heartguard sensor: " + gzip + ": gzip header cut short, not a whole gzip stream\n");
  }

  @Test
  void aPcapCutInsideItsFileHeaderIsExitTwoLikeAnEmptyFile(@TempDir Path temp) throws Exception {
    byte[] header = Files.readAllBytes(Captures.pcaps().resolve("heartbleed.pcap"));
    Path cut = Files.write(temp.resolve("cut.pcap"), java.util.Arrays.copyOf(header, 10));
    assertThat(run(new byte[0], "-r", cut.toString())).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("heartguard sensor: " + cut + ": pcap file header cut short (10 of 24 bytes)\n");
    err.reset();
    Path empty = Files.write(temp.resolve("empty.pcap"), new byte[0]);
    assertThat(run(new byte[0], "-r", empty.toString())).isEqualTo(SensorCommand.INPUT_ERROR);
  }

  @Test
  void aPcapngCutInsideItsSectionHeaderIsExitTwo(@TempDir Path temp) throws Exception {
    Path cut = Files.write(temp.resolve("cut.pcapng"), new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b});
    assertThat(run(new byte[0], "-r", cut.toString())).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("heartguard sensor: " + cut + ": pcapng section header cut short (10 of 28 bytes)\n");
  }

  @Test
  void aJunkFileInADirectoryIsReportedAndAlertsFoundStillExitOne(@TempDir Path temp) throws Exception {
    Path dir = Files.createDirectories(temp.resolve("in"));
    Files.copy(Captures.pcaps().resolve("heartbleed.pcap"), dir.resolve("a.pcap"));
    Path junk = Files.writeString(dir.resolve("notes.txt"), "not a capture");
    assertThat(run(new byte[0], "-r", dir.toString())).isEqualTo(SensorCommand.ALERTS);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("heartbleed_request_short_padding");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("heartguard sensor: " + junk + ": not a pcap or pcapng capture (starts with 0x6e6f7420)\n");
  }

  @Test
  void resultsFromOtherFilesAreKeptWhenACaptureIsCutShort(@TempDir Path temp) throws Exception {
    Path cut = Files.write(temp.resolve("cut.pcap"),
        java.util.Arrays.copyOf(Files.readAllBytes(Captures.pcaps().resolve("heartbleed.pcap")), 10));
    assertThat(run(new byte[0], "-r", Captures.pcaps().resolve("heartbleed.pcap").toString(), "-r", cut.toString()))
        .isEqualTo(SensorCommand.ALERTS);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("heartbleed_request_short_padding");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(cut + ": pcap file header cut short");
  }

  @Test
  void unreadableInputWithNoAlertsAnywhereIsExitTwo(@TempDir Path temp) throws Exception {
    Path dir = Files.createDirectories(temp.resolve("in"));
    Files.copy(Captures.pcaps().resolve("tls1.2.pcap"), dir.resolve("a.pcap"));
    Files.writeString(dir.resolve("notes.txt"), "not a capture");
    assertThat(run(new byte[0], "-r", dir.toString())).isEqualTo(SensorCommand.INPUT_ERROR);
  }

  @Test
  void anEmptyDirectoryIsOneLineAndExitTwo(@TempDir Path temp) throws Exception {
    Path dir = Files.createDirectories(temp.resolve("empty"));
    assertThat(run(new byte[0], "-r", dir.toString())).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("heartguard sensor: no files in directory " + dir + "\n");
  }

  @Test
  void anUnknownOsPolicyOrChecksumModeIsOneLineAndExitTwo() {
    assertThat(run(new byte[0], "-r", "-", "--os-policy", "solaris")).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(run(new byte[0], "-r", "-", "--checksums", "maybe")).isEqualTo(SensorCommand.INPUT_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
        "heartguard sensor: --os-policy solaris is not one of linux, bsd, windows, first, last\n"
            + "heartguard sensor: --checksums maybe is not one of auto, on, off\n");
  }

  @Test
  void theSummarySaysWhichPolicyAndWhatChecksumsDid() {
    assertThat(run(new byte[0], "-r", Captures.pcaps().resolve("tls1.2.pcap").toString(), "--os-policy", "bsd",
        "--checksums", "on")).isEqualTo(SensorCommand.NOTHING_FOUND);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("  as the receiver (bsd): 0 overlapping bytes settled, 0 segments out of window, 0 with old"
            + " timestamps, 0 resets ignored, 0 5-tuples reused\n")
        .contains("  checksums: on; 0 packets dropped for a wrong checksum\n");
  }

  @Test
  void aCaptureTakenOnTheSendingHostTurnsChecksumsOffAndSaysSo() throws Exception {
    // heartbleed.pcap was recorded where the sender's checksums were left to the NIC: about half are wrong.
    byte[] capture = Files.readAllBytes(Captures.pcaps().resolve("heartbleed.pcap"));
    assertThat(run(capture, "-r", "-")).isEqualTo(SensorCommand.ALERTS);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("  checksums: auto, not checked in 1 of 1 captures"
        + " (offload: 12 of the first 23 TCP segments wrong); 0 packets dropped for a wrong checksum\n");
  }
}
