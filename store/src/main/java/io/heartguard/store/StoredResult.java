package io.heartguard.store;

import io.heartguard.scan.Verdict;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One checked target of a job, as stored: the fields of the scanner's {@code ScanResult} that a report needs (never
 * leaked bytes, only their count), plus the job and the target's position in the job's target stream.
 *
 * @param sequence the target's 0-based position in the job's reproducible target stream (below
 *     {@link #UNNUMBERED_BASE}), which {@link ResumePoint} counts in; or {@link #UNNUMBERED} for a target outside
 *     that stream, such as an address a host name resolved to, and the writer gives it a key from
 *     {@link #UNNUMBERED_BASE} up (see docs/STORE.md)
 * @param targetInput the target as the user wrote it
 * @param address the resolved address, or null when resolution failed
 * @param protocol {@code tls}, a STARTTLS name such as {@code smtp}, or {@code dtls}
 * @param tlsVersion the version the server chose (for example {@code TLSv1.2}), or null before a ServerHello
 * @param cipher the cipher suite the server chose, or null before a ServerHello
 * @param heartbeatMode the announced RFC 6520 mode (for example {@code peer_allowed_to_send}), or null when none
 * @param certificate the leaf certificate's facts, or null when none was seen
 * @param elapsedMillis time the check took
 * @param checkedAt when the check finished (kept to the millisecond, as stored)
 */
public record StoredResult(
    String jobId,
    long sequence,
    String targetInput,
    String host,
    int port,
    String address,
    String protocol,
    String tlsVersion,
    String cipher,
    String heartbeatMode,
    Verdict verdict,
    String reason,
    long bytesLeaked,
    StoredCertificate certificate,
    long elapsedMillis,
    Instant checkedAt) {

  /** The sequence of a target that is not at a reproducible position; resumed jobs find it with isDone. */
  public static final long UNNUMBERED = -1;
  /** Keys from here up belong to unnumbered targets: far above any stream (the target walk stops at 2^40). */
  public static final long UNNUMBERED_BASE = 1L << 62;

  public StoredResult {
    Job.requireValidId(jobId);
    if (sequence < UNNUMBERED) {
      throw new IllegalArgumentException("sequence must be at least 0, or UNNUMBERED, got " + sequence);
    }
    Objects.requireNonNull(targetInput, "targetInput");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(verdict, "verdict");
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("a result needs a reason");
    }
    if (bytesLeaked < 0 || elapsedMillis < 0) {
      throw new IllegalArgumentException("bytesLeaked and elapsedMillis cannot be negative, got "
          + bytesLeaked + " and " + elapsedMillis);
    }
    checkedAt = checkedAt.truncatedTo(ChronoUnit.MILLIS); // stored as milliseconds
  }

  /** Whether this target holds a position in the job's reproducible stream. */
  public boolean numbered() {
    return sequence != UNNUMBERED && sequence < UNNUMBERED_BASE;
  }

  StoredResult withSequence(long key) {
    return new StoredResult(jobId, key, targetInput, host, port, address, protocol, tlsVersion, cipher, heartbeatMode,
        verdict, reason, bytesLeaked, certificate, elapsedMillis, checkedAt);
  }
}
