package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.Verdict;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;

class HtmlReportTest {
  private static final String SCRIPT_HOST = "<script>alert(1)</script>";
  private static final String ATTRIBUTE_BREAKER = "\"><img src=x onerror=alert(2)>";
  private static final SharedStores stores = new SharedStores();

  @AfterAll
  static void closeStores() throws Exception {
    stores.close();
  }

  private static JobSummary hostileSummary(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    String job = "hostile";
    if (store.findJob(job).isEmpty()) {
      try (ResultWriter writer = store.writer(store.createJob(job, "targets <b>from</b> a file & more", 1))) {
        writer.write(Results.vulnerable(job, 0, SCRIPT_HOST));
        writer.write(new StoredResult(job, 1, ATTRIBUTE_BREAKER, ATTRIBUTE_BREAKER, 443, null, ATTRIBUTE_BREAKER,
            "TLSv1.2'", null, null, Verdict.VULNERABLE, "reason </td><script>alert(3)</script>", 1, null, 1,
            Results.CHECKED_AT));
        writer.write(Results.unresolved(job, 2, "ok.example"));
      }
    }
    return store.summarize(job, 10);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aHostNamedLikeAScriptAppearsOnlyEscaped(Database.Engine engine) throws Exception {
    String page = HtmlReport.render(hostileSummary(engine), "results.db");
    assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;:443")
        .contains("&lt;b&gt;from&lt;/b&gt; a file &amp; more")
        .contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
        .contains("reason &lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;")
        .doesNotContain(SCRIPT_HOST, "<script", "<img", "<b>", "TLSv1.2'");
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void thePageIsSelfContainedAndForbidsScripts(Database.Engine engine) throws Exception {
    String page = HtmlReport.render(hostileSummary(engine), "results.db");
    assertThat(page).startsWith("<!DOCTYPE html>")
        .contains("<style>", "<svg", "content=\"default-src 'none'; style-src 'unsafe-inline'\"")
        .doesNotContain("src=\"", "href=", "url(", "@import", "<link", "<script");
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void everyChartIsWellFormedSvgWithOneBarPerVerdictAndValue(Database.Engine engine) throws Exception {
    String page = HtmlReport.render(hostileSummary(engine), "results.db");
    List<Document> charts = new ArrayList<>();
    Matcher svg = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(page);
    while (svg.find()) {
      charts.add(DocumentBuilderFactory.newInstance().newDocumentBuilder()
          .parse(new ByteArrayInputStream(svg.group().getBytes(StandardCharsets.UTF_8))));
    }
    // Verdicts, then by port, protocol and TLS version.
    assertThat(charts).hasSize(4);
    // 2 vulnerable, 0 not vulnerable, 1 inconclusive: a zero count draws an empty bar.
    assertThat(charts.get(0).getElementsByTagName("rect").getLength()).isEqualTo(3);
    // Port 443 holds all three results in two verdicts: one bar of two segments.
    assertThat(charts.get(1).getElementsByTagName("rect").getLength()).isEqualTo(2);
    // Protocols: the hostile one (vulnerable) and tls (vulnerable, inconclusive).
    assertThat(charts.get(2).getElementsByTagName("rect").getLength()).isEqualTo(3);
    assertThat(charts.get(2).getDocumentElement().getTextContent()).contains("\"><img src=x");
  }

  @Test
  void escapingCoversTheFiveSpecialsAndCharactersXmlForbids() {
    assertThat(Text.html("<a href='x'>&\"</a>")).isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    // NUL and ESC are not XML characters; a lone surrogate is not text; U+202E reorders what follows.
    assertThat(Text.html("a\u0000b\u001bc\ud800d\u202Ee")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
    assertThat(Text.html("caf\u00e9 \ud83d\udd12\tok")).isEqualTo("caf\u00e9 \ud83d\udd12\tok");
  }
}
