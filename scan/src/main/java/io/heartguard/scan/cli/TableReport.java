package io.heartguard.scan.cli;

import io.heartguard.scan.CertificateFacts;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.PeerText;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The default output: one row per target, then the certificate of each and any warnings; with {@code evidence}, what
 * was seen on the wire under each. Every string that came from a peer (reasons, certificate names, warnings,
 * evidence) is made printable first ({@link PeerText}): a certificate subject must not drive the terminal.
 *
 * <p>A scan of at most {@link #SORTED_AT_MOST} targets prints on close, rows in the order the targets were given and
 * columns as wide as their widest cell. A larger scan streams: the header first, then each row as its result arrives,
 * in fixed columns, with its certificate and warnings under it. Nothing is kept, so memory does not grow with the
 * number of results, and an interrupted scan has already shown every result it got.
 */
final class TableReport implements ResultSink {
  /** The most targets whose rows are held back to be sorted; a larger scan streams. */
  static final int SORTED_AT_MOST = 100;

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final String[] HEADER = {"TARGET", "VERDICT", "TLS", "PROTOCOL", "CIPHER", "HEARTBEAT", "LEAKED", "TIME", "REASON"};
  /**
   * Streaming widths: a bracketed IPv6 authority less its zero runs, NOT_VULNERABLE, DTLSv1.2, postgres, the longest
   * OpenSSL 1.0.1 suite name in common use, peer_not_allowed_to_send, then byte counts and times. A longer cell is
   * printed whole and pushes the rest of its row right.
   */
  private static final int[] STREAM_WIDTHS = {32, 16, 10, 10, 29, 26, 10, 10, 0};

  private final PrintWriter out;
  private final Comparator<ScanTarget> order;
  private final boolean evidence;
  private final boolean streaming;
  private final List<ScanResult> held = new ArrayList<>();

  private TableReport(PrintWriter out, Comparator<ScanTarget> order, boolean evidence, boolean streaming) {
    this.out = out;
    this.order = order;
    this.evidence = evidence;
    this.streaming = streaming;
    if (streaming) {
      out.println(line(HEADER, STREAM_WIDTHS));
      out.flush();
    }
  }

  /** The table for a scan of {@code targets} targets: sorted when there are few, streamed otherwise. */
  static TableReport forTargets(PrintWriter out, Comparator<ScanTarget> order, boolean evidence, long targets) {
    return new TableReport(out, order, evidence, targets > SORTED_AT_MOST);
  }

  @Override
  public void accept(ScanResult result) {
    if (!streaming) {
      held.add(result);
      return;
    }
    out.println(line(row(result), STREAM_WIDTHS));
    details(result);
    out.flush();
  }

  @Override
  public void close() {
    if (streaming) {
      out.flush();
      return;
    }
    held.sort(Comparator.comparing(ScanResult::target, order));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (ScanResult r : held) {
      rows.add(row(r));
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length - 1; i++) {
        widths[i] = Math.max(widths[i], row[i].length() + 2);
      }
    }
    for (String[] row : rows) {
      out.println(line(row, widths));
    }
    for (ScanResult r : held) {
      details(r);
    }
    out.flush();
  }

  private static String[] row(ScanResult r) {
    return new String[] {
        label(r.target()),
        r.verdict().name(),
        r.tlsVersion() == null ? "-" : r.tlsVersion().displayName(),
        r.protocol(),
        r.cipher() == null ? "-" : PeerText.printable(r.cipher()),
        r.heartbeat() == null ? (r.tlsVersion() == null ? "-" : "absent") : ScanResult.modeName(r.heartbeat()),
        r.bytesLeaked() + " B",
        r.elapsedMillis() + " ms",
        PeerText.printable(r.reason())};
  }

  /** The cells padded to their widths (the last one as it is); a cell as wide as its column or wider keeps 2 spaces. */
  private static String line(String[] row, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < row.length; i++) {
      String cell = row[i];
      line.append(cell);
      if (i < row.length - 1) {
        line.append(" ".repeat(Math.max(2, widths[i] - cell.length())));
      }
    }
    return line.toString().stripTrailing();
  }

  /** The certificate, dump summary, warnings and, with --debug, evidence of one result. */
  private void details(ScanResult r) {
    String label = label(r.target());
    CertificateFacts c = r.certificate();
    if (c != null) {
      out.println(label + ": certificate " + PeerText.printable(c.subject()) + ", issued by "
          + PeerText.printable(c.issuer()) + ", valid " + DAY.format(c.notBefore()) + " to " + DAY.format(c.notAfter())
          + (c.issuedAfterDisclosure() ? ", issued after the disclosure" : ", issued BEFORE the disclosure"));
    }
    if (r.dump() != null) {
      out.println(label + ": dump: " + r.dump().bytes() + " bytes from " + r.dump().responses()
          + " responses written to the dump file, " + r.dump().printableStrings() + " printable strings, "
          + (r.dump().privateKeyHeaderSeen() ? "a PEM private-key header SEEN" : "no PEM private-key header"));
    }
    for (String warning : r.warnings()) {
      out.println("warning: " + label + ": " + PeerText.printable(warning));
    }
    if (evidence) {
      for (String line : r.evidence()) {
        out.println("  " + label + ": " + PeerText.printable(line));
      }
    }
  }

  /**
   * The row's target: an address as host:port (one row of a block each), a name as written with the address it
   * resolved to when it has one (a name has a row per address).
   */
  static String label(ScanTarget t) {
    if (t.address() == null) {
      return PeerText.printable(t.input());
    }
    return !t.isName() ? t.authority() : PeerText.printable(t.input()) + " (" + t.address().getHostAddress() + ")";
  }
}
