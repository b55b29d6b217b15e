package io.heartguard.fleet;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.sensor.SensorCommand;
import io.heartguard.testkit.Fixtures;
import io.heartguard.testkit.InterruptedCommand;
import io.heartguard.testkit.RealKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Ctrl-C on {@code tcpdump -w - | heartguard sensor -r - --alerts FILE --eve-kafka HOST:PORT/TOPIC}: the sensor runs
 * as its own process, reads a capture from a standard input that stays open, as a live capture's does, and gets a real
 * SIGINT once its alert is in the file. It must close its alert outputs as the end of its input would: every line
 * complete in the file, on the topic or counted as dropped, the summary printed, the documented exit code.
 */
class InterruptedSensorTest {
  private static final Path HEARTBLEED = Fixtures.path("pcaps/heartbleed.pcap");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void ctrlCWithTheBrokerDownKeepsTheAlertFileWholeCountsEveryLineDroppedAndSummarises() throws Exception {
    String destination = "127.0.0.1:" + closedPort() + "/alerts";
    List<String> expected = alertsReadToTheEnd();
    Path alerts = dir.resolve("alerts.json");

    InterruptedCommand.Ended ended = interruptOnceAlerted(alerts, expected.size(), destination);

    assertThat(Files.readAllLines(alerts)).as("the alert lines, complete").isEqualTo(expected);
    for (String line : expected) {
      assertThat(JSON.readTree(line).path("event_type").asText()).isEqualTo("alert");
    }
    assertThat(ended.err()).as("every line meant for the topic is counted as dropped")
        .contains("eve-kafka: " + expected.size() + " alert lines not delivered to " + destination);
    assertSummarised(ended, expected.size());
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void ctrlCLetsTheLinesStillQueuedReachTheTopic() throws Exception {
    RealKafka kafka = RealKafka.broker();
    String topic = kafka.createTopic("test-sensor-interrupted");
    List<String> expected = alertsReadToTheEnd();
    Path alerts = dir.resolve("alerts.json");

    InterruptedCommand.Ended ended = interruptOnceAlerted(alerts, expected.size(), kafka.address() + "/" + topic);

    assertThat(Files.readAllLines(alerts)).isEqualTo(expected);
    assertThat(ended.err()).as("no line dropped").doesNotContain("eve-kafka:");
    assertThat(kafka.read(topic, expected.size())).isEqualTo(expected);
    assertThat(kafka.size(topic)).as("nothing but those lines").isEqualTo(expected.size());
    assertSummarised(ended, expected.size());
  }

  /**
   * The summary, once, with the alerts; the exit code of alerts found, as at the end of the input; and nothing from the
   * reading thread, still blocked on standard input.
   */
  private static void assertSummarised(InterruptedCommand.Ended ended, int alerts) {
    List<String> err = ended.err().lines().toList();
    assertThat(err).filteredOn(line -> line.startsWith("heartguard sensor: ")).singleElement().asString()
        .contains(" packets, ");
    assertThat(err).contains("  alerts: " + alerts);
    assertThat(ended.err()).doesNotContain("Exception");
    assertThat(ended.exitCode()).isEqualTo(SensorCommand.ALERTS);
  }

  /** The capture's alert lines when the sensor reads it to its end: what Ctrl-C must leave in the file too. */
  private List<String> alertsReadToTheEnd() throws IOException {
    Path file = dir.resolve("expected.json");
    int code = new CommandLine(new SensorCommand()).execute("-r", HEARTBLEED.toString(), "--checksums", "off",
        "--alerts", file.toString());
    assertThat(code).isEqualTo(SensorCommand.ALERTS);
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).isNotEmpty();
    return lines;
  }

  /**
   * Starts the sensor on a standard input that stays open, writes the capture into it, waits until {@code count}
   * alert lines are in {@code alerts} and sends Ctrl-C. Checksums off (the capture was taken on loopback, where
   * they are left to the NIC): packets are decoded as they come, not held back to decide on offload.
   */
  private static InterruptedCommand.Ended interruptOnceAlerted(Path alerts, int count, String eveKafka)
      throws Exception {
    try (WatchService watch = alerts.getFileSystem().newWatchService();
        InterruptedCommand sensor = InterruptedCommand.start(SensorCommand.class, List.of("-r", "-", "--checksums",
            "off", "--alerts", alerts.toString(), "--eve-kafka", eveKafka))) {
      alerts.getParent().register(watch, ENTRY_CREATE, ENTRY_MODIFY);
      OutputStream stdin = sensor.stdin();
      stdin.write(Files.readAllBytes(HEARTBLEED));
      stdin.flush(); // and not closed: a live capture goes on
      awaitLines(watch, alerts, count);
      return sensor.interrupt();
    }
  }

  /** Waits, on the file system's events, until {@code file} holds {@code count} complete lines. */
  private static void awaitLines(WatchService watch, Path file, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (completeLines(file) < count) {
      WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      assertThat(key).as("%d alert lines in %s within 60 s", count, file).isNotNull();
      key.pollEvents();
      key.reset();
    }
  }

  private static long completeLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).chars().filter(c -> c == '\n').count();
  }

  /** A port on 127.0.0.1 that nothing listens on: connections to it are refused. */
  private static int closedPort() throws IOException {
    try (ServerSocket nothing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return nothing.getLocalPort();
    }
  }
}
