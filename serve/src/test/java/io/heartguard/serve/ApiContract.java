package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.ScanOptions;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API against a real checker on 127.0.0.1 and real lab servers, run once per database engine by the
 * subclasses. Each test gets an empty database; 127.0.0.0/8 is opened with the allow-list, as the lab lives there.
 */
abstract class ApiContract {
  static LabServer vulnerable;
  static LabServer patched;

  @TempDir Path directory;
  private WebChecker checker;
  Http http;

  /** A new empty database for one test: its --db value. */
  abstract String database(Path directory);

  void dropDatabase() {}

  @BeforeAll
  static void labs() throws Exception {
    vulnerable = LabServer.start(LabOptions.vulnerable().withoutLog().withListen(new InetSocketAddress("127.0.0.1", 0)));
    patched = LabServer.start(LabOptions.patched().withoutLog().withListen(new InetSocketAddress("127.0.0.1", 0)));
  }

  @AfterAll
  static void closeLabs() throws Exception {
    vulnerable.close();
    patched.close();
  }

  @AfterEach
  void stop() throws Exception {
    if (checker != null) {
      checker.close();
    }
    dropDatabase();
  }

  ServeOptions options(String db) {
    return ServeOptions.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)).withDatabase(db)
        .withAllowed(List.of("127.0.0.0/8")).withClientRate(1000).withTargetRate(1000)
        .withScanOptions(ScanOptions.defaults().withTimeout(Duration.ofSeconds(5)));
  }

  WebChecker start(ServeOptions options) throws Exception {
    if (checker != null) {
      checker.close();
    }
    checker = WebChecker.start(options);
    http = new Http(checker.uri());
    return checker;
  }

  static String target(LabServer lab) {
    return "127.0.0.1:" + lab.address().getPort();
  }

  static String body(String target) {
    return "{\"target\": \"" + target + "\"}";
  }

  JsonNode awaitDone(String id) {
    http.awaitStatus(id, "done");
    return Http.json(http.get("/api/v1/checks/" + id));
  }

  @Test
  void theVulnerableLabIsVulnerableThroughTheApiWithScanJsonsResultObject() throws Exception {
    start(options(database(directory)));
    HttpResponse<String> posted = http.postJson("/api/v1/checks", body(target(vulnerable)));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    JsonNode accepted = Http.json(posted);
    assertThat(accepted.get("id").asText()).matches("[a-z2-7]{26}");
    assertThat(accepted.get("status").asText()).isIn("queued", "running");
    assertThat(accepted.at("/links/page").asText()).isEqualTo("/checks/" + accepted.get("id").asText());

    JsonNode done = awaitDone(accepted.get("id").asText());
    JsonNode result = done.get("result");
    assertThat(result.get("schema").asText()).isEqualTo("heartguard.scan/1");
    assertThat(result.get("verdict").asText()).as(result.toString()).isEqualTo("VULNERABLE");
    assertThat(result.get("bytesLeaked").asLong()).isPositive();
    assertThat(result.get("tlsVersion").asText()).isEqualTo("TLSv1.2");
    assertThat(result.get("target").asText()).isEqualTo(target(vulnerable));
    assertThat(done.get("finishedAt").isNull()).isFalse();
    assertThat(done.get("protocol").asText()).isEqualTo("tls");
    assertThat(result.get("failure").asText()).isEqualTo("NONE");
    // the fields of `scan --json`, in its order
    assertThat(result.fieldNames()).toIterable().containsExactly("schema", "target", "host", "port", "address",
        "protocol", "tlsVersion", "cipher", "heartbeat", "verdict", "reason", "failure", "evidence", "bytesLeaked",
        "certificate", "certificateIssuedAfterDisclosure", "dump", "warnings", "elapsedMs");
  }

  @Test
  void thePatchedLabIsNotVulnerableAndTheHostHistoryListsItNewestFirst() throws Exception {
    start(options(database(directory)));
    String first = Http.json(http.postJson("/api/v1/checks", body(target(patched)))).get("id").asText();
    assertThat(awaitDone(first).at("/result/verdict").asText()).isEqualTo("NOT_VULNERABLE");
    String second = Http.json(http.postJson("/api/v1/checks", "{\"target\": \"" + target(patched) + "\", \"fresh\": true}"))
        .get("id").asText();
    awaitDone(second);

    JsonNode history = Http.json(http.get("/api/v1/hosts/127.0.0.1/checks"));
    assertThat(history.get("checks")).extracting(c -> c.get("id").asText()).containsExactly(second, first);
  }

  @Test
  void aPrivateAddressIsRefusedWith403AndNeverStored() throws Exception {
    start(options(database(directory)).withAllowed(List.of()));
    HttpResponse<String> r = http.postJson("/api/v1/checks", body("10.0.0.1"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(Http.json(r).get("error").asText()).isEqualTo("10.0.0.1 is refused: private address (10.0.0.0/8, RFC 1918)");
    assertThat(Http.json(http.get("/api/v1/hosts/10.0.0.1/checks")).get("checks")).isEmpty();
  }

  @Test
  void aNameResolvingToLoopbackIsRefusedWithoutTheAllowList() throws Exception {
    start(options(database(directory)).withAllowed(List.of()));
    try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      listener.setSoTimeout(1);
      HttpResponse<String> r = http.postJson("/api/v1/checks", body("localhost:" + listener.getLocalPort()));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(Http.json(r).get("error").asText()).startsWith("localhost resolves to ").contains("which is refused: loopback address");
      // never connected: nothing waits in the listener's backlog
      org.assertj.core.api.Assertions.assertThatThrownBy(listener::accept).isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  /** inet_aton's forms of 127.0.0.1 and the IPv6 forms that embed it are refused, and nothing connects to loopback. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"0177.0.0.1", "0x7f.1", "127.1", "2130706433", "[::7f00:1]",
      "[::ffff:0:7f00:1]", "[::ffff:127.0.0.1]", "[64:ff9b::127.0.0.1]", "[64:ff9b:1::7f00:1]"})
  void everySpellingOfLoopbackIsRefusedAndNeverConnected(String host) throws Exception {
    start(options(database(directory)).withAllowed(List.of()));
    try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      listener.setSoTimeout(1);
      HttpResponse<String> r = http.postJson("/api/v1/checks", body(host + ":" + listener.getLocalPort()));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
      assertThat(Http.json(r).get("error").asText()).contains(" is refused: ");
      org.assertj.core.api.Assertions.assertThatThrownBy(listener::accept).isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void theSameTargetWithinTheWindowReturnsTheRecentCheckAndFreshChecksAgain() throws Exception {
    start(options(database(directory)));
    String first = Http.json(http.postJson("/api/v1/checks", body(target(vulnerable)))).get("id").asText();
    awaitDone(first);

    HttpResponse<String> again = http.postJson("/api/v1/checks", body(target(vulnerable)));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(Http.json(again).get("cached").asBoolean()).isTrue();
    assertThat(Http.json(again).get("id").asText()).isEqualTo(first);
    assertThat(Http.json(again).at("/result/verdict").asText()).isEqualTo("VULNERABLE");

    HttpResponse<String> fresh = http.postJson("/api/v1/checks", "{\"target\": \"" + target(vulnerable) + "\", \"fresh\": true}");
    assertThat(fresh.statusCode()).isEqualTo(202);
    assertThat(Http.json(fresh).get("cached").asBoolean()).isFalse();
    assertThat(Http.json(fresh).get("id").asText()).isNotEqualTo(first);
  }

  @Test
  void aClientOverItsRateIsAnswered429WithRetryAfter() throws Exception {
    start(options(database(directory)).withClientRate(2));
    assertThat(http.postJson("/api/v1/checks", body(target(patched))).statusCode()).isEqualTo(202);
    assertThat(http.postJson("/api/v1/checks", body(target(vulnerable))).statusCode()).isEqualTo(202);
    HttpResponse<String> third = http.postJson("/api/v1/checks", body("127.0.0.2:" + patched.address().getPort()));
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    assertThat(Http.json(third).get("error").asText()).contains("at most 2 a minute");
  }

  @Test
  void aTargetCheckedTooOftenIsAnswered429() throws Exception {
    start(options(database(directory)).withTargetRate(1));
    String first = Http.json(http.postJson("/api/v1/checks", body(target(patched)))).get("id").asText();
    awaitDone(first);
    HttpResponse<String> again = http.postJson("/api/v1/checks", "{\"target\": \"" + target(patched) + "\", \"fresh\": true}");
    assertThat(again.statusCode()).isEqualTo(429);
    assertThat(again.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void checksOverTheInFlightCapAreAnswered503WithRetryAfter() throws Exception {
    start(options(database(directory)).withMaxInFlight(1));
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      // accepts (the kernel completes the handshake) and never answers: the check holds its slot until its timeout
      HttpResponse<String> first = http.postJson("/api/v1/checks", body("127.0.0.1:" + silent.getLocalPort()));
      assertThat(first.statusCode()).isEqualTo(202);
      HttpResponse<String> second = http.postJson("/api/v1/checks", body(target(vulnerable)));
      assertThat(second.statusCode()).isEqualTo(503);
      assertThat(second.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(Http.json(second).get("error").asText()).contains("too many checks in flight (1)");
    }
  }

  @Test
  void aRestartKeepsFinishedResultsAndMarksTheCheckInFlightInterrupted() throws Exception {
    String db = database(directory);
    start(options(db));
    String done = Http.json(http.postJson("/api/v1/checks", body(target(vulnerable)))).get("id").asText();
    awaitDone(done);
    String inFlight;
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      inFlight = Http.json(http.postJson("/api/v1/checks", body("127.0.0.1:" + silent.getLocalPort()))).get("id").asText();
      http.awaitStatus(inFlight, "running");
      start(options(db)); // closes the first checker while its check waits on the silent server
    }
    JsonNode interrupted = Http.json(http.get("/api/v1/checks/" + inFlight));
    assertThat(interrupted.get("status").asText()).isEqualTo("interrupted");
    assertThat(interrupted.get("result").isNull()).isTrue();
    JsonNode kept = Http.json(http.get("/api/v1/checks/" + done));
    assertThat(kept.get("status").asText()).isEqualTo("done");
    assertThat(kept.at("/result/verdict").asText()).isEqualTo("VULNERABLE");
    assertThat(http.get("/checks/" + inFlight).body()).contains("data-verdict=\"interrupted\"");
  }

  @Test
  void badRequestsAreOneLine400s() throws Exception {
    start(options(database(directory)));
    List<String> bodies = List.of(
        "{not json",
        "[1, 2]",
        "{\"target\": 443}",
        "{\"target\": \"example.com\", \"port\": \"443\"}",
        "{\"target\": \"example.com\", \"port\": 70000}",
        "{\"target\": \"example.com\", \"protocol\": \"gopher\"}",
        "{\"target\": \"example.com\", \"fresh\": \"yes\"}",
        "{\"target\": \"example.com\", \"extra\": 1}",
        "{\"target\": \"\"}",
        "{\"target\": \"exa mple.com\"}",
        "{\"target\": \"ftp://example.com\"}",
        "{\"target\": \"" + "a".repeat(20_000) + "\"}");
    for (String body : bodies) {
      HttpResponse<String> r = http.postJson("/api/v1/checks", body);
      assertThat(r.statusCode()).as(body.length() > 80 ? body.substring(0, 80) : body).isEqualTo(400);
      String error = Http.json(r).get("error").asText();
      assertThat(error).as(body.length() > 80 ? body.substring(0, 80) : body).doesNotContain("\n", "Exception", "\tat ").isNotBlank();
    }
    assertThat(Http.json(http.postJson("/api/v1/checks", "{\"target\": \"example.com\", \"protocol\": \"gopher\"}"))
        .get("error").asText()).isEqualTo("unknown protocol 'gopher'; expected auto, tls, smtp, lmtp, imap, pop3, ftp,"
            + " xmpp, xmpp-server, ldap, postgres, mysql, nntp, irc, sieve");
    assertThat(Http.json(http.postJson("/api/v1/checks", "{\"target\": \"example.com\", \"port\": 70000}"))
        .get("error").asText()).isEqualTo("bad port 70000: ports are 1..65535");
  }

  @Test
  void aSecondRequestForATargetBeingCheckedJoinsThatCheck() throws Exception {
    start(options(database(directory)));
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
      HttpResponse<String> first = http.postJson("/api/v1/checks", body("127.0.0.1:" + silent.getLocalPort()));
      HttpResponse<String> second = http.postJson("/api/v1/checks", body("127.0.0.1:" + silent.getLocalPort()));
      assertThat(first.statusCode()).isEqualTo(202);
      assertThat(second.statusCode()).isEqualTo(202);
      assertThat(Http.json(second).get("id").asText()).isEqualTo(Http.json(first).get("id").asText());
      assertThat(Http.json(http.get("/health")).get("inFlight").asInt()).isEqualTo(1);
    }
  }

  @Test
  void twoChecksOfOneHostAndPortInFlightAtOnceEachGetTheirOwnResultAndTheSubmittedTarget() throws Exception {
    // One host and port, two protocols: two checks at once. serve keeps each check's id beside the target it
    // queued, so neither result lands on the other check, and the target in each is the text the user submitted.
    start(options(database(directory)));
    String smtp = Http.json(http.postJson("/api/v1/checks",
        "{\"target\": \"" + target(vulnerable) + "\", \"protocol\": \"smtp\"}")).get("id").asText();
    String tls = Http.json(http.postJson("/api/v1/checks", body(target(vulnerable)))).get("id").asText();

    JsonNode plain = awaitDone(tls);
    JsonNode starttls = awaitDone(smtp);
    assertThat(plain.get("protocol").asText()).isEqualTo("tls");
    assertThat(plain.at("/result/verdict").asText()).isEqualTo("VULNERABLE");
    assertThat(plain.at("/result/target").asText()).isEqualTo(target(vulnerable));
    assertThat(starttls.get("protocol").asText()).isEqualTo("smtp");
    assertThat(starttls.at("/result/protocol").asText()).isEqualTo("smtp");
    assertThat(starttls.at("/result/verdict").asText()).isEqualTo("INCONCLUSIVE");
    assertThat(starttls.at("/result/target").asText()).isEqualTo(target(vulnerable));
  }

  @Test
  void anUnknownCheckIs404InJsonAndOnItsPage() throws Exception {
    start(options(database(directory)));
    HttpResponse<String> api = http.get("/api/v1/checks/aaaaaaaaaaaaaaaaaaaaaaaaaa");
    assertThat(api.statusCode()).isEqualTo(404);
    assertThat(Http.json(api).get("error").asText()).startsWith("no check with id");
    HttpResponse<String> page = http.get("/checks/nope");
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).contains("id=\"error\" role=\"alert\"");
  }
}
