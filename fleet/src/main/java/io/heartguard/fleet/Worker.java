package io.heartguard.fleet;

import io.heartguard.scan.ScanResult;
import io.heartguard.store.JobRecorder;
import io.heartguard.scan.engine.RateLimiter;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.scan.engine.ScanEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code heartguard worker}: one member of the workers' consumer group. Takes blocks from its partitions, checks
 * their targets with scan's engine, sends one result per target, and commits a block's offset only once the broker
 * has acknowledged every one of its results, and those of the blocks before it on its partition (at-least-once). A
 * worker that dies before that commit loses nothing: the group gives its partitions to the others, and each
 * uncommitted block is checked again from its start.
 *
 * <p>The worker keeps the next block's targets queued while it checks the current one's ({@link BlockFeed}), so its
 * {@code --concurrency} slots stay busy across blocks instead of idling while a block's slowest targets finish; it
 * holds at most {@link #MAX_BLOCKS_IN_HAND} uncommitted blocks. Two threads: this one polls, commits and follows the
 * group; the other runs the engine.
 *
 * <p>{@code --rate} is the whole job's: this worker takes the share of the blocks topic's partitions it is assigned,
 * recomputed whenever its assignment changes, so the group's rates add up to the job's whatever its size
 * (docs/DISTRIBUTED.md).
 *
 * <p>The group rebalances cooperatively: a worker that joins or leaves moves only the partitions that must move,
 * and the others check on. A worker that loses a partition commits its finished blocks and abandons the rest, which
 * the new owner checks again.
 *
 * <p>{@link #stop()} (SIGTERM) hands the unfinished blocks back: checks in flight finish within the engine's grace,
 * finished blocks are committed, and leaving the group moves the partitions to other workers at once.
 */
public final class Worker implements Runnable {
  /** A member not heard from for this long is presumed dead and its partitions move (Kafka's session timeout). */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
  /** A worker whose polling thread is stuck this long is presumed dead and its partitions move. */
  static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(5);
  /** Uncommitted blocks a worker holds at most: bounds what its death leaves to be checked again. */
  static final int MAX_BLOCKS_IN_HAND = 4;
  /** How long a poll waits for a block when the worker wants one. */
  private static final Duration POLL = Duration.ofMillis(500);
  /**
   * How long a poll waits while the worker has enough queued: the pace of its commits and group duties. The queue
   * holds at least --concurrency targets, which last a check's round trips, longer than this.
   */
  private static final Duration BUSY_POLL = Duration.ofMillis(50);

  private final String broker;
  private final int concurrency;
  private final PrintWriter log;
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final BlockFeed feed = new BlockFeed();
  /** Blocks taken and not yet committed, by partition, in offset order. Only the polling thread touches it. */
  private final Map<TopicPartition, ArrayDeque<TakenBlock>> inHand = new HashMap<>();
  private final AtomicLong blocksDone = new AtomicLong();
  private final AtomicLong checked = new AtomicLong();
  private volatile boolean stopping;
  private volatile ScanEngine current;
  private volatile int partitionCount = Topics.DEFAULT_PARTITIONS;
  private volatile int partitionsHeld;

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
    Thread checks = Thread.ofPlatform().name("heartguard-worker-checks").start(this::check);
    try {
      partitionCount = consumer.partitionsFor(Topics.BLOCKS).size();
      consumer.subscribe(List.of(Topics.BLOCKS), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          commitFinished();
          handBack(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          handBack(partitions); // the group has moved on: no commit would be taken
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          partitionsHeld = consumer.assignment().size();
          say("worker: assigned " + partitionsHeld + " of " + partitionCount + " partitions");
        }
      });
      while (!stopping) {
        commitFinished();
        redoFailed();
        boolean wanting = feed.untaken() < concurrency && blocksInHand() < MAX_BLOCKS_IN_HAND;
        if (wanting) {
          consumer.resume(consumer.paused());
        } else {
          consumer.pause(consumer.assignment());
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(wanting ? POLL : BUSY_POLL)) {
          take(record);
        }
      }
    } catch (WakeupException e) {
      // stop() woke a poll up: leave.
    } catch (RuntimeException e) {
      say("worker: " + FleetException.why(e));
    } finally {
      stopping = true;
      feed.close();
      stopEngine();
      try {
        checks.join();
        producer.flush();
        commitFinished();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (WakeupException e) {
        // stop() during the last commit: those blocks are checked again.
      } catch (RuntimeException e) {
        say("worker: " + FleetException.why(e));
      }
      producer.close();
      consumer.close(); // leaves the group: uncommitted blocks go to another worker now, not after a timeout
      say("worker: stopped after " + blocksDone.get() + " blocks, " + checked.get() + " checks");
    }
  }

  /** Hands the unfinished blocks back and stops; safe from any thread (a shutdown hook). */
  public void stop() {
    stopping = true;
    feed.close();
    stopEngine();
    consumer.wakeup();
  }

  private void stopEngine() {
    ScanEngine engine = current;
    if (engine != null) {
      engine.stop();
    }
  }

  /**
   * The engine's thread: one engine per run of blocks with the same settings and share of the rate, until stopped.
   * A failure here (a result the sink cannot take) stops the worker: its unfinished blocks go to others.
   */
  private void check() {
    try {
      for (Optional<BlockFeed.Segment> next = feed.nextSegment(() -> partitionsHeld); next.isPresent();
          next = feed.nextSegment(() -> partitionsHeld)) {
        CheckSettings settings = next.get().settings();
        ScanEngine engine = new ScanEngine(settings.scanner(), settings.options(), concurrency)
            .retries(settings.retries(), ScanEngine.DEFAULT_BACKOFF);
        if (settings.rate() > 0) {
          engine.rate(RateLimiter.perSecond(shareOfRate(settings.rate(), next.get().partitionsHeld(), partitionCount)));
        }
        current = engine;
        if (stopping) {
          engine.stop();
        }
        try {
          engine.run(feed.source(next.get(), () -> partitionsHeld), new Sends());
        } finally {
          current = null;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      say("worker: " + FleetException.why(e));
      stop();
    }
  }

  private void take(ConsumerRecord<String, byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    TakenBlock taken;
    try {
      Block block = Block.parse(record.value());
      say("worker: block " + block.key() + ": " + block.entries().size() + " targets");
      taken = new TakenBlock(partition, record.offset(), block);
    } catch (IOException e) {
      say("worker: skipped record " + partition + "@" + record.offset() + ": " + e.getMessage());
      taken = TakenBlock.empty(partition, record.offset()); // committed in its turn, after the blocks before it
    }
    inHand.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(taken);
    feed.add(taken);
  }

  private int blocksInHand() {
    int n = 0;
    for (ArrayDeque<TakenBlock> blocks : inHand.values()) {
      n += blocks.size();
    }
    return n;
  }

  /**
   * Commits each partition past its finished blocks, up to the first unfinished one. A group that rebalanced since
   * refuses the commit: the partition is another worker's now, which checks those blocks again; their results are
   * already sent, and duplicates are ignored.
   */
  private void commitFinished() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    Map<TopicPartition, Integer> counts = new HashMap<>();
    for (Map.Entry<TopicPartition, ArrayDeque<TakenBlock>> e : inHand.entrySet()) {
      List<TakenBlock> finished = TakenBlock.finishedFirst(e.getValue());
      if (!finished.isEmpty()) {
        offsets.put(e.getKey(), new OffsetAndMetadata(finished.getLast().offset + 1));
        counts.put(e.getKey(), finished.size());
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      counts.values().forEach(n -> blocksDone.addAndGet(n));
    } catch (RebalanceInProgressException e) {
      return; // committed at the next turn, or by onPartitionsRevoked before the partitions move
    } catch (CommitFailedException e) {
      say("worker: the group rebalanced before " + counts.values().stream().mapToInt(Integer::intValue).sum()
          + " finished blocks were committed; they are checked again");
    }
    counts.forEach((p, n) -> {
      ArrayDeque<TakenBlock> blocks = inHand.get(p);
      for (int i = 0; i < n; i++) {
        blocks.removeFirst();
      }
    });
  }

  /** A block with a result the broker never took: it and the blocks after it on its partition are taken again. */
  private void redoFailed() {
    for (Map.Entry<TopicPartition, ArrayDeque<TakenBlock>> e : List.copyOf(inHand.entrySet())) {
      for (TakenBlock b : e.getValue()) {
        if (b.failed()) {
          say("worker: block " + b.block.key() + " handed back: a result was not acknowledged");
          handBack(List.of(e.getKey()));
          consumer.seek(e.getKey(), b.offset);
          break;
        }
      }
    }
  }

  private void handBack(Collection<TopicPartition> partitions) {
    for (TopicPartition p : partitions) {
      ArrayDeque<TakenBlock> blocks = inHand.remove(p);
      if (blocks != null) {
        blocks.forEach(feed::abandon);
      }
    }
  }

  /**
   * This worker's part of the job's rate: its share of the blocks topic's partitions, so that the group's shares add
   * up to the job's rate. A worker counts as holding at least the partition its block came from.
   */
  static double shareOfRate(double jobRate, int assigned, int partitions) {
    int held = Math.max(1, assigned);
    return jobRate * held / Math.max(held, partitions);
  }

  /** Each result as the engine delivers it, sent at once; each acknowledgement counts towards its block. */
  private final class Sends implements ResultSink {
    @Override
    public void accept(ScanResult result) throws IOException {
      BlockFeed.Handed handed = feed.resultOf(result.target());
      TakenBlock taken = handed.taken();
      checked.incrementAndGet();
      if (taken.abandoned()) {
        return; // its partition moved: the new owner checks the whole block again
      }
      ResultMessage message = new ResultMessage(JobRecorder.toStored(taken.block.job(), handed.entry().seq(), result,
          Clock.systemUTC().instant()));
      try {
        producer.send(new ProducerRecord<>(Topics.RESULTS, message.recordKey(), message.toJson()),
            (metadata, failure) -> {
              if (failure != null) {
                say("worker: a result of block " + taken.block.key() + " was not acknowledged: "
                    + FleetException.why(failure));
              }
              taken.acknowledged(failure);
            });
      } catch (KafkaException e) {
        say("worker: a result of block " + taken.block.key() + " was not sent: " + FleetException.why(e));
        taken.acknowledged(e);
      }
    }
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
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1); // one block per poll: the worker decides when it wants the next
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) MAX_POLL_INTERVAL.toMillis());
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis() / 3);
    // Incremental rebalancing: a worker joining or leaving moves only the partitions that change hands.
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
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
