package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SummaryTest {
  private static final SharedStores stores = new SharedStores();

  @AfterAll
  static void closeStores() throws Exception {
    stores.close();
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void countsMatchACountMadeInMemory(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    Random random = new Random(0xC0FFEE);
    List<StoredResult> results = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      results.add(Results.random("counted", i, random));
    }
    try (ResultWriter writer = store.writer(store.createJob("counted", "700 random", 1))) {
      for (StoredResult r : results) {
        writer.write(r);
      }
    }
    store.createJob("other", "must not be counted", 1);
    try (ResultWriter writer = store.writer(store.resume("other"))) {
      writer.write(Results.vulnerable("other", 0, "elsewhere.example"));
    }

    JobSummary summary = store.summarize("counted", 5);
    assertThat(summary.results()).isEqualTo(700);
    for (Verdict v : Verdict.values()) {
      assertThat(summary.byVerdict().count(v)).as("%s", v).isEqualTo(results.stream().filter(r -> r.verdict() == v).count());
    }
    assertThat(summary.bytesLeaked()).isEqualTo(results.stream().mapToLong(StoredResult::bytesLeaked).sum());
    assertThat(summary.byPort()).containsExactlyInAnyOrderElementsOf(tally(results, r -> String.valueOf(r.port())));
    assertThat(summary.byProtocol()).containsExactlyInAnyOrderElementsOf(tally(results, StoredResult::protocol));
    assertThat(summary.byTlsVersion()).containsExactlyInAnyOrderElementsOf(
        tally(results, r -> r.tlsVersion() == null ? JobSummary.NONE : r.tlsVersion()));
    assertThat(summary.vulnerableWithOldCertificate()).isEqualTo(results.stream()
        .filter(r -> r.verdict() == Verdict.VULNERABLE && r.certificate() != null && !r.certificate().issuedAfterDisclosure())
        .count());
    assertThat(summary.vulnerable()).containsExactlyElementsOf(
        results.stream().filter(r -> r.verdict() == Verdict.VULNERABLE).limit(5).toList());
    assertThat(summary.byPort()).isSortedAccordingTo((a, b) -> Long.compare(b.total(), a.total()));
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void theTextReportReadsAsWritten(Database.Engine engine) throws Exception {
    Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:30:00Z"), ZoneOffset.UTC);
    try (ResultStore store = ResultStore.open(stores.database(engine).location(), clock)) {
      try (ResultWriter writer = store.writer(store.createJob("golden", "a.example b.example gone.example", 42))) {
        writer.write(Results.vulnerable("golden", 0, "a.example"));
        writer.write(Results.vulnerable("golden", 1, "b.example"));
        writer.write(Results.unresolved("golden", 2, "gone.example"));
      }
      StringWriter text = new StringWriter();
      TextReport.print(store.summarize("golden", 1), "results.db", new PrintWriter(text));
      assertThat(text.toString()).isEqualTo("""
          job golden in results.db
            targets       a.example b.example gone.example (seed 42)
            status        not finished: 3 results, last written 2026-03-01T12:30:00Z; continue with --db results.db --resume golden
            bytes leaked  32 (counted, never stored)

          verdict             results
          VULNERABLE                2
          NOT_VULNERABLE            0
          INCONCLUSIVE              1
          total                     3

          port      total vulnerable not vulnerable inconclusive
          443           3          2              0            1

          protocol      total vulnerable not vulnerable inconclusive
          tls               3          2              0            1

          TLS version      total vulnerable not vulnerable inconclusive
          TLSv1.2              2          2              0            0
          (none)               1          0              0            1

          vulnerable servers (first 1 of 2):
            a.example:443 (192.0.2.1)  tls TLSv1.2  16 bytes leaked  certificate issued before the disclosure
            2 of them serve a certificate issued before the disclosure (2014-04-07): its private key may have leaked; revoke and replace it
          """);
      store.finish("golden", 3);
      assertThat(TextReport.status(store.summarize("golden", 1), "results.db"))
          .isEqualTo("finished 2026-03-01T12:30:00Z, 3 results of 3 targets");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void terminalEscapesInHostNamesArePrintedAsVisibleEscapes(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    // ESC ] 0 ; ... BEL would retitle the terminal; U+202E would print the rest of the line backwards.
    String host = "evil\u001b]0;owned\u0007\u202Eexample";
    try (ResultWriter writer = store.writer(store.createJob("escapes", "x", 1))) {
      writer.write(Results.vulnerable("escapes", 0, host));
    }
    StringWriter text = new StringWriter();
    TextReport.print(store.summarize("escapes", 10), "results.db", new PrintWriter(text));
    assertThat(text.toString()).contains("evil\\x1b]0;owned\\x07\\u202eexample:443").doesNotContain("\u001b", "\u0007", "\u202E");
  }

  private static List<Tally> tally(List<StoredResult> results, Function<StoredResult, String> key) {
    Map<String, Tally> tallies = new HashMap<>();
    for (StoredResult r : results) {
      String k = key.apply(r);
      tallies.merge(k, new Tally(k, 0, 0, 0).plus(r.verdict(), 1), (a, b) -> a.plus(r.verdict(), 1));
    }
    return List.copyOf(tallies.values());
  }
}
