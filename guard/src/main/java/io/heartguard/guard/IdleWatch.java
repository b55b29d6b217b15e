package io.heartguard.guard;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection when neither side has sent a byte for the idle timeout. It checks once per timeout, so a
 * connection goes between one and two timeouts after its last byte. Cheaper than Netty's IdleStateHandler, which
 * wraps the promise of every write to see it complete; here a read only sets a flag. Event loop only.
 */
final class IdleWatch implements Runnable {
  private final Channel front;
  private boolean activeSinceLastCheck = true;

  private IdleWatch(Channel front) {
    this.front = front;
  }

  static IdleWatch start(Channel front, Duration timeout) {
    IdleWatch watch = new IdleWatch(front);
    long nanos = timeout.toNanos();
    ScheduledFuture<?> task = front.eventLoop().scheduleAtFixedRate(watch, nanos, nanos, TimeUnit.NANOSECONDS);
    front.closeFuture().addListener(f -> task.cancel(false));
    return watch;
  }

  void touch() {
    activeSinceLastCheck = true;
  }

  @Override
  public void run() {
    if (!activeSinceLastCheck) {
      front.close(); // the relay closes the upstream side once this side is gone
    }
    activeSinceLastCheck = false;
  }
}
