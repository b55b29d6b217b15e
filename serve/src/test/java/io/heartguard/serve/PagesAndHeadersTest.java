package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.ScanOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pages, their escaping and headers, the OpenAPI file and SSE, against one checker on 127.0.0.1 (SQLite). */
class PagesAndHeadersTest {
  @TempDir static Path directory;
  static LabServer vulnerable;
  static WebChecker checker;
  static Http http;

  @BeforeAll
  static void start() throws Exception {
    vulnerable = LabServer.start(LabOptions.vulnerable().withoutLog().withListen(new InetSocketAddress("127.0.0.1", 0)));
    checker = WebChecker.start(ServeOptions.defaults().withListen(new InetSocketAddress("127.0.0.1", 0))
        .withDatabase(directory.resolve("pages.db").toString()).withAllowed(List.of("127.0.0.0/8"))
        .withClientRate(1000).withTargetRate(1000).withScanOptions(ScanOptions.defaults().withTimeout(Duration.ofSeconds(5))));
    http = new Http(checker.uri());
  }

  @AfterAll
  static void stop() throws Exception {
    checker.close();
    vulnerable.close();
  }

  private static String form(String target, String protocol) {
    return "target=" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "&protocol=" + protocol;
  }

  @Test
  void theCheckPageHasTheContractsLabelledFormAndEveryProtocol() {
    HttpResponse<String> page = http.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("<form id=\"check-form\"", "<label for=\"target\">", "<input id=\"target\" name=\"target\"",
        "<select id=\"protocol\" name=\"protocol\"", "<button id=\"check\" type=\"submit\">Check</button>",
        "<option value=\"auto\"", "<option value=\"tls\"", "<option value=\"smtp\"", "<option value=\"xmpp-server\"",
        "<option value=\"sieve\"");
    assertThat(page.body()).doesNotContain("<script>", "http://", "https://cdn").contains("<script src=\"/static/app.js\" defer>");
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders() {
    for (String path : List.of("/", "/recent", "/bulk", "/api/v1/openapi.yaml", "/api/v1/checks/nope", "/no-such-page",
        "/static/app.js")) {
      HttpResponse<String> r = http.get(path);
      assertThat(r.headers().firstValue("Content-Security-Policy")).as(path)
          .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline"));
      assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
    }
  }

  @Test
  void theFormRedirectsToTheStableResultPageWhichEscapesAHostileTarget() throws Exception {
    // A URL's path is not part of the target, so this passes validation and its text reaches the page as typed.
    String hostile = "https://127.0.0.1:" + vulnerable.address().getPort() + "/<script>alert(1)</script>\"'";
    HttpResponse<String> posted = http.postForm("/checks", form(hostile, "auto") + "&fresh=true");
    assertThat(posted.statusCode()).isEqualTo(303);
    String location = posted.headers().firstValue("Location").orElseThrow();
    assertThat(location).matches("/checks/[a-z2-7]{26}");

    String id = location.substring("/checks/".length());
    http.awaitStatus(id, "done");
    String page = http.get(location).body();
    assertThat(page).contains("id=\"verdict\"", "data-verdict=\"VULNERABLE\"", ">VULNERABLE</p>",
        "Upgrade OpenSSL to 1.0.1g or later", "Restart every process", "Revoke the server", "Rotate session keys",
        "TLSv1.2", "id=\"certificate-age\"", "/checks/" + id);
    assertThat(page).doesNotContain("<script>alert(1)</script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;");
  }

  @Test
  void aRefusedTargetOnTheFormIsShownAsAnAlertWithTheInputEscaped() {
    HttpResponse<String> r = http.postForm("/checks", form("10.0.0.1", "auto"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("<p id=\"error\" role=\"alert\" class=\"error\">10.0.0.1 is refused: private address"
        + " (10.0.0.0/8, RFC 1918)</p>", "value=\"10.0.0.1\"");

    HttpResponse<String> bad = http.postForm("/checks", form("<img src=x onerror=alert(1)>", "auto"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).doesNotContain("<img src=x").contains("&lt;img src=x onerror=alert(1)&gt;")
        .contains("role=\"alert\"");
  }

  @Test
  void hostAndErrorPagesEscapeTheHostFromThePath() {
    HttpResponse<String> r = http.get("/hosts/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("<script>alert").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    HttpResponse<String> missing = http.get("/checks/%3Cb%3Ebold%3C%2Fb%3E");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).doesNotContain("<b>bold").contains("&lt;b&gt;bold");
  }

  @Test
  void theBulkPageHasTheContractsElements() {
    assertThat(http.get("/bulk").body()).contains("<textarea id=\"targets\"", "<button id=\"check-all\"",
        "<table id=\"bulk-results\"");
  }

  @Test
  void theOpenApiFileDescribesEveryRouteOfTheApp() {
    HttpResponse<String> r = http.get("/api/v1/openapi.yaml");
    assertThat(r.statusCode()).isEqualTo(200);
    String yaml = r.body();
    assertThat(yaml).startsWith("openapi: 3.1.0");
    assertThat(checker.routes()).hasSizeGreaterThan(10);
    for (String route : checker.routes()) {
      String method = route.substring(0, route.indexOf(' ')).toLowerCase(java.util.Locale.ROOT);
      String path = route.substring(route.indexOf(' ') + 1);
      int at = yaml.indexOf("\n  " + path + ":\n");
      assertThat(at).as(route + " is a path of the OpenAPI file").isPositive();
      int next = yaml.indexOf("\n  /", at + 1);
      String block = yaml.substring(at, next < 0 ? yaml.indexOf("\ncomponents:") : next);
      assertThat(block).as(route).contains("\n    " + method + ":\n");
    }
  }

  @Test
  void theEventStreamSendsTheStatusUntilTheCheckIsDone() throws Exception {
    JsonNode posted = Http.json(http.postJson("/api/v1/checks",
        "{\"target\": \"127.0.0.1\", \"port\": " + vulnerable.address().getPort() + ", \"fresh\": true}"));
    String id = posted.get("id").asText();
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<java.io.InputStream> stream = client.send(HttpRequest.newBuilder(
        checker.uri().resolve("/api/v1/checks/" + id + "/events")).header("Accept", "text/event-stream")
        .timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<String> data = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.startsWith("data:")) {
          data.add(line.substring(5).strip());
        }
      }
    }
    assertThat(data).isNotEmpty();
    assertThat(data.getLast()).contains("\"status\":\"done\"", "\"verdict\":\"VULNERABLE\"");
  }

  @Test
  void aPostFromAnotherSiteIsRefusedAndOneFromThisServerIsNot() {
    String body = "{\"target\": \"127.0.0.1\", \"port\": " + vulnerable.address().getPort() + "}";
    HttpResponse<String> crossSite = http.postJson("/api/v1/checks", body, "https://evil.example");
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(Http.json(crossSite).get("error").asText()).isEqualTo("cross-site request refused: a check can be"
        + " started from this server's own pages or by a program, not from another site");
    String self = "http://" + checker.uri().getRawAuthority();
    assertThat(http.postJson("/api/v1/checks", body, self).statusCode()).isIn(200, 202);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "-           | -                         | 127.0.0.1:8080    | true",
      "same-origin | null                      | 127.0.0.1:8080    | true",
      "none        | -                         | 127.0.0.1:8080    | true",
      "cross-site  | http://127.0.0.1:8080     | 127.0.0.1:8080    | false",
      "same-site   | https://www.example.org   | check.example.org | false",
      "-           | http://127.0.0.1:8080     | 127.0.0.1:8080    | true",
      "-           | https://Check.Example.org | check.example.org | true",
      "-           | null                      | 127.0.0.1:8080    | true",
      "-           | http://127.0.0.1:8081     | 127.0.0.1:8080    | false",
      "-           | http://[::1               | [::1]:8080        | false",
      "-           | http://127.0.0.1:8080     | -                 | false"})
  void aRequestIsFromThisServerByFetchMetadataElseByOriginAgainstHost(String site, String origin, String host,
      boolean same) {
    assertThat(WebChecker.sameOrigin(site, origin, host)).isEqualTo(same);
  }

  @Test
  void anEventStreamRequestWithoutItsAcceptHeaderIsToldWhatToSend() throws Exception {
    String id = Http.json(http.postJson("/api/v1/checks",
        "{\"target\": \"127.0.0.1\", \"port\": " + vulnerable.address().getPort() + "}")).get("id").asText();
    HttpResponse<String> plain = http.get("/api/v1/checks/" + id + "/events");
    assertThat(plain.statusCode()).isEqualTo(406);
    assertThat(Http.json(plain).get("error").asText()).isEqualTo("this is a server-sent event stream: send"
        + " 'Accept: text/event-stream', or poll GET /api/v1/checks/" + id);
  }

  @Test
  void theRecentPageListsChecksWithTheirVerdictInWords() throws Exception {
    String id = Http.json(http.postJson("/api/v1/checks",
        "{\"target\": \"127.0.0.1:" + vulnerable.address().getPort() + "\", \"fresh\": true}")).get("id").asText();
    http.awaitStatus(id, "done");
    String page = http.get("/recent").body();
    assertThat(page).contains("href=\"/checks/" + id + "\"", "data-verdict=\"VULNERABLE\">VULNERABLE</td>");
    assertThat(URI.create(checker.uri().toString()).getHost()).isEqualTo("127.0.0.1");
  }
}
