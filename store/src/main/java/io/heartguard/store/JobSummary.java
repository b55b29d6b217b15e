package io.heartguard.store;

import java.util.List;

/**
 * What a report shows about one job: exact counts from the database, broken down by verdict and by port, protocol
 * and TLS version (largest first), and the first vulnerable results.
 *
 * @param byVerdict one tally over all results, keyed "all"
 * @param vulnerableWithOldCertificate vulnerable results whose certificate was issued before the disclosure: their
 *     private key may have leaked, so the certificate needs replacing, not only the software
 * @param vulnerable the first vulnerable results in stream order, at most the limit asked for
 */
public record JobSummary(
    Job job,
    Tally byVerdict,
    long bytesLeaked,
    List<Tally> byPort,
    List<Tally> byProtocol,
    List<Tally> byTlsVersion,
    long vulnerableWithOldCertificate,
    List<StoredResult> vulnerable) {

  /** The key of a tally of results whose column is empty, such as the TLS version of a server that never answered. */
  public static final String NONE = "(none)";

  public JobSummary {
    byPort = List.copyOf(byPort);
    byProtocol = List.copyOf(byProtocol);
    byTlsVersion = List.copyOf(byTlsVersion);
    vulnerable = List.copyOf(vulnerable);
  }

  public long results() {
    return byVerdict.total();
  }
}
