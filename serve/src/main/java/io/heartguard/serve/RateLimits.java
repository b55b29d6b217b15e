package io.heartguard.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets by key (a client address, a target): {@code perMinute} tokens refill evenly over a minute, a burst
 * of at most {@code perMinute}. The map holds at most {@code maxKeys} buckets; the least recently used goes first,
 * and a bucket that went unused for a minute is full again anyway, so evicting it loses nothing.
 */
final class RateLimits {
  private final double perNano;
  private final double capacity;
  private final int maxKeys;
  private final Map<String, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long updated;
  }

  RateLimits(int perMinute, int maxKeys) {
    this.capacity = perMinute;
    this.perNano = perMinute / 60e9;
    this.maxKeys = maxKeys;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > RateLimits.this.maxKeys;
      }
    };
  }

  /** Takes one token for {@code key}: 0 when granted, else the seconds until one will be there (for Retry-After). */
  synchronized long take(String key, long nowNanos) {
    Bucket b = buckets.get(key);
    if (b == null) {
      b = new Bucket();
      b.tokens = capacity;
      b.updated = nowNanos;
      buckets.put(key, b);
    }
    b.tokens = Math.min(capacity, b.tokens + (nowNanos - b.updated) * perNano);
    b.updated = nowNanos;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e9));
  }

  synchronized int size() {
    return buckets.size();
  }
}
