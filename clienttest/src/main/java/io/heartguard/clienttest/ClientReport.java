package io.heartguard.clienttest;

import io.heartguard.scan.Verdict;
import java.util.List;
import java.util.Objects;

/**
 * What client-test found about one client. Fields the client never sent (it left before a ClientHello) are null or
 * empty. {@code bytesLeaked} counts bytes the client returned from past our request; they are never stored.
 *
 * @param address the client's address and port, "127.0.0.1:40312"
 * @param ja3 the JA3 string of its ClientHello, null without one
 * @param ja3Md5 the JA3 hash
 * @param versions client_version and any supported_versions, as "TLSv1.2"
 * @param cipherSuites offered suites as "0x002f", in the client's order
 * @param serverName the SNI host name, null without one
 * @param heartbeatOffered whether the ClientHello carried the heartbeat extension
 * @param starttls the dialog run before TLS, null for plain TLS
 */
public record ClientReport(String address, String ja3, String ja3Md5, List<String> versions, List<String> cipherSuites,
    String serverName, boolean heartbeatOffered, String starttls, Verdict verdict, String reason, long bytesLeaked) {
  public ClientReport {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(reason, "reason");
    versions = List.copyOf(versions);
    cipherSuites = List.copyOf(cipherSuites);
  }

  /** --once's exit code: 0 NOT_VULNERABLE, 1 VULNERABLE, 3 INCONCLUSIVE (2 is for usage errors). */
  public int exitCode() {
    return switch (verdict) {
      case NOT_VULNERABLE -> 0;
      case VULNERABLE -> 1;
      case INCONCLUSIVE -> 3;
    };
  }
}
