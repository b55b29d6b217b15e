package io.heartguard.scan;

import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.util.List;

/**
 * The outcome of checking one target. The verdict is never null and always comes with its reason; evidence lists
 * what was seen on the wire, in order, and never contains leaked bytes. Fields the check did not get that far to
 * learn are null: {@code address} before resolution, {@code tlsVersion}, {@code cipher} before a ServerHello,
 * {@code certificate} when none was sent or it did not parse, {@code dump} unless a dump was asked for.
 *
 * @param heartbeat the mode the server announced in its heartbeat extension, or null when it sent none
 * @param bytesLeaked bytes the server returned from past our requests (counted, never kept)
 * @param warnings advice beyond the verdict, for example a certificate that predates the disclosure
 * @param protocol how TLS was reached: {@value #PLAIN_TLS} directly, or the STARTTLS protocol's name (smtp, imap, ...)
 * @param failure why there is no verdict: {@link Failure#NONE} exactly when the verdict is VULNERABLE or NOT_VULNERABLE
 */
public record ScanResult(
    ScanTarget target,
    String address,
    ProtocolVersion tlsVersion,
    String cipher,
    HeartbeatMode heartbeat,
    Verdict verdict,
    String reason,
    List<String> evidence,
    long bytesLeaked,
    CertificateFacts certificate,
    DumpSummary dump,
    List<String> warnings,
    long elapsedMillis,
    String protocol,
    Failure failure) {
  /** The protocol of a check that spoke TLS from the first byte. */
  public static final String PLAIN_TLS = "tls";

  public ScanResult {
    if (verdict == null || reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("a result needs a verdict and a reason");
    }
    if (protocol == null || protocol.isEmpty()) {
      throw new IllegalArgumentException("a result needs a protocol, " + PLAIN_TLS + " for plain TLS");
    }
    if (failure == null || (failure == Failure.NONE) != (verdict != Verdict.INCONCLUSIVE)) {
      throw new IllegalArgumentException("a " + verdict + " result has failure kind " + failure + ", expected "
          + (verdict == Verdict.INCONCLUSIVE ? "one other than NONE" : "NONE"));
    }
    evidence = List.copyOf(evidence);
    warnings = List.copyOf(warnings);
  }

  /** The same result, timed as {@code elapsedMillis}: the whole time of a check and its retries. */
  public ScanResult withElapsedMillis(long elapsedMillis) {
    return new ScanResult(target, address, tlsVersion, cipher, heartbeat, verdict, reason, evidence, bytesLeaked,
        certificate, dump, warnings, elapsedMillis, protocol, failure);
  }

  /** RFC 6520 section 2's name for a heartbeat mode, as reports print it. */
  public static String modeName(HeartbeatMode mode) {
    return switch (mode) {
      case PEER_ALLOWED_TO_SEND -> "peer_allowed_to_send";
      case PEER_NOT_ALLOWED_TO_SEND -> "peer_not_allowed_to_send";
      case UNKNOWN -> "unknown";
    };
  }
}
