package io.heartguard.fleet;

import io.heartguard.scan.ScanResult;
import io.heartguard.store.JobRecorder;
import io.heartguard.scan.engine.RateLimiter;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.scan.engine.ScanEngine;
import io.heartguard.scan.engine.TargetList;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code heartguard worker}: one member of the workers' consumer group. Takes one block at a time, checks its targets
 * with scan's engine, sends one result per target, and commits the block's offset only once the broker has
 * acknowledged every one of them (at-least-once). A worker that dies before that commit loses nothing: the group
 * gives its partitions to the others, and the block is checked again from its start.
 *
 * <p>{@code --rate} is the whole job's: this worker takes the share of the blocks topic's partitions it is assigned,
 * recomputed at each block, so the group's rates add up to the job's whatever its size (docs/DISTRIBUTED.md).
 *
 * <p>{@link #stop()} (SIGTERM) hands the current block back: checks in flight finish within the engine's grace, the
 * block's offset is not committed, and leaving the group moves its partition to another worker at once.
 */
public final class Worker implements Runnable {
  /** A member not heard from for this long is presumed dead and its partitions move (Kafka's session timeout). */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
  /** The longest a block may take; past it the group presumes the worker stuck and gives the block to another. */
  static final Duration MAX_BLOCK_TIME = Duration.ofMinutes(30);
  private static final Duration POLL = Duration.ofMillis(500);

  private final String broker;
  private final int concurrency;
  private final PrintWriter log;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicLong blocksDone = new AtomicLong();
  private final AtomicLong checked = new AtomicLong();
  private volatile boolean stopping;
  private volatile ScanEngine current;
  private volatile int partitionCount = Topics.DEFAULT_PARTITIONS;

  public Worker(String broker, int concurrency, PrintWriter log) throws FleetException {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    Topics.ensure(broker, Topics.DEFAULT_PARTITIONS);
    this.broker = broker;
    this.concurrency = concurrency;
    this.log = log;
    this.consumer = new KafkaConsumer<>(consumerConfig(broker));
    this.producer = new KafkaProducer<>(producerConfig(broker));
  }

  /** Blocks whose results were all acknowledged and whose offsets were committed. */
  public long blocksDone() {
    return blocksDone.get();
  }

  /** Takes blocks until {@link #stop()}; leaves the group on the way out. */
  @Override
  public void run() {
    try {
      partitionCount = consumer.partitionsFor(Topics.BLOCKS).size();
      consumer.subscribe(List.of(Topics.BLOCKS), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          say("worker: assigned " + consumer.assignment().size() + " of " + partitionCount + " partitions");
        }
      });
      while (!stopping) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          if (stopping || !work(record)) {
            break;
          }
        }
      }
    } catch (WakeupException e) {
      // stop() woke a poll up: leave.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      say("worker: " + FleetException.why(e));
    } finally {
      producer.close();
      consumer.close(); // leaves the group: an uncommitted block goes to another worker now, not after a timeout
      say("worker: stopped after " + blocksDone.get() + " blocks, " + checked.get() + " checks");
    }
  }

  /** Hands the current block back and stops; safe from any thread (a shutdown hook). */
  public void stop() {
    stopping = true;
    ScanEngine engine = current;
    if (engine != null) {
      engine.stop();
    }
    consumer.wakeup();
  }

  /** Checks one block; true when its results are acknowledged and its offset committed. */
  private boolean work(ConsumerRecord<String, byte[]> record) throws IOException, InterruptedException {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    Block block;
    try {
      block = Block.parse(record.value());
    } catch (IOException e) {
      say("worker: skipped record " + partition + "@" + record.offset() + ": " + e.getMessage());
      commit(partition, record.offset());
      return true;
    }
    say("worker: block " + block.key() + ": " + block.entries().size() + " targets");
    Map<String, Block.Entry> byTarget = new HashMap<>();
    for (Block.Entry e : block.entries()) {
      byTarget.put(targetKey(e.host(), e.address() == null ? null : e.address().getHostAddress(), e.port()), e);
    }
    ScanEngine engine = new ScanEngine(block.settings().scanner(), block.settings().options(), concurrency)
        .retries(block.settings().retries(), ScanEngine.DEFAULT_BACKOFF);
    if (block.settings().rate() > 0) {
      engine.rate(RateLimiter.perSecond(shareOfRate(block.settings().rate(), consumer.assignment().size(), partitionCount)));
    }
    Sends sends = new Sends(block, byTarget);
    current = engine;
    ScanEngine.Run run;
    try {
      run = engine.run(new TargetList(block.entries().stream().map(Block.Entry::target).toList()), sends);
    } finally {
      current = null;
    }
    producer.flush();
    if (!run.exhausted() || stopping || !sends.allAcknowledged()) {
      say("worker: block " + block.key() + " handed back");
      consumer.seek(partition, record.offset()); // not skipped if this worker stays: the next poll takes it again
      return false;
    }
    commit(partition, record.offset());
    blocksDone.incrementAndGet();
    return true;
  }

  /**
   * Commits past a block. A group that rebalanced while the block was checked refuses the commit: the partition is
   * another worker's now, which checks the block again; its results are already sent, and duplicates are ignored.
   */
  /**
   * This worker's part of the job's rate: its share of the blocks topic's partitions, so that the group's shares add
   * up to the job's rate. A worker counts as holding at least the partition its block came from.
   */
  static double shareOfRate(double jobRate, int assigned, int partitions) {
    int held = Math.max(1, assigned);
    return jobRate * held / Math.max(held, partitions);
  }

  private void commit(TopicPartition partition, long offset) {
    try {
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset + 1)));
    } catch (CommitFailedException | RebalanceInProgressException e) {
      say("worker: the group rebalanced during the block at " + partition + "@" + offset + "; it is checked again");
    }
  }

  /** Each result as the engine delivers it, sent at once; the sends' futures say whether the broker has them all. */
  private final class Sends implements ResultSink {
    private final Block block;
    private final Map<String, Block.Entry> byTarget;
    private final List<Future<?>> sent = new java.util.ArrayList<>();

    Sends(Block block, Map<String, Block.Entry> byTarget) {
      this.block = block;
      this.byTarget = byTarget;
    }

    @Override
    public void accept(ScanResult result) throws IOException {
      Block.Entry entry = byTarget.get(targetKey(result.target().host(),
          result.target().address() == null ? null : result.target().address().getHostAddress(), result.target().port()));
      if (entry == null) {
        throw new IOException("the engine returned a target not in block " + block.key());
      }
      ResultMessage message = new ResultMessage(JobRecorder.toStored(block.job(), entry.seq(), result,
          Clock.systemUTC().instant()));
      sent.add(producer.send(new ProducerRecord<>(Topics.RESULTS, message.recordKey(), message.toJson())));
      checked.incrementAndGet();
    }

    boolean allAcknowledged() throws InterruptedException {
      for (Future<?> f : sent) {
        try {
          f.get();
        } catch (ExecutionException e) {
          say("worker: a result of block " + block.key() + " was not acknowledged: " + FleetException.why(e));
          return false;
        }
      }
      return sent.size() == block.entries().size();
    }
  }

  private static String targetKey(String host, String address, int port) {
    return host + " " + address + " " + port;
  }

  private void say(String line) {
    synchronized (log) {
      log.println(line);
      log.flush();
    }
  }

  private static Properties consumerConfig(String broker) {
    Properties p = Topics.client(broker, "heartguard-worker");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.WORKERS);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1); // one block at a time: the unit of work and of redoing
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_BLOCK_TIME.toMillis());
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis() / 3);
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 << 20);
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  private static Properties producerConfig(String broker) {
    Properties p = Topics.client(broker, "heartguard-worker");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }
}
