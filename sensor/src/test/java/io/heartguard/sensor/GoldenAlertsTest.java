package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rule set over every shared capture, diffed against golden alert files in test resources. */
class GoldenAlertsTest {
  static Stream<String> captures() throws IOException {
    try (Stream<Path> files = Files.list(Captures.pcaps())) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap") || n.endsWith(".pcap.gz"))
          .sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void alertsMatchTheGoldenFile(String capture) throws Exception {
    String golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/" + capture + ".jsonl")) {
      assertThat(in).as("golden file for " + capture).isNotNull();
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(Captures.eve(Captures.pcaps().resolve(capture))).isEqualTo(golden);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("captures")
  void aCaptureReadFromItsFileGivesTheGoldenAlertsToo(String capture) throws Exception {
    // Sensor.read(Path) memory-maps uncompressed files (the command's fast path) instead of streaming them.
    String golden;
    try (InputStream in = getClass().getResourceAsStream("/golden/" + capture + ".jsonl")) {
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    io.heartguard.detect.EveJsonWriter eve = new io.heartguard.detect.EveJsonWriter(out);
    Sensor sensor = new Sensor(eve);
    sensor.read(Captures.pcaps().resolve(capture));
    sensor.finish();
    eve.flush();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(golden);
  }

  @Test
  void heartbleedPcapIsThePlaintextAttackWithRecordLength16368AndPayloadLength16365() throws Exception {
    JsonNode alert = only(Captures.eve(Captures.pcaps().resolve("heartbleed.pcap")));
    assertThat(alert.at("/alert/rule").asText()).isEqualTo("heartbleed_request_short_padding");
    assertThat(alert.at("/alert/severity").asInt()).isEqualTo(1);
    assertThat(alert.at("/heartbeat/record_length").asInt()).isEqualTo(16368);
    assertThat(alert.at("/heartbeat/payload_length").asInt()).isEqualTo(16365);
    assertThat(alert.at("/direction").asText()).isEqualTo("to_server");
  }

  @Test
  void encryptedHeartbleedIsAHeartbeatBeforeApplicationDataFromTheClient() throws Exception {
    JsonNode alert = only(Captures.eve(Captures.pcaps().resolve("heartbleed-encrypted.pcap")));
    assertThat(alert.at("/alert/rule").asText()).isEqualTo("heartbeat_before_application_data");
    assertThat(alert.at("/heartbeat/record_length").asInt()).isEqualTo(86);
    assertThat(alert.at("/direction").asText()).isEqualTo("to_server");
    assertThat(alert.at("/src_port").asInt()).isEqualTo(56323);
  }

  private static JsonNode only(String eve) throws IOException {
    List<String> lines = eve.lines().toList();
    assertThat(lines).hasSize(1);
    return new ObjectMapper().readTree(lines.get(0));
  }
}
