package io.heartguard.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Apache Kafka broker the tests run against: the one bin/start-kafka.sh runs on 127.0.0.1 and prints, named
 * by HEARTGUARD_TEST_KAFKA (bin/test exports it). Without that variable a test is skipped, unless CI=true: there a
 * missing broker fails the test, as a missing PostgreSQL does. Topics outlive a test run, so each run's topics have
 * names of their own.
 */
public final class RealKafka {
  private final String address;

  private RealKafka(String address) {
    this.address = address;
  }

  /** The broker named by HEARTGUARD_TEST_KAFKA; skips (or, with CI=true, fails) the calling test without it. */
  public static RealKafka broker() {
    String address = System.getenv("HEARTGUARD_TEST_KAFKA");
    if (address == null || address.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail("HEARTGUARD_TEST_KAFKA is not set; CI must run bin/start-kafka.sh and export its address");
      }
      Assumptions.abort("HEARTGUARD_TEST_KAFKA is not set; start bin/start-kafka.sh and export its address");
    }
    return new RealKafka(address);
  }

  /** HOST:PORT, as {@code --kafka} and {@code --eve-kafka} take it. */
  public String address() {
    return address;
  }

  /** Creates a topic of one partition named {@code prefix} and a random suffix, as an operator creates one. */
  public String createTopic(String prefix) throws ExecutionException, InterruptedException {
    String topic = prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    try (Admin admin = Admin.create(client())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    return topic;
  }

  /**
   * The values of the first {@code count} records of the topic's single partition, as text, read from its beginning
   * by a plain consumer (no group); waits for them, bounded by the calling test's timeout.
   */
  public List<String> read(String topic, int count) {
    Properties p = client();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<String> got = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      while (got.size() < count) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (got.size() < count) {
            got.add(new String(r.value(), StandardCharsets.UTF_8));
          }
        }
      }
    }
    return got;
  }

  /** How many records the topic's single partition holds now. */
  public long size(String topic) {
    Properties p = client();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      TopicPartition partition = new TopicPartition(topic, 0);
      Map<TopicPartition, Long> end = consumer.endOffsets(List.of(partition));
      return end.get(partition);
    }
  }

  private Properties client() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "heartguard-test");
    return p;
  }
}
