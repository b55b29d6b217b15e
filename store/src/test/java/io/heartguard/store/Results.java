package io.heartguard.store;

import io.heartguard.scan.Verdict;
import java.time.Instant;
import java.util.Random;

/** Stored results for tests, made from a seed so a failure can be replayed. */
final class Results {
  static final Instant CHECKED_AT = Instant.parse("2026-03-01T12:00:00.123Z");
  /** A certificate issued before the disclosure (2014-04-07): its key may have leaked. */
  static final StoredCertificate OLD_CERTIFICATE = new StoredCertificate("CN=old.example", "CN=Test CA,O=Example",
      Instant.parse("2013-06-01T00:00:00Z"), Instant.parse("2015-06-01T00:00:00Z"), false);
  static final StoredCertificate NEW_CERTIFICATE = new StoredCertificate("CN=new.example,O=\"Quote & Co\"",
      "CN=Test CA,O=Example", Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2026-12-31T23:59:59.999Z"), true);
  static final String[] PROTOCOLS = {"tls", "smtp", "imap", "dtls"};
  static final String[] VERSIONS = {"TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3"};
  static final int[] PORTS = {443, 8443, 25, 993};

  private Results() {}

  static StoredResult vulnerable(String job, long sequence, String host) {
    return new StoredResult(job, sequence, host + ":443", host, 443, "192.0.2." + (sequence % 250 + 1), "tls",
        "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "peer_allowed_to_send", Verdict.VULNERABLE,
        "the echo held 16 bytes past our payload", 16, OLD_CERTIFICATE, 42, CHECKED_AT);
  }

  /** A result whose every optional field is empty: the check stopped before resolution. */
  static StoredResult unresolved(String job, long sequence, String host) {
    return new StoredResult(job, sequence, host, host, 443, null, "tls", null, null, null, Verdict.INCONCLUSIVE,
        "unknown host " + host, 0, null, 3, CHECKED_AT);
  }

  /** A varied result drawn from {@code random}: verdict, port, protocol and version all vary. */
  static StoredResult random(String job, long sequence, Random random) {
    Verdict verdict = Verdict.values()[random.nextInt(Verdict.values().length)];
    int port = PORTS[random.nextInt(PORTS.length)];
    String protocol = PROTOCOLS[random.nextInt(PROTOCOLS.length)];
    String version = random.nextInt(5) == 0 ? null : VERSIONS[random.nextInt(VERSIONS.length)];
    String host = "host" + sequence + ".example";
    StoredCertificate certificate = random.nextBoolean() ? OLD_CERTIFICATE : random.nextBoolean() ? NEW_CERTIFICATE : null;
    long leaked = verdict == Verdict.VULNERABLE ? 1 + random.nextInt(65_535) : 0;
    return new StoredResult(job, sequence, host + ":" + port, host, port, "198.51.100." + random.nextInt(256),
        protocol, version, version == null ? null : "TLS_RSA_WITH_AES_128_CBC_SHA", version == null ? null : "peer_allowed_to_send",
        verdict, "reason " + sequence, leaked, certificate, random.nextInt(5_000), CHECKED_AT.plusMillis(sequence));
  }
}
