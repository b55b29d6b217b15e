package io.heartguard.fleet;

import io.heartguard.scan.cli.ProgressLine;
import io.heartguard.scan.cli.ScanFleet;
import io.heartguard.store.JobRecorder;
import io.heartguard.scan.engine.ScanEngine;
import io.heartguard.store.StoreException;
import io.heartguard.store.StoredResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code heartguard scan --kafka}: walks the job's targets in the job's order, skipping those already stored, and
 * publishes them in blocks; reads the results topic and stores each target's first result, once. The job is done
 * when every published block has a result for each of its targets. At most {@link #blocksInFlight} blocks wait at
 * once, so a job of all IPv4 holds a few blocks in memory, not the space.
 *
 * <p>Its read position in the results topic is committed to Kafka (group {@code heartguard.coordinator.JOB}) only
 * after the results before it are committed to the database; a coordinator restarted with {@code --resume} reads on
 * from there and republishes every target the database does not hold (docs/DISTRIBUTED.md).
 */
public final class Coordinator implements ScanFleet {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long COMMIT_MILLIS = 1000;
  /** How long a shutdown hook waits for the database and the offsets to be committed. */
  private static final long FLUSH_MILLIS = 10_000;

  /** The blocks published and not yet complete: each target's result key, and how many keys each block still lacks. */
  private final Map<String, Long> waiting = new HashMap<>();
  private final Map<Long, Integer> missing = new HashMap<>();
  /**
   * Numbered targets the walk has not reached whose results this run already stored: results of blocks an earlier
   * run of the job published. The walk skips them. Behind the walk, a result whose key is not waiting is stored
   * already, so memory holds the blocks in flight and these, never the job's space.
   */
  private final Set<Long> storedAhead = new HashSet<>();
  /** Addresses of host names whose results this run stored: few, as names are. */
  private final Set<String> storedNames = new HashSet<>();
  /** Numbered targets the walk has passed: every position below it is published, stored or skipped as stored. */
  private long walked;
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong vulnerable = new AtomicLong();
  private long inconclusive;
  private volatile boolean stopping;
  private int partitions = Topics.DEFAULT_PARTITIONS;

  public Coordinator() {}

  @Override
  public int run(Job job) throws IOException, InterruptedException {
    String jobId = job.log().jobId();
    PrintWriter err = job.err();
    CheckSettings settings = CheckSettings.of(job.options(), job.protocol(), job.retries(), job.rate());
    CountDownLatch flushed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopping = true;
      try {
        flushed.await(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "heartguard-coordinator-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    long already = job.log().doneCount();
    try (JobRecorder recorder = recorder(job);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(job.broker(), jobId));
        KafkaConsumer<String, byte[]> results = new KafkaConsumer<>(consumerConfig(job.broker(), jobId));
        ProgressLine progress = job.progress() ? ProgressLine.start(err, () -> new ProgressLine.Counts(
            already + stored.get(), job.targets().sizeHint().orElse(-1), vulnerable.get())) : null) {
      Topics.ensure(job.broker(), Topics.DEFAULT_PARTITIONS, results);
      startReading(results);
      partitions = producer.partitionsFor(Topics.BLOCKS).size();
      int inFlight = Math.max(4, 2 * partitions);
      long blockNumber = 0;
      boolean exhausted = false;
      long lastCommit = System.nanoTime();
      while (!stopping && !(exhausted && missing.isEmpty())) {
        while (!exhausted && missing.size() < inFlight && !stopping) {
          List<Block.Entry> entries = new ArrayList<>();
          while (entries.size() < job.blockSize()) {
            Optional<ScanTarget> next = job.targets().next();
            if (next.isEmpty()) {
              exhausted = true;
              break;
            }
            ScanTarget target = next.get();
            long position = target.isName() ? Block.UNNUMBERED : walked++;
            Block.Entry entry = Block.Entry.of(position, target);
            boolean stored = position == Block.UNNUMBERED ? storedNames.contains(entry.resultKey())
                : storedAhead.remove(position);
            if (!stored && !recorder.contains(position, target)) {
              entries.add(entry);
            }
          }
          if (!entries.isEmpty()) {
            publish(producer, new Block(jobId, blockNumber++, settings, entries));
          }
        }
        for (ConsumerRecord<String, byte[]> record : results.poll(POLL)) {
          if (record.key() != null && record.key().startsWith(jobId + "/")) {
            accept(record, recorder, err);
          }
        }
        if (System.nanoTime() - lastCommit > TimeUnit.MILLISECONDS.toNanos(COMMIT_MILLIS)) {
          commit(recorder, results);
          lastCommit = System.nanoTime();
        }
      }
      commit(recorder, results);
      if (!stopping) {
        recorder.finish(walked);
      } else {
        err.println("\nscan: stopped; continue with: heartguard scan --kafka " + job.broker() + " --db "
            + job.database().name() + " --resume " + jobId);
      }
    } catch (KafkaException | ExecutionException e) {
      throw new FleetException("cannot run job " + jobId + " on " + job.broker() + ": " + FleetException.why(e), e);
    } finally {
      flushed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down (Ctrl-C): the hook is running and has just been released.
      }
    }
    err.println("scan: job " + jobId + ": " + stored.get() + " results stored" + (duplicates.get() == 0 ? ""
        : ", " + duplicates.get() + " duplicates from redone blocks ignored"));
    err.flush();
    return vulnerable.get() > 0 ? 1 : inconclusive > 0 ? 3 : 0;
  }

  private void publish(KafkaProducer<String, byte[]> producer, Block block) throws ExecutionException, InterruptedException {
    for (Block.Entry e : block.entries()) {
      waiting.put(e.resultKey(), block.number());
    }
    missing.put(block.number(), block.entries().size());
    // Waits for the broker's acknowledgement: a block the coordinator counts on is one the workers can read.
    // Round robin over the partitions rather than by the key's hash: a job of few blocks still gives every worker
    // its share, which a hash leaves to chance.
    int partition = (int) (block.number() % partitions);
    producer.send(new ProducerRecord<>(Topics.BLOCKS, partition, block.key(), block.toJson())).get();
  }

  private void accept(ConsumerRecord<String, byte[]> record, JobRecorder recorder, PrintWriter err) throws IOException {
    ResultMessage message;
    try {
      message = ResultMessage.parse(record.value());
    } catch (IOException e) {
      err.println("scan: skipped record at " + record.topic() + "/" + record.partition() + "@" + record.offset()
          + ": " + e.getMessage());
      return;
    }
    String key = message.key();
    if (!isNew(message.result(), key, recorder)) {
      duplicates.incrementAndGet();
      return;
    }
    recorder.write(message.result());
    if (!message.result().numbered()) {
      storedNames.add(key);
    } else if (!waiting.containsKey(key)) {
      storedAhead.add(message.result().sequence());
    }
    stored.incrementAndGet();
    if (message.result().verdict() == Verdict.VULNERABLE) {
      vulnerable.incrementAndGet();
    } else if (message.result().verdict() == Verdict.INCONCLUSIVE) {
      inconclusive++;
    }
    Long block = waiting.remove(key);
    if (block != null && missing.merge(block, -1, Integer::sum) == 0) {
      missing.remove(block);
    }
  }

  /**
   * Whether no result for this target is stored yet: it waits in a published block, or it is ahead of the walk and
   * neither this run nor an earlier one stored it; a name's address by this run's names and the database.
   */
  private boolean isNew(StoredResult r, String key, JobRecorder recorder) throws IOException {
    if (waiting.containsKey(key)) {
      return true;
    }
    if (r.numbered()) {
      return r.sequence() >= walked && !storedAhead.contains(r.sequence()) && !storedBefore(r, recorder);
    }
    return !storedNames.contains(key) && !storedBefore(r, recorder);
  }

  /** Whether an earlier run of the job stored this target: by the resume point, or for a name's address by asking. */
  private static boolean storedBefore(StoredResult r, JobRecorder recorder) throws IOException {
    ScanTarget target = new ScanTarget(r.targetInput(), r.host(),
        r.address() == null ? null : InetAddress.getByName(r.address()), r.port()); // a literal: no DNS lookup
    return recorder.contains(r.numbered() ? r.sequence() : ScanEngine.UNNUMBERED, target);
  }

  /**
   * The job's log as the store keeps it: results come back from workers already in their stored form, which only the
   * store's recorder takes (a build with the fleet module has the store).
   */
  private static JobRecorder recorder(Job job) {
    if (job.log() instanceof JobRecorder recorder) {
      return recorder;
    }
    throw new IllegalStateException("--kafka stores results through the store module's job recorder, not "
        + job.log().getClass().getName());
  }

  /** The database first, then the read position: a crash in between reads some results again, never skips one. */
  private static void commit(JobRecorder recorder, KafkaConsumer<String, byte[]> results) throws StoreException, IOException {
    recorder.flush();
    Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    for (TopicPartition p : results.assignment()) {
      positions.put(p, new OffsetAndMetadata(results.position(p)));
    }
    results.commitSync(positions);
  }

  /**
   * Reads every partition of the results topic from the job's committed position, or, for a job that has none,
   * from the end as it is now: before the first block is published, so no result of this job comes earlier.
   */
  private static void startReading(KafkaConsumer<String, byte[]> results) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : results.partitionsFor(Topics.RESULTS)) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    results.assign(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed = results.committed(Set.copyOf(partitions));
    List<TopicPartition> fresh = new ArrayList<>();
    for (TopicPartition p : partitions) {
      OffsetAndMetadata at = committed.get(p);
      if (at != null) {
        results.seek(p, at.offset());
      } else {
        fresh.add(p);
      }
    }
    results.seekToEnd(fresh);
    fresh.forEach(results::position); // resolves the end now, not at the first poll
  }

  private static Properties producerConfig(String broker, String jobId) {
    Properties p = Topics.client(broker, "heartguard-coordinator-" + jobId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  private static Properties consumerConfig(String broker, String jobId) {
    Properties p = Topics.client(broker, "heartguard-coordinator-" + jobId);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "heartguard.coordinator." + jobId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    // No longer than a poll: closing waits for the fetch in flight, and the job's end should not wait 500 ms for it.
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) POLL.toMillis());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }
}
