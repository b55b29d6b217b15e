package io.heartguard.scan;

import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How one target is checked.
 *
 * @param timeout the whole check of one target, every version tried included
 * @param connectTimeout each TCP connect, within {@code timeout}
 * @param versions the versions to offer, in order; the next is tried when the server refuses one
 * @param dump where leaked memory goes when the check is allowed to read it (authorized testing only), or null
 * @param dumpRequests how many full-size requests a dump sends
 * @param starttls whether TLS starts at once or after a STARTTLS dialog, and which
 * @param afterHandshake whether the oracle runs inside a completed handshake, encrypted, instead of before it
 */
public record ScanOptions(Duration timeout, Duration connectTimeout, List<ProtocolVersion> versions, LeakDump dump,
    int dumpRequests, StartTlsMode starttls, boolean afterHandshake) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Newest first: the versions Heartbleed can be reached through over TCP. */
  public static final List<ProtocolVersion> ALL_VERSIONS =
      List.of(ProtocolVersion.TLS1_2, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_0, ProtocolVersion.SSL3_0);
  public static final int DEFAULT_DUMP_REQUESTS = 4;

  public ScanOptions {
    if (timeout.isNegative() || timeout.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive, got " + timeout + " and " + connectTimeout);
    }
    versions = List.copyOf(versions);
    if (versions.isEmpty() || !versions.stream().allMatch(ProtocolVersion::isTlsUpTo12)) {
      throw new IllegalArgumentException("versions must be a non-empty list of SSLv3..TLSv1.2, got " + versions);
    }
    if (dumpRequests < 0) {
      throw new IllegalArgumentException("dumpRequests must be at least 0, got " + dumpRequests);
    }
    if (starttls == null) {
      throw new IllegalArgumentException("starttls must be a mode, StartTlsMode.NONE for plain TLS");
    }
  }

  /** Heartbeats before the handshake completes, as the 2014 exploits sent them. */
  public ScanOptions(Duration timeout, Duration connectTimeout, List<ProtocolVersion> versions, LeakDump dump,
      int dumpRequests, StartTlsMode starttls) {
    this(timeout, connectTimeout, versions, dump, dumpRequests, starttls, false);
  }

  /** Plain TLS, as before STARTTLS existed. */
  public ScanOptions(Duration timeout, Duration connectTimeout, List<ProtocolVersion> versions, LeakDump dump,
      int dumpRequests) {
    this(timeout, connectTimeout, versions, dump, dumpRequests, StartTlsMode.NONE);
  }

  public static ScanOptions defaults() {
    return new ScanOptions(DEFAULT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, ALL_VERSIONS, null, DEFAULT_DUMP_REQUESTS);
  }

  public ScanOptions withTimeout(Duration newTimeout) {
    return new ScanOptions(newTimeout, connectTimeout.compareTo(newTimeout) > 0 ? newTimeout : connectTimeout,
        versions, dump, dumpRequests, starttls, afterHandshake);
  }

  public ScanOptions withConnectTimeout(Duration newConnectTimeout) {
    return new ScanOptions(timeout, newConnectTimeout, versions, dump, dumpRequests, starttls, afterHandshake);
  }

  public ScanOptions withVersions(List<ProtocolVersion> newVersions) {
    return new ScanOptions(timeout, connectTimeout, newVersions, dump, dumpRequests, starttls, afterHandshake);
  }

  public ScanOptions withDump(LeakDump newDump, int requests) {
    return new ScanOptions(timeout, connectTimeout, versions, newDump, requests, starttls, afterHandshake);
  }

  public ScanOptions withStartTls(StartTlsMode mode) {
    return new ScanOptions(timeout, connectTimeout, versions, dump, dumpRequests, mode, afterHandshake);
  }

  /** The oracle after a full handshake, its heartbeats encrypted (TLS 1.0 to 1.2 only). */
  public ScanOptions withAfterHandshake(boolean encrypted) {
    return new ScanOptions(timeout, connectTimeout, versions, dump, dumpRequests, starttls, encrypted);
  }

  public Optional<LeakDump> leakDump() {
    return Optional.ofNullable(dump);
  }
}
