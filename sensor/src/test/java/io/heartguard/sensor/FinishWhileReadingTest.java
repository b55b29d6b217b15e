package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ctrl-C on a live capture calls {@link Sensor#finish} from another thread while the reading thread waits on an input
 * that stays open: finish must hand over what the capture showed so far, packets held back included, and the packets
 * that arrive after it must not be decoded (they would write alerts to outputs already closed).
 */
class FinishWhileReadingTest {
  /** The pcap's global header: 24 bytes; its packet records follow. */
  private static final int PCAP_HEADER = 24;

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void finishFromAnotherThreadHandsOverWhatWasReadAndIgnoresWhatComesAfter() throws Exception {
    byte[] capture = Files.readAllBytes(Captures.pcaps().resolve("heartbleed.pcap"));
    byte[] sameRecordsAgain = Arrays.copyOfRange(capture, PCAP_HEADER, capture.length);
    OpenInput stdin = new OpenInput(capture, sameRecordsAgain);
    List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
    Sensor sensor = new Sensor(alerts::add); // --checksums auto: the first segments wait until the mode is decided
    Thread reader = Thread.ofPlatform().name("stdin-reader").start(() -> {
      try {
        sensor.read("stdin", stdin);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });

    stdin.awaitDrained();
    assertThat(alerts).as("held back while checksum offload is undecided").isEmpty();
    sensor.finish();
    assertThat(alerts).as("finish decodes what was held back").hasSize(1);
    long packets = sensor.stats().packets;

    stdin.release();
    reader.join();
    assertThat(sensor.stats().packets).as("the packets read after finish are not decoded").isEqualTo(packets);
    assertThat(alerts).hasSize(1);
    sensor.finish(); // the reading thread's own finish, at the end of its input, is then a no-op
    assertThat(alerts).hasSize(1);
  }

  /** A pipe that stays open: {@code first}, then nothing until released, then {@code later}, then its end. */
  private static final class OpenInput extends InputStream {
    private final byte[] first;
    private final byte[] later;
    private final CountDownLatch drained = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private int position;

    OpenInput(byte[] first, byte[] later) {
      this.first = first;
      this.later = later;
    }

    /** Returns once the reader has taken every byte of {@code first} and asks for more. */
    void awaitDrained() throws InterruptedException {
      drained.await();
    }

    void release() {
      released.countDown();
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (position == first.length) {
        drained.countDown();
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
      }
      byte[] source = position < first.length ? first : later;
      int at = position < first.length ? position : position - first.length;
      if (at >= source.length) {
        return -1;
      }
      int n = Math.min(len, source.length - at);
      System.arraycopy(source, at, b, off, n);
      position += n;
      return n;
    }
  }
}
