package io.heartguard.fleet;

import io.heartguard.detect.EveTopic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code --eve-kafka}: each EVE line written here becomes one record of the topic. Lines wait in a bounded queue
 * that one sender thread empties into a Kafka producer, so a write never waits for the broker: when the queue is
 * full, or the producer gives a line up (the broker was down longer than {@link #DELIVERY_TIMEOUT}), the line is
 * dropped and counted. The producer reconnects by itself (Kafka's reconnect back-off) once the broker is back.
 */
public final class EveKafkaStream extends OutputStream {
  /** Lines held while the broker is away: at a few hundred bytes each, a few megabytes at most. */
  static final int QUEUE_LINES = 10_000;
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  /** How long close waits for the lines still queued to reach the broker. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  /** The longest line kept: EVE lines are well under a kilobyte; anything longer is cut off here. */
  private static final int MAX_LINE = 64 * 1024;
  private static final byte[] STOP = new byte[0];

  private final String destination;
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread sender;
  private boolean closed;

  /** The {@link EveTopic} that sensor and guard find with ServiceLoader. */
  public static final class Provider implements EveTopic {
    public Provider() {}

    @Override
    public OutputStream open(String destination) throws IOException {
      return new EveKafkaStream(destination);
    }
  }

  /** {@code destination} is HOST:PORT/TOPIC. */
  public EveKafkaStream(String destination) throws IOException {
    int slash = destination.lastIndexOf('/');
    if (slash <= 0 || slash == destination.length() - 1 || !destination.substring(slash + 1).matches("[A-Za-z0-9._-]{1,249}")) {
      throw new IOException("--eve-kafka takes HOST:PORT/TOPIC (a topic of letters, digits, . _ -), got " + destination);
    }
    this.destination = destination;
    this.topic = destination.substring(slash + 1);
    Properties p = Topics.client(destination.substring(0, slash), "heartguard-eve");
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // send() waits at most this long for the topic's metadata while the broker is away; only the sender thread waits.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 8L << 20);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try {
      this.producer = new KafkaProducer<>(p);
    } catch (KafkaException e) {
      throw new IOException("--eve-kafka " + destination + ": " + FleetException.why(e), e);
    }
    this.sender = Thread.ofPlatform().daemon().name("heartguard-eve-kafka").start(this::send);
  }

  /** Lines the broker acknowledged. */
  public long sent() {
    return sent.get();
  }

  /** Lines given up: the queue was full, or the broker did not take them in time. */
  public long dropped() {
    return dropped.get();
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      enqueue();
    } else if (line.size() < MAX_LINE) {
      line.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  private void enqueue() {
    byte[] record = line.toByteArray();
    line.reset();
    if (closed || record.length == 0) {
      return;
    }
    if (!queue.offer(record)) {
      dropped.incrementAndGet();
    }
  }

  private void send() {
    try {
      while (true) {
        byte[] record = queue.take();
        if (record == STOP) {
          return;
        }
        try {
          producer.send(new ProducerRecord<>(topic, record), (metadata, e) -> {
            if (e == null) {
              sent.incrementAndGet();
            } else {
              dropped.incrementAndGet();
            }
          });
        } catch (KafkaException e) {
          dropped.incrementAndGet(); // no metadata within max.block.ms: the broker is away
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends what is queued, waiting at most {@link #CLOSE_WAIT}; says on stderr how many lines were dropped. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    try {
      if (!queue.offer(STOP, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        sender.interrupt();
      }
      sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (sender.isAlive()) {
        sender.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (byte[] left = queue.poll(); left != null; left = queue.poll()) {
      if (left != STOP) {
        dropped.incrementAndGet();
      }
    }
    producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    if (dropped.get() > 0) {
      System.err.println("eve-kafka: " + dropped.get() + " alert lines not delivered to " + destination);
    }
  }
}
