package io.heartguard.guard;

import static io.heartguard.guard.GuardAgainstRealPeersTest.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import io.heartguard.testkit.InterruptedCommand;
import io.heartguard.testkit.RealKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guard --eve-kafka HOST:PORT/TOPIC} end to end: the guard runs as its own process in front of the vulnerable
 * lab server, heartguard's own check sends it a malformed heartbeat, and the alert is read back from the real broker
 * (bin/start-kafka.sh) with a real consumer. A broker that is down never stops the guard blocking, and costs drops
 * that are counted.
 */
class GuardEveKafkaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theTopicGetsTheSameAlertLinesAsTheAlertFile() throws Exception {
    RealKafka kafka = RealKafka.broker();
    String topic = kafka.createTopic("test-guard-eve");
    Path alerts = dir.resolve("alerts.json");
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
      int port = freePort();
      InterruptedCommand.Ended ended;
      try (InterruptedCommand guard = startGuard(lab, port, "--alerts", alerts.toString(), "--eve-kafka",
          kafka.address() + "/" + topic)) {
        assertBlocked(lab, port);
        kafka.read(topic, 1); // the alert has reached the topic: the guard may stop
        ended = guard.interrupt();
      }
      List<String> written = Files.readAllLines(alerts);
      assertThat(written).isNotEmpty();
      assertThat(kafka.read(topic, written.size())).isEqualTo(written);
      assertThat(kafka.size(topic)).as("nothing but those lines").isEqualTo(written.size());
      for (String line : written) {
        assertIsTheBlockedHeartbleedRequest(line);
      }
      assertThat(ended.err()).doesNotContain("eve-kafka:");
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aBrokerThatIsDownNeitherStopsTheGuardBlockingNorGoesUncounted() throws Exception {
    int nothingListens = freePort(); // closed again at once: connections to it are refused
    String destination = "127.0.0.1:" + nothingListens + "/alerts";
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
      int port = freePort();
      InterruptedCommand.Ended ended;
      try (InterruptedCommand guard = startGuard(lab, port, "--eve-kafka", destination)) {
        for (int attack = 0; attack < 3; attack++) {
          assertBlocked(lab, port);
        }
        guard.awaitOutLine("{"); // an alert line on stdout: detection went on without the broker
        ended = guard.interrupt();
      }
      List<String> alertLines = new ArrayList<>(ended.out());
      assertThat(alertLines).hasSizeGreaterThanOrEqualTo(3);
      for (String line : alertLines) {
        assertIsTheBlockedHeartbleedRequest(line);
      }
      assertThat(ended.err()).as("every line meant for the topic is counted as dropped")
          .contains("eve-kafka: " + alertLines.size() + " alert lines not delivered to " + destination);
    }
  }

  /** Runs {@code heartguard guard} on 127.0.0.1:{@code port} in front of the lab, and waits until it listens. */
  private static InterruptedCommand startGuard(LabServer lab, int port, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:" + port, "--upstream",
        "127.0.0.1:" + lab.address().getPort(), "--drain-timeout", "1"));
    args.addAll(List.of(options));
    InterruptedCommand guard = InterruptedCommand.start(GuardCommand.class, args);
    guard.awaitErrLine("guard: listening on 127.0.0.1:" + port + " ");
    return guard;
  }

  /** The lab leaks when checked directly, and not one byte through the guard, which resets the connection. */
  private static void assertBlocked(LabServer lab, int guardPort) throws Exception {
    HeartbleedCheck check = new HeartbleedCheck();
    ScanResult direct = check.check(ScanTarget.parse("127.0.0.1:" + lab.address().getPort()), ScanOptions.defaults());
    ScanResult guarded = check.check(ScanTarget.parse("127.0.0.1:" + guardPort), ScanOptions.defaults());
    assertThat(direct.verdict()).isEqualTo(Verdict.VULNERABLE);
    assertThat(guarded.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(guarded.bytesLeaked()).isZero();
    assertThat(guarded.reason()).contains("reset");
  }

  /** The engine's rule for a payload_length past its record, marked blocked with the guard's reset. */
  private static void assertIsTheBlockedHeartbleedRequest(String line) throws Exception {
    JsonNode eve = JSON.readTree(line);
    assertThat(eve.path("event_type").asText()).isEqualTo("alert");
    assertThat(eve.path("alert").path("rule").asText()).isEqualTo("heartbleed_request_overflow");
    assertThat(eve.path("alert").path("signature_id").asInt()).isEqualTo(9160001);
    assertThat(eve.path("alert").path("signature").asText()).startsWith("heartbeat request from the client: payload_length");
    assertThat(eve.path("alert").path("action").asText()).isEqualTo("blocked");
    assertThat(eve.path("guard").path("verdict").asText()).isEqualTo("reset");
  }
}
