package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
