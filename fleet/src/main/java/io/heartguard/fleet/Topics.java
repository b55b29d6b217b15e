package io.heartguard.fleet;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The two topics every job shares (docs/DISTRIBUTED.md): blocks of targets, consumed by the workers' group, and
 * results, read by each job's coordinator. Created on first use with the broker's replication factor.
 */
final class Topics {
  static final String BLOCKS = "heartguard.blocks";
  static final String RESULTS = "heartguard.results";
  /** Workers' consumer group: every worker of every machine is one member. */
  static final String WORKERS = "heartguard.workers";
  /** Partitions of a topic created here: the most workers that can share a job at once. */
  static final int DEFAULT_PARTITIONS = 12;

  private Topics() {}

  static Properties client(String broker, String clientId) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    return p;
  }

  /**
   * As {@link #ensure(String, int)}, asking {@code client} first: on a broker that has the topics, as it has after
   * the first job, a coordinator starts without an admin client, which costs a cold process most of a second.
   */
  static void ensure(String broker, int partitions, Consumer<?, ?> client) throws FleetException {
    if (client.partitionsFor(BLOCKS).isEmpty() || client.partitionsFor(RESULTS).isEmpty()) {
      ensure(broker, partitions);
    }
  }

  /** Creates the topics that do not exist yet; another process creating them at the same time is fine. */
  static void ensure(String broker, int partitions) throws FleetException {
    try (Admin admin = Admin.create(client(broker, "heartguard-admin"))) {
      for (String topic : List.of(BLOCKS, RESULTS)) {
        try {
          admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())
              .configs(Map.of("max.message.bytes", String.valueOf(8 << 20))))).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new FleetException("cannot create topic " + topic + " on " + broker + ": " + FleetException.why(e), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FleetException("interrupted while creating the topics on " + broker, e);
    }
  }
}
