package io.heartguard.scan.dtls;

import java.time.Duration;

/**
 * The retransmission timer of RFC 6347 section 4.2.4: a flight unanswered after {@code initial} is sent again and
 * the timer doubled, up to {@code maxTransmissions} sends in all (and never past the check's deadline). The same
 * timer guards the heartbeat requests, which UDP may lose as well.
 */
public record Retransmission(Duration initial, int maxTransmissions) {
  /** RFC 6347 section 4.2.4.1: "an initial timer value of 1 second". */
  public static final Duration RFC_INITIAL = Duration.ofSeconds(1);
  /** RFC 6347 section 4.2.4.1: the timer doubles up to at least 60 seconds; ours stops at this. */
  static final Duration MAX_TIMER = Duration.ofSeconds(60);
  /** Sends of one flight: 1 + 2 + 4 + 8 s of waiting at the RFC's pace, more than the default deadline allows. */
  public static final int DEFAULT_MAX_TRANSMISSIONS = 5;

  public Retransmission {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial retransmission timer must be positive, got " + initial);
    }
    if (maxTransmissions < 1 || maxTransmissions > 16) {
      throw new IllegalArgumentException("maxTransmissions must be 1..16, got " + maxTransmissions);
    }
  }

  public static Retransmission rfc6347() {
    return new Retransmission(RFC_INITIAL, DEFAULT_MAX_TRANSMISSIONS);
  }

  /** The timer after {@code sends} transmissions: initial, doubled for each one after the first, capped. */
  long timerNanos(int sends) {
    long nanos = initial.toNanos() << Math.min(30, Math.max(0, sends - 1));
    return Math.min(nanos, MAX_TIMER.toNanos());
  }
}
