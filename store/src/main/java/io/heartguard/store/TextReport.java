package io.heartguard.store;

import io.heartguard.scan.Verdict;
import java.io.PrintWriter;
import java.util.List;

/**
 * The summary {@code heartguard report} prints: counts by verdict, then by port, protocol and TLS version, then the
 * first vulnerable servers. Every stored string passes through {@link Text#printable} first: host names and
 * certificate subjects come from the network and could carry terminal escape sequences.
 */
final class TextReport {
  /** Rows per breakdown; the rest are summed into one line, so a scan of every port stays readable. */
  static final int MAX_ROWS = 20;
  private static final int MAX_KEY_WIDTH = 40;

  private TextReport() {}

  static void print(JobSummary summary, String databaseName, PrintWriter out) {
    Job job = summary.job();
    out.println("job " + job.id() + " in " + Text.printable(databaseName));
    out.println("  targets       " + Text.printable(job.targetSpec()) + " (seed " + job.seed() + ")");
    out.println("  status        " + status(summary, databaseName));
    out.println("  bytes leaked  " + summary.bytesLeaked() + " (counted, never stored)");
    out.println();
    out.printf("%-16s %10s%n", "verdict", "results");
    for (Verdict verdict : Verdict.values()) {
      out.printf("%-16s %10d%n", verdict.name(), summary.byVerdict().count(verdict));
    }
    out.printf("%-16s %10d%n", "total", summary.results());
    breakdown(out, "port", summary.byPort());
    breakdown(out, "protocol", summary.byProtocol());
    breakdown(out, "TLS version", summary.byTlsVersion());
    long vulnerable = summary.byVerdict().vulnerable();
    if (vulnerable > 0) {
      out.println();
      List<StoredResult> listed = summary.vulnerable().subList(0, Math.min(MAX_ROWS, summary.vulnerable().size()));
      out.println(listed.size() < vulnerable
          ? "vulnerable servers (first " + listed.size() + " of " + vulnerable + "):"
          : "vulnerable servers:");
      for (StoredResult r : listed) {
        out.println("  " + line(r));
      }
      if (summary.vulnerableWithOldCertificate() > 0) {
        out.println("  " + summary.vulnerableWithOldCertificate() + " of them serve a certificate issued before the"
            + " disclosure (2014-04-07): its private key may have leaked; revoke and replace it");
      }
    }
    out.flush();
  }

  static String status(JobSummary summary, String databaseName) {
    Job job = summary.job();
    String of = job.targetCount() == Job.UNKNOWN_COUNT ? "" : " of " + job.targetCount() + " targets";
    if (job.finished()) {
      return "finished " + job.finishedAt() + ", " + summary.results() + " results" + of;
    }
    return "not finished: " + summary.results() + " results" + of + ", last written " + job.updatedAt()
        + "; continue with --db " + Text.printable(databaseName) + " --resume " + job.id();
  }

  private static void breakdown(PrintWriter out, String title, List<Tally> tallies) {
    int width = title.length();
    for (Tally t : tallies.subList(0, Math.min(MAX_ROWS, tallies.size()))) {
      width = Math.max(width, Math.min(MAX_KEY_WIDTH, t.key().length()));
    }
    String row = "%-" + width + "s %10s %10s %14s %12s%n";
    out.println();
    out.printf(row, title, "total", "vulnerable", "not vulnerable", "inconclusive");
    for (int i = 0; i < tallies.size() && i < MAX_ROWS; i++) {
      Tally t = tallies.get(i);
      out.printf(row, Text.shorten(Text.printable(t.key()), MAX_KEY_WIDTH), t.total(), t.vulnerable(),
          t.notVulnerable(), t.inconclusive());
    }
    if (tallies.size() > MAX_ROWS) {
      List<Tally> rest = tallies.subList(MAX_ROWS, tallies.size());
      out.printf(row, "(" + rest.size() + " more)", rest.stream().mapToLong(Tally::total).sum(),
          rest.stream().mapToLong(Tally::vulnerable).sum(), rest.stream().mapToLong(Tally::notVulnerable).sum(),
          rest.stream().mapToLong(Tally::inconclusive).sum());
    }
  }

  private static String line(StoredResult r) {
    StringBuilder s = new StringBuilder(Text.printable(authority(r.host(), r.port())));
    if (r.address() != null && !r.address().equals(r.host())) {
      s.append(" (").append(Text.printable(r.address())).append(')');
    }
    s.append("  ").append(Text.printable(r.protocol()));
    if (r.tlsVersion() != null) {
      s.append(' ').append(Text.printable(r.tlsVersion()));
    }
    s.append("  ").append(r.bytesLeaked()).append(" bytes leaked");
    if (r.certificate() != null && !r.certificate().issuedAfterDisclosure()) {
      s.append("  certificate issued before the disclosure");
    }
    return s.toString();
  }

  static String authority(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
