package io.heartguard.lab;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * How {@code heartguard lab --honeypot} serves scanners: the per-run secret that derives each source's canary
 * credentials, and the byte budgets that keep it from being used as a traffic amplifier (a 3-byte request buys up to
 * 64 KiB of answer from a 1.0.1f peer). Budgets count heartbeat response bytes, per source address and for the whole
 * server (shared by all sources), over any second and any minute however placed; over any of them the honeypot stops
 * answering heartbeats.
 */
public record HoneypotOptions(byte[] secret, long sourceBytesPerSecond, long sourceBytesPerMinute,
    long globalBytesPerSecond, long globalBytesPerMinute) {
  /**
   * Eight 16 KiB leaks per second from one source (nmap, testssl, sslscan and masscan each ask 16 KiB per protocol
   * version, sslscan three versions within a second), or two of Metasploit's 64 KiB ones.
   */
  public static final long DEFAULT_SOURCE_BYTES_PER_SECOND = 8 * 16 * 1024;
  /** A few full scans per minute: 2 MiB. */
  public static final long DEFAULT_SOURCE_BYTES_PER_MINUTE = 2 * 1024 * 1024;
  /** 1 MiB/s for everyone together: an 8-byte request buys 16 KiB, so the cap, not the attacker, bounds the output. */
  public static final long DEFAULT_GLOBAL_BYTES_PER_SECOND = 1024 * 1024;
  public static final long DEFAULT_GLOBAL_BYTES_PER_MINUTE = 16 * 1024 * 1024;

  public HoneypotOptions {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException("the canary secret must be at least 16 bytes, got "
          + (secret == null ? "none" : secret.length));
    }
    secret = secret.clone();
    if (sourceBytesPerSecond < 0 || sourceBytesPerMinute < 0 || globalBytesPerSecond < 0 || globalBytesPerMinute < 0) {
      throw new IllegalArgumentException("byte budgets must be 0 or more, got " + sourceBytesPerSecond + "/s, "
          + sourceBytesPerMinute + "/min per source, " + globalBytesPerSecond + "/s, " + globalBytesPerMinute + "/min in all");
    }
  }

  /** A fresh random secret (so canaries differ per run) and the default budgets. */
  public static HoneypotOptions defaults() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new HoneypotOptions(secret, DEFAULT_SOURCE_BYTES_PER_SECOND, DEFAULT_SOURCE_BYTES_PER_MINUTE,
        DEFAULT_GLOBAL_BYTES_PER_SECOND, DEFAULT_GLOBAL_BYTES_PER_MINUTE);
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  public HoneypotOptions withSecret(byte[] newSecret) {
    return new HoneypotOptions(newSecret, sourceBytesPerSecond, sourceBytesPerMinute, globalBytesPerSecond,
        globalBytesPerMinute);
  }

  public HoneypotOptions withSourceLimits(long bytesPerSecond, long bytesPerMinute) {
    return new HoneypotOptions(secret, bytesPerSecond, bytesPerMinute, globalBytesPerSecond, globalBytesPerMinute);
  }

  public HoneypotOptions withGlobalLimits(long bytesPerSecond, long bytesPerMinute) {
    return new HoneypotOptions(secret, sourceBytesPerSecond, sourceBytesPerMinute, bytesPerSecond, bytesPerMinute);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HoneypotOptions h && Arrays.equals(secret, h.secret)
        && sourceBytesPerSecond == h.sourceBytesPerSecond && sourceBytesPerMinute == h.sourceBytesPerMinute
        && globalBytesPerSecond == h.globalBytesPerSecond && globalBytesPerMinute == h.globalBytesPerMinute;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(secret) * 31 + Long.hashCode(sourceBytesPerSecond ^ globalBytesPerMinute);
  }

  @Override
  public String toString() {
    return "HoneypotOptions[secret=(" + secret.length + " bytes), source " + sourceBytesPerSecond + " B/s "
        + sourceBytesPerMinute + " B/min, global " + globalBytesPerSecond + " B/s " + globalBytesPerMinute + " B/min]";
  }
}
