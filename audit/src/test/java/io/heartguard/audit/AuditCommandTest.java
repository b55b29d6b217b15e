package io.heartguard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command as users run it: the table, --json, --sarif and the exit codes of scan (0, 1, 2, 3). */
class AuditCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path root;

  private Path put(String inRoot, Path content) throws IOException {
    return Fixtures.copy(content, root, inRoot);
  }

  @Test
  void exitCodeIsOneWhenAnythingIsVulnerable() throws IOException {
    put("lib/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    put("lib2/libssl.so.1.0.0", Fixtures.libssl("1.0.1g"));
    Audits.Run run = Audits.command(root.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).startsWith("VERDICT         KIND            VERSION  WHERE")
        .contains("VULNERABLE      shared-library  1.0.1f   " + root.toRealPath().resolve("lib/libssl.so.1.0.0"))
        .contains("    .dynsym defines dtls1_heartbeat, dtls1_process_heartbeat, tls1_heartbeat, tls1_process_heartbeat")
        .endsWith("2 findings: 1 VULNERABLE, 1 NOT_VULNERABLE, 0 INCONCLUSIVE\n");
  }

  @Test
  void exitCodeIsZeroForTheNegatives() {
    // This machine's OpenSSL 3 and the no-heartbeats build.
    Audits.Run run = Audits.command(Fixtures.SYSTEM_LIBSSL.toString(), Fixtures.SYSTEM_LIBCRYPTO.toString(),
        Fixtures.libssl("1.0.1f-no-heartbeats").toString(), Fixtures.libcrypto("1.0.1f-no-heartbeats").toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).endsWith("4 findings: 0 VULNERABLE, 4 NOT_VULNERABLE, 0 INCONCLUSIVE\n");
  }

  @Test
  void exitCodeIsThreeWhenOnlyInconclusive() throws IOException {
    Files.write(root.resolve("libssl.so.1.0.0"), java.util.Arrays.copyOf(Files.readAllBytes(Fixtures.libssl("1.0.1f")), 100));
    Audits.Run run = Audits.command(root.toString());
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("INCONCLUSIVE");
  }

  @Test
  void exitCodeIsTwoForUsageErrors() {
    assertThat(Audits.command().exitCode()).isEqualTo(2);
    assertThat(Audits.command().err()).contains("name at least one PATH, or --processes");
    assertThat(Audits.command("--json", "--sarif", "/nonexistent").exitCode()).isEqualTo(2);
  }

  @Test
  void aPathThatDoesNotExistIsANoteNotAFailure() {
    Audits.Run run = Audits.command(root.resolve("missing").toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEqualTo("note: " + root.resolve("missing") + ": no such file: " + root.resolve("missing") + "\n");
  }

  @Test
  void fileNamesFromTheAuditedTreeAreMadePrintable() throws IOException {
    // A file name carrying a terminal escape: ESC ] 0 ; sets a window title.
    put("lib/evil\u001b]0;owned\u0007/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    Audits.Run run = Audits.command(root.toString());
    assertThat(run.out()).doesNotContain("\u001b").doesNotContain("\u0007").contains("lib/evil\\x1b]0;owned\\x07/libssl.so.1.0.0");
  }

  @Test
  void jsonHasEveryFindingWithEvidenceNotesAndCounts() throws IOException {
    put("lib/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    put("bin/openssl", Fixtures.program("1.0.1g"));
    Files.write(root.resolve("lib/libfoo.so"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});
    Audits.Run run = Audits.command("--json", root.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode doc = JSON.readTree(run.out());
    assertThat(doc.path("schema").asText()).isEqualTo("heartguard-audit/1");
    assertThat(doc.path("findings")).hasSize(2);
    JsonNode first = doc.path("findings").get(0);
    assertThat(first.path("verdict").asText()).isEqualTo("VULNERABLE");
    assertThat(first.path("kind").asText()).isEqualTo("SHARED_LIBRARY");
    assertThat(first.path("file").asText()).isEqualTo(root.toRealPath().resolve("lib/libssl.so.1.0.0").toString());
    assertThat(first.path("version").asText()).isEqualTo("1.0.1f");
    assertThat(first.path("evidence").get(0).asText()).isEqualTo("banner \"OpenSSL 1.0.1f 6 Jan 2014\"");
    assertThat(doc.path("findings").get(1).path("kind").asText()).isEqualTo("STATIC_COPY");
    assertThat(doc.path("notes")).singleElement().extracting(JsonNode::asText).asString().contains("libfoo.so: truncated ELF");
    assertThat(doc.path("counts").path("VULNERABLE").asInt()).isEqualTo(1);
    assertThat(doc.path("counts").path("NOT_VULNERABLE").asInt()).isEqualTo(1);
  }

  /**
   * The SARIF 2.1.0 schema's shape for what this log uses: each object's required properties, and no property the
   * schema does not define (it sets additionalProperties false on every one of these objects).
   */
  private static final Map<String, List<Set<String>>> SARIF = Map.of(
      "log", List.of(Set.of("version", "runs"), Set.of("$schema", "version", "runs")),
      "run", List.of(Set.of("tool"), Set.of("tool", "invocations", "results")),
      "tool", List.of(Set.of("driver"), Set.of("driver")),
      "driver", List.of(Set.of("name"), Set.of("name", "version", "informationUri", "rules")),
      "rule", List.of(Set.of("id"), Set.of("id", "shortDescription", "fullDescription", "defaultConfiguration", "helpUri")),
      "invocation", List.of(Set.of("executionSuccessful"), Set.of("executionSuccessful", "toolExecutionNotifications")),
      "notification", List.of(Set.of("message"), Set.of("level", "message")),
      "result", List.of(Set.of("message"), Set.of("ruleId", "ruleIndex", "level", "message", "locations", "properties")),
      "location", List.of(Set.of(), Set.of("physicalLocation", "logicalLocations")),
      "artifactLocation", List.of(Set.of(), Set.of("uri")));

  private static void shape(String type, JsonNode node) {
    List<Set<String>> rule = SARIF.get(type);
    Set<String> present = new java.util.HashSet<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      present.add(it.next());
    }
    assertThat(present).as("%s properties", type).containsAll(rule.get(0));
    assertThat(rule.get(1)).as("%s allows", type).containsAll(present);
  }

  @Test
  void sarifIsAValidSarif210LogWithRulesResultsAndLocations() throws IOException {
    put("lib/libssl.so.1.0.0", Fixtures.libssl("1.0.1f"));
    put("fixed/libssl.so.1.0.0", Fixtures.libssl("1.0.1g"));
    Files.write(root.resolve("lib/libcrypto.so.1.0.0"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0});
    Path jar = Files.write(root.resolve("app.jar"), ArchiveAuditTest.zip("META-INF/native/libssl.so.1.0.0", Fixtures.libssl("1.0.1f")));
    Audits.Run run = Audits.command("--sarif", root.toString());
    assertThat(run.exitCode()).isEqualTo(1);

    JsonNode log = JSON.readTree(run.out());
    shape("log", log);
    assertThat(log.path("version").asText()).isEqualTo("2.1.0");
    JsonNode sarifRun = log.path("runs").get(0);
    shape("run", sarifRun);
    shape("tool", sarifRun.path("tool"));
    JsonNode driver = sarifRun.path("tool").path("driver");
    shape("driver", driver);
    assertThat(driver.path("name").asText()).isEqualTo("heartguard");
    List<String> ruleIds = new java.util.ArrayList<>();
    driver.path("rules").forEach(r -> {
      shape("rule", r);
      ruleIds.add(r.path("id").asText());
    });
    assertThat(ruleIds).containsExactly("CVE-2014-0160", "heartguard/audit-inconclusive", "heartguard/restart-needed");
    sarifRun.path("invocations").forEach(i -> {
      shape("invocation", i);
      i.path("toolExecutionNotifications").forEach(n -> shape("notification", n));
    });

    // Two VULNERABLE (the library and the one in the jar) and one INCONCLUSIVE; the fixed one is not a result.
    JsonNode results = sarifRun.path("results");
    assertThat(results).hasSize(3);
    for (JsonNode r : results) {
      shape("result", r);
      assertThat(r.path("ruleId").asText()).isEqualTo(ruleIds.get(r.path("ruleIndex").asInt()));
      assertThat(r.path("level").asText()).isIn("error", "warning");
      r.path("locations").forEach(l -> shape("location", l));
      JsonNode artifact = r.path("locations").get(0).path("physicalLocation").path("artifactLocation");
      shape("artifactLocation", artifact);
      assertThat(URI.create(artifact.path("uri").asText()).getScheme()).isEqualTo("file");
    }
    assertThat(results.findValuesAsText("ruleId")).containsExactly("CVE-2014-0160", "CVE-2014-0160",
        "heartguard/audit-inconclusive");
    assertThat(results.get(0).path("locations").get(0).path("physicalLocation").path("artifactLocation").path("uri").asText())
        .isEqualTo(jar.toRealPath().toUri().toString());
    assertThat(results.get(0).path("locations").get(0).path("logicalLocations").get(0).path("fullyQualifiedName").asText())
        .isEqualTo("META-INF/native/libssl.so.1.0.0");
    assertThat(results.get(1).path("level").asText()).isEqualTo("error");
    assertThat(results.get(2).path("level").asText()).isEqualTo("warning");
  }
}
