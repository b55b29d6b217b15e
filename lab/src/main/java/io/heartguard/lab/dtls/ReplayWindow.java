package io.heartguard.lab.dtls;

/**
 * The anti-replay window of RFC 6347 section 4.1.2.6, 64 records wide, as OpenSSL's dtls1_record_replay_check keeps
 * it: a record whose sequence number was seen, or lies left of the window, is discarded silently.
 */
final class ReplayWindow {
  static final int WIDTH = 64;

  private long highest = -1;
  /** Bit i set: sequence number highest - i was seen. */
  private long seen;

  /** Whether a record with {@code sequenceNumber} is fresh; marks it seen when it is. */
  boolean accept(long sequenceNumber) {
    if (sequenceNumber > highest) {
      long shift = highest < 0 ? WIDTH : sequenceNumber - highest;
      seen = shift >= WIDTH ? 1L : (seen << shift) | 1L;
      highest = sequenceNumber;
      return true;
    }
    long age = highest - sequenceNumber;
    if (age >= WIDTH || (seen & (1L << age)) != 0) {
      return false;
    }
    seen |= 1L << age;
    return true;
  }
}
