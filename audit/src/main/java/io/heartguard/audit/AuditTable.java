package io.heartguard.audit;

import io.heartguard.wire.PeerText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The default output: one row per finding (verdict, kind, version, where, and for a process who runs it), its
 * evidence indented under it, then the counts. Everything from the audited files goes through {@link Text#printable}.
 */
final class AuditTable {
  private static final String[] HEADER = {"VERDICT", "KIND", "VERSION", "WHERE", "PROCESS"};

  private final PrintWriter out;

  AuditTable(PrintWriter out) {
    this.out = out;
  }

  void print(List<Finding> findings) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Finding f : findings) {
      Finding.ProcessInfo p = f.process();
      rows.add(new String[] {
          f.verdict().name(),
          f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          f.version() == null ? "-" : PeerText.printable(f.version()),
          PeerText.printable(f.location().display()),
          p == null ? "" : PeerText.printable("pid " + p.pid() + " " + p.command() + " (" + p.user() + ")"
              + (p.restartNeeded() ? ", restart needed" : ""))});
    }
    int[] widths = new int[HEADER.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]).append(" ".repeat(i == row.length - 1 ? 0 : widths[i] - row[i].length() + 2));
      }
      out.println(line.toString().stripTrailing());
      if (r > 0) {
        for (String e : findings.get(r - 1).evidence()) {
          out.println("    " + PeerText.printable(e));
        }
      }
    }
    long vulnerable = findings.stream().filter(f -> f.verdict() == Verdict.VULNERABLE).count();
    long fine = findings.stream().filter(f -> f.verdict() == Verdict.NOT_VULNERABLE).count();
    long unsure = findings.stream().filter(f -> f.verdict() == Verdict.INCONCLUSIVE).count();
    long restart = findings.stream().filter(f -> f.process() != null && f.process().restartNeeded()).count();
    out.println(findings.size() + " findings: " + vulnerable + " VULNERABLE, " + fine + " NOT_VULNERABLE, " + unsure
        + " INCONCLUSIVE" + (restart > 0 ? "; " + restart + " need a process restart" : ""));
  }
}
