package io.heartguard.store;

import io.heartguard.scan.Verdict;
import java.util.List;
import java.util.Locale;

/**
 * A job's report as one self-contained HTML page: inline CSS, inline SVG bar charts, no script and no external
 * asset, so it can be mailed or attached to a ticket and opened anywhere. Every stored string is escaped with
 * {@link Text#html}; host names are chosen by whoever runs the server, and a report must not run their markup. A
 * Content-Security-Policy that allows no script backs the escaping up.
 */
final class HtmlReport {
  private static final int CHART_WIDTH = 760;
  private static final int LABEL_WIDTH = 200;
  private static final int BAR_AREA = 460;
  private static final int ROW_HEIGHT = 26;
  private static final int BAR_HEIGHT = 18;
  private static final int MAX_ROWS = TextReport.MAX_ROWS;
  private static final int MAX_LABEL = 28;

  private HtmlReport() {}

  /** The colour of each verdict: red, blue and grey tell apart for red-green colour blindness too. */
  private static String colour(Verdict verdict) {
    return switch (verdict) {
      case VULNERABLE -> "#c62828";
      case NOT_VULNERABLE -> "#1565c0";
      case INCONCLUSIVE -> "#9e9e9e";
    };
  }

  private static String label(Verdict verdict) {
    return verdict.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  static String render(JobSummary summary, String databaseName) {
    Job job = summary.job();
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>heartguard report: ").append(Text.html(job.id())).append("</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    h.append("<h1>Heartbleed scan <code>").append(Text.html(job.id())).append("</code></h1>\n");
    h.append("<p class=\"meta\">Targets <code>").append(Text.html(job.targetSpec())).append("</code> (seed ")
        .append(job.seed()).append(") in <code>").append(Text.html(databaseName)).append("</code><br>")
        .append(Text.html(TextReport.status(summary, databaseName))).append("</p>\n");

    h.append("<section class=\"cards\">\n");
    for (Verdict verdict : Verdict.values()) {
      h.append("<div class=\"card\" style=\"border-color:").append(colour(verdict)).append("\"><span class=\"n\">")
          .append(summary.byVerdict().count(verdict)).append("</span> ").append(label(verdict)).append("</div>\n");
    }
    h.append("<div class=\"card\"><span class=\"n\">").append(summary.results()).append("</span> results, ")
        .append(summary.bytesLeaked()).append(" bytes leaked</div>\n</section>\n");

    h.append("<h2>Verdicts</h2>\n");
    verdictChart(h, summary.byVerdict());
    legend(h);
    breakdown(h, "By port", "port", summary.byPort());
    breakdown(h, "By protocol", "protocol", summary.byProtocol());
    breakdown(h, "By TLS version", "TLS version", summary.byTlsVersion());
    vulnerableTable(h, summary);
    h.append("<footer>heartguard report. Leaked bytes are counted, never stored.</footer>\n</body>\n</html>\n");
    return h.toString();
  }

  /** One bar per verdict, scaled to the largest. */
  private static void verdictChart(StringBuilder h, Tally all) {
    Verdict[] verdicts = Verdict.values();
    long max = Math.max(1, Math.max(all.vulnerable(), Math.max(all.notVulnerable(), all.inconclusive())));
    int height = verdicts.length * ROW_HEIGHT + 8;
    svgStart(h, height, "Results by verdict");
    for (int i = 0; i < verdicts.length; i++) {
      long n = all.count(verdicts[i]);
      int y = 4 + i * ROW_HEIGHT;
      rowLabel(h, y, label(verdicts[i]));
      int width = scaled(n, max);
      rect(h, LABEL_WIDTH, y, width, colour(verdicts[i]), label(verdicts[i]) + ": " + n);
      count(h, LABEL_WIDTH + width, y, n);
    }
    h.append("</svg>\n");
  }

  /** One stacked bar per value of a column (vulnerable, not vulnerable, inconclusive), and the same as a table. */
  private static void breakdown(StringBuilder h, String title, String column, List<Tally> tallies) {
    h.append("<h2>").append(Text.html(title)).append("</h2>\n");
    if (tallies.isEmpty()) {
      h.append("<p>No results.</p>\n");
      return;
    }
    List<Tally> shown = tallies.subList(0, Math.min(MAX_ROWS, tallies.size()));
    long max = Math.max(1, shown.stream().mapToLong(Tally::total).max().orElse(1));
    svgStart(h, shown.size() * ROW_HEIGHT + 8, title + ", split by verdict");
    for (int i = 0; i < shown.size(); i++) {
      Tally t = shown.get(i);
      int y = 4 + i * ROW_HEIGHT;
      rowLabel(h, y, t.key());
      int x = LABEL_WIDTH;
      for (Verdict verdict : Verdict.values()) {
        long n = t.count(verdict);
        if (n > 0) {
          int width = scaled(n, max);
          rect(h, x, y, width, colour(verdict), column + " " + t.key() + ": " + n + " " + label(verdict));
          x += width;
        }
      }
      count(h, x, y, t.total());
    }
    h.append("</svg>\n");
    h.append("<table>\n<thead><tr><th>").append(Text.html(column))
        .append("</th><th>total</th><th>vulnerable</th><th>not vulnerable</th><th>inconclusive</th></tr></thead>\n<tbody>\n");
    for (Tally t : shown) {
      h.append("<tr><td>").append(Text.html(t.key())).append("</td><td>").append(t.total()).append("</td><td>")
          .append(t.vulnerable()).append("</td><td>").append(t.notVulnerable()).append("</td><td>")
          .append(t.inconclusive()).append("</td></tr>\n");
    }
    if (tallies.size() > shown.size()) {
      List<Tally> rest = tallies.subList(shown.size(), tallies.size());
      h.append("<tr class=\"rest\"><td>").append(rest.size()).append(" more</td><td>")
          .append(rest.stream().mapToLong(Tally::total).sum()).append("</td><td>")
          .append(rest.stream().mapToLong(Tally::vulnerable).sum()).append("</td><td>")
          .append(rest.stream().mapToLong(Tally::notVulnerable).sum()).append("</td><td>")
          .append(rest.stream().mapToLong(Tally::inconclusive).sum()).append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void vulnerableTable(StringBuilder h, JobSummary summary) {
    long vulnerable = summary.byVerdict().vulnerable();
    h.append("<h2>Vulnerable servers</h2>\n");
    if (vulnerable == 0) {
      h.append("<p>None.</p>\n");
      return;
    }
    if (summary.vulnerable().size() < vulnerable) {
      h.append("<p>The first ").append(summary.vulnerable().size()).append(" of ").append(vulnerable).append(".</p>\n");
    }
    if (summary.vulnerableWithOldCertificate() > 0) {
      h.append("<p class=\"warn\">").append(summary.vulnerableWithOldCertificate())
          .append(" of them serve a certificate issued before the disclosure (2014-04-07): its private key may have")
          .append(" leaked. Revoke and replace it, not only the software.</p>\n");
    }
    h.append("<table>\n<thead><tr><th>server</th><th>address</th><th>protocol</th><th>TLS version</th>")
        .append("<th>cipher</th><th>bytes leaked</th><th>certificate subject</th><th>issued</th><th>reason</th>")
        .append("<th>checked</th></tr></thead>\n<tbody>\n");
    for (StoredResult r : summary.vulnerable()) {
      StoredCertificate c = r.certificate();
      h.append("<tr><td>").append(Text.html(TextReport.authority(r.host(), r.port())))
          .append("</td><td>").append(Text.html(r.address()))
          .append("</td><td>").append(Text.html(r.protocol()))
          .append("</td><td>").append(Text.html(r.tlsVersion()))
          .append("</td><td>").append(Text.html(r.cipher()))
          .append("</td><td>").append(r.bytesLeaked())
          .append("</td><td>").append(c == null ? "" : Text.html(c.subject()))
          .append("</td><td").append(c != null && !c.issuedAfterDisclosure() ? " class=\"warn\">" : ">")
          .append(c == null ? "" : Text.html(c.notBefore().toString().substring(0, 10)))
          .append("</td><td>").append(Text.html(r.reason()))
          .append("</td><td>").append(Text.html(r.checkedAt().toString()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");
  }

  private static void legend(StringBuilder h) {
    h.append("<p class=\"legend\">");
    for (Verdict verdict : Verdict.values()) {
      h.append("<span><i style=\"background:").append(colour(verdict)).append("\"></i>").append(label(verdict))
          .append("</span> ");
    }
    h.append("</p>\n");
  }

  private static void svgStart(StringBuilder h, int height, String title) {
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(CHART_WIDTH)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ')
        .append(height).append("\"><title>").append(Text.html(title)).append("</title>\n");
  }

  private static void rowLabel(StringBuilder h, int y, String text) {
    h.append("<text x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(y + BAR_HEIGHT - 4)
        .append("\" text-anchor=\"end\">").append(Text.html(Text.shorten(text, MAX_LABEL))).append("</text>\n");
  }

  private static void rect(StringBuilder h, int x, int y, int width, String fill, String tooltip) {
    h.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(width)
        .append("\" height=\"").append(BAR_HEIGHT).append("\" fill=\"").append(fill).append("\"><title>")
        .append(Text.html(tooltip)).append("</title></rect>\n");
  }

  private static void count(StringBuilder h, int x, int y, long n) {
    h.append("<text x=\"").append(x + 6).append("\" y=\"").append(y + BAR_HEIGHT - 4).append("\">").append(n)
        .append("</text>\n");
  }

  /** Bar length in pixels; a non-zero count always shows at least one pixel. */
  private static int scaled(long n, long max) {
    if (n == 0) {
      return 0;
    }
    return (int) Math.max(1, Math.round((double) n * BAR_AREA / max));
  }

  private static final String CSS = """
      body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #212121; margin: 2em auto;
             max-width: 1100px; padding: 0 1em; }
      h1 { font-size: 1.6em; margin-bottom: .2em; }
      h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #e0e0e0; }
      code { background: #f5f5f5; padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
      .meta { color: #555; }
      .cards { display: flex; flex-wrap: wrap; gap: .8em; margin: 1.2em 0; }
      .card { border: 1px solid #bdbdbd; border-left-width: 6px; border-radius: 4px; padding: .5em 1em; }
      .card .n { font-size: 1.6em; font-weight: 600; }
      svg { display: block; max-width: 100%; height: auto; font: 13px system-ui, sans-serif; }
      svg text { fill: #212121; }
      .legend span { margin-right: 1.2em; }
      .legend i { display: inline-block; width: .9em; height: .9em; margin-right: .35em; vertical-align: -1px; }
      table { border-collapse: collapse; margin: .8em 0; font-size: 14px; }
      th, td { border: 1px solid #e0e0e0; padding: .25em .6em; text-align: left; vertical-align: top;
               overflow-wrap: anywhere; }
      th { background: #fafafa; }
      td:nth-child(n+2) { font-variant-numeric: tabular-nums; }
      .warn { color: #b71c1c; font-weight: 600; }
      .rest { color: #757575; }
      footer { margin-top: 2em; color: #757575; font-size: 13px; }
      """;
}
