package io.heartguard.scan.cli;

import io.heartguard.scan.CertificateFacts;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Target;
import io.heartguard.scan.engine.ResultSink;
import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The default output: one row per target in the order given, then the certificate of each and any warnings; with
 * {@code evidence}, what was seen on the wire under each. Rows are printed on close, once every column's width is
 * known.
 */
final class TableReport implements ResultSink {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final String[] HEADER = {"TARGET", "VERDICT", "TLS", "PROTOCOL", "CIPHER", "HEARTBEAT", "LEAKED", "TIME", "REASON"};

  private final PrintWriter out;
  private final Comparator<Target> order;
  private final boolean evidence;
  private final List<ScanResult> results = new ArrayList<>();

  TableReport(PrintWriter out, Comparator<Target> order, boolean evidence) {
    this.out = out;
    this.order = order;
    this.evidence = evidence;
  }

  @Override
  public void accept(ScanResult result) {
    results.add(result);
  }

  @Override
  public void close() {
    results.sort(Comparator.comparing(ScanResult::target, order));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (ScanResult r : results) {
      rows.add(new String[] {
          label(r.target()),
          r.verdict().name(),
          r.tlsVersion() == null ? "-" : r.tlsVersion().displayName(),
          r.protocol(),
          r.cipher() == null ? "-" : r.cipher(),
          r.heartbeat() == null ? (r.tlsVersion() == null ? "-" : "absent") : ScanResult.modeName(r.heartbeat()),
          r.bytesLeaked() + " B",
          r.elapsedMillis() + " ms",
          r.reason()});
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
      }
      out.println(line.toString().stripTrailing());
    }
    for (ScanResult r : results) {
      CertificateFacts c = r.certificate();
      if (c != null) {
        out.println(label(r.target()) + ": certificate " + c.subject() + ", issued by " + c.issuer() + ", valid "
            + DAY.format(c.notBefore()) + " to " + DAY.format(c.notAfter())
            + (c.issuedAfterDisclosure() ? ", issued after the disclosure" : ", issued BEFORE the disclosure"));
      }
      if (r.dump() != null) {
        out.println(label(r.target()) + ": dump: " + r.dump().bytes() + " bytes from " + r.dump().responses()
            + " responses written to the dump file, " + r.dump().printableStrings() + " printable strings, "
            + (r.dump().privateKeyHeaderSeen() ? "a PEM private-key header SEEN" : "no PEM private-key header"));
      }
      for (String warning : r.warnings()) {
        out.println("warning: " + label(r.target()) + ": " + warning);
      }
      if (evidence) {
        for (String line : r.evidence()) {
          out.println("  " + label(r.target()) + ": " + line);
        }
      }
    }
    out.flush();
  }

  /**
   * The row's target: an address as host:port (one row of a block each), a name as written with the address it
   * resolved to when it has one (a name has a row per address).
   */
  static String label(Target t) {
    if (t.address() == null) {
      return t.input();
    }
    return t.isAddressLiteral() ? t.authority() : t.input() + " (" + t.address().getHostAddress() + ")";
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }
}
