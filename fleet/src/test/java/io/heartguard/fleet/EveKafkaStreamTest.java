package io.heartguard.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.sensor.SensorCommand;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
    String broker = TestBroker.address();
    String topic = "test-eve-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    Path alerts = dir.resolve("alerts.json");
    try (Admin admin = Admin.create(Topics.client(broker, "heartguard-eve-test"))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(); // as an operator creates it
    }
    int code = new CommandLine(new SensorCommand()).execute("-r", Path.of("..", "fixtures", "pcaps", "heartbleed.pcap")
        .toString(), "--alerts", alerts.toString(), "--eve-kafka", broker + "/" + topic);
    assertThat(code).isEqualTo(SensorCommand.ALERTS);
    List<String> written = Files.readAllLines(alerts);
    assertThat(written).isNotEmpty();
    assertThat(read(broker, topic, written.size())).isEqualTo(written);
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

  private static List<String> read(String broker, String topic, int count) {
    Properties p = Topics.client(broker, "heartguard-eve-test");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<String> got = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      while (got.size() < count) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          got.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return got;
  }
}
