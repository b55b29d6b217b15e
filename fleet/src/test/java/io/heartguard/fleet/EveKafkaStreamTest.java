package io.heartguard.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.sensor.SensorCommand;
import io.heartguard.testkit.Fixtures;
import io.heartguard.testkit.RealKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --eve-kafka}: the same EVE lines on a topic, and a broker that is down never stops detection. */
class EveKafkaStreamTest {
  @TempDir
  Path dir;

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theSensorSendsTheSameEveLinesToTheTopicItWritesToItsAlertFile() throws Exception {
    RealKafka kafka = RealKafka.broker();
    String topic = kafka.createTopic("test-eve");
    Path alerts = dir.resolve("alerts.json");
    int code = new CommandLine(new SensorCommand()).execute("-r", Fixtures.path("pcaps/heartbleed.pcap")
        .toString(), "--alerts", alerts.toString(), "--eve-kafka", kafka.address() + "/" + topic);
    assertThat(code).isEqualTo(SensorCommand.ALERTS);
    List<String> written = Files.readAllLines(alerts);
    assertThat(written).isNotEmpty();
    assertThat(kafka.read(topic, written.size())).isEqualTo(written);
    assertThat(kafka.size(topic)).as("nothing but those lines").isEqualTo(written.size());
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aBrokerThatIsDownCostsCountedDropsAndNeverBlocksTheWriter() throws IOException {
    int port;
    try (ServerSocket nothing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = nothing.getLocalPort(); // closed again: nothing listens there
    }
    int lines = EveKafkaStream.QUEUE_LINES * 3;
    EveKafkaStream stream = new EveKafkaStream("127.0.0.1:" + port + "/alerts");
    byte[] line = "{\"event_type\":\"alert\"}\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < lines; i++) {
      stream.write(line, 0, line.length); // returns at once whether or not the broker is there
    }
    stream.close();
    assertThat(stream.sent()).isZero();
    assertThat(stream.dropped()).as("every line is counted as dropped").isEqualTo(lines);
  }
}
