package io.heartguard.lab;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A log sink that a test can wait on: {@link #await} blocks until a line containing some text was written, so a
 * test synchronises on the server's own report instead of sleeping.
 */
final class LogLines extends OutputStream {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition lineWritten = lock.newCondition();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final List<String> lines = new ArrayList<>();

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    lock.lock();
    try {
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          lines.add(partial.toString(StandardCharsets.UTF_8));
          partial.reset();
          lineWritten.signalAll();
        } else {
          partial.write(b[i]);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The first line containing {@code text}, waiting up to {@code timeoutMillis} for it to be written. */
  String await(String text, long timeoutMillis) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lock();
    try {
      while (true) {
        for (String line : lines) {
          if (line.contains(text)) {
            return line;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("no log line containing " + text + " within " + timeoutMillis + " ms; got " + lines);
        }
        lineWritten.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  List<String> lines() {
    lock.lock();
    try {
      return List.copyOf(lines);
    } finally {
      lock.unlock();
    }
  }
}
