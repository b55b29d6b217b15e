package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The proof that the lab looks real: nmap's ssl-heartbleed, testssl and sslscan — each written against real OpenSSL
 * servers — call vulnerable mode VULNERABLE and patched mode not vulnerable. Each run also leaves a heartbeat line in
 * the lab's log, so "not vulnerable" means the tool got as far as its heartbeat, not that it failed to connect.
 * The six runs go in parallel: most of their time is the tools waiting for an answer that never comes.
 */
@Execution(ExecutionMode.CONCURRENT)
class PeerToolsTest {
  private static final long TOOL_TIMEOUT_SECONDS = 300;

  @TempDir
  Path workDir;

  record Run(List<String> command, String output, int exitCode, long wallMillis, String labLog) {}

  private Run run(LabMode mode, Map<String, String> env, String... commandWithPortPlaceholder) throws Exception {
    return run(mode, null, env, commandWithPortPlaceholder);
  }

  /** With {@code honeypot} non-null, the lab runs as the honeypot and its log holds one "attempt" line per heartbeat. */
  private Run run(LabMode mode, HoneypotOptions honeypot, Map<String, String> env, String... commandWithPortPlaceholder)
      throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<String> command = new ArrayList<>();
    byte[] out;
    long wallMillis;
    int exitCode;
    LabOptions options = LabOptions.of(mode).withLog(log);
    try (LabServer lab = honeypot == null ? LabServer.start(options) : LabServer.start(options, honeypot)) {
      for (String arg : commandWithPortPlaceholder) {
        command.add(arg.replace("PORT", Integer.toString(lab.address().getPort())));
      }
      Path outputFile = workDir.resolve("tool-output.txt");
      ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(outputFile.toFile());
      builder.environment().putAll(env);
      long start = System.nanoTime();
      Process process = builder.start();
      try {
        if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          throw new IOException(String.join(" ", command) + " still running after " + TOOL_TIMEOUT_SECONDS + " s");
        }
        exitCode = process.exitValue();
      } finally {
        process.destroyForcibly();
      }
      wallMillis = (System.nanoTime() - start) / 1_000_000;
      out = Files.readAllBytes(outputFile);
    }
    // The lab is closed, so every log line of its connections is written.
    Run result = new Run(command, new String(out, StandardCharsets.UTF_8), exitCode, wallMillis,
        log.toString(StandardCharsets.UTF_8));
    // The exact command, its wall time and what it printed, kept in target/peer-tools/ (stdout would be attributed
    // to whichever test class surefire runs alongside).
    StringBuilder envPrefix = new StringBuilder();
    env.forEach((k, v) -> envPrefix.append(k).append('=').append(v).append(' '));
    Path transcripts = Files.createDirectories(Path.of("target", "peer-tools"));
    String name = command.getFirst() + "-" + (honeypot == null ? mode.label() : "honeypot") + ".txt";
    Files.writeString(transcripts.resolve(name), String.format(
        "$ %s%s%n# mode %s, exit %d, %d ms%n%s", envPrefix, String.join(" ", command), mode.label(), exitCode,
        wallMillis, result.output()));
    return result;
  }

  // nmap: vulns.showall makes the script print NOT VULNERABLE too, instead of staying silent.
  private static final String[] NMAP = {
      "nmap", "-Pn", "-n", "-p", "PORT", "--script", "ssl-heartbleed", "--script-args", "vulns.showall", "127.0.0.1"};

  @Test
  void nmapCallsVulnerableModeVulnerable() throws Exception {
    Run run = run(LabMode.VULNERABLE, Map.of(), NMAP);
    assertThat(run.output()).contains("ssl-heartbleed:", "State: VULNERABLE");
    assertThat(run.labLog()).contains("\"payload_length\":16384", "\"outcome\":\"answered\"");
  }

  @Test
  void nmapCallsPatchedModeNotVulnerable() throws Exception {
    Run run = run(LabMode.PATCHED, Map.of(), NMAP);
    assertThat(run.output()).contains("ssl-heartbleed:", "State: NOT VULNERABLE").doesNotContain("State: VULNERABLE");
    // One attempt per protocol nmap tries (TLS 1.0, 1.1, 1.2), each discarded.
    assertThat(run.labLog().lines().filter(l -> l.contains("\"outcome\":\"discarded_payload_too_long\""))).hasSize(3);
  }

  // testssl: -H runs only the heartbleed check. In patched mode HEARTBLEED_MAX_WAITSOCK shortens its wait for the
  // answer that never comes (default 8 s); vulnerable mode keeps the default, so a loaded machine cannot turn a late
  // answer into "not vulnerable".
  private static final Map<String, String> TESTSSL_PATCHED_ENV = Map.of("HEARTBLEED_MAX_WAITSOCK", "2");
  private static final String[] TESTSSL = {
      "testssl", "-H", "--quiet", "--color", "0", "--warnings", "batch", "--nodns", "min", "--ip", "one", "127.0.0.1:PORT"};

  @Test
  void testsslCallsVulnerableModeVulnerable() throws Exception {
    Run run = run(LabMode.VULNERABLE, Map.of(), TESTSSL);
    assertThat(run.output()).containsPattern("Heartbleed \\(CVE-2014-0160\\)\\s+VULNERABLE \\(NOT ok\\)");
    assertThat(run.labLog()).contains("\"payload_length\":16384,\"record_length\":3,\"outcome\":\"answered\"");
  }

  @Test
  void testsslCallsPatchedModeNotVulnerable() throws Exception {
    Run run = run(LabMode.PATCHED, TESTSSL_PATCHED_ENV, TESTSSL);
    assertThat(run.output()).containsPattern("Heartbleed \\(CVE-2014-0160\\)\\s+not vulnerable \\(OK\\)");
    assertThat(run.labLog()).contains("\"payload_length\":16384,\"record_length\":3,\"outcome\":\"discarded_too_short\"");
  }

  // sslscan: every check but heartbleed switched off. In patched mode --timeout=1 shortens its wait per version
  // (default 3 s), for the same reason as testssl's.
  private static String[] sslscan(String... timeout) {
    List<String> command = new ArrayList<>(List.of("sslscan", "--no-colour", "--no-ciphersuites", "--no-fallback",
        "--no-renegotiation", "--no-compression", "--no-groups", "--no-check-certificate"));
    command.addAll(List.of(timeout));
    command.add("127.0.0.1:PORT");
    return command.toArray(String[]::new);
  }

  @Test
  void sslscanCallsVulnerableModeVulnerableInEveryVersion() throws Exception {
    Run run = run(LabMode.VULNERABLE, Map.of(), sslscan());
    assertThat(run.output()).contains("TLSv1.2 vulnerable to heartbleed", "TLSv1.1 vulnerable to heartbleed",
        "TLSv1.0 vulnerable to heartbleed");
  }

  @Test
  void sslscanCallsPatchedModeNotVulnerableInEveryVersion() throws Exception {
    Run run = run(LabMode.PATCHED, Map.of(), sslscan("--timeout=1"));
    assertThat(run.output()).contains("TLSv1.2 not vulnerable to heartbleed", "TLSv1.1 not vulnerable to heartbleed",
        "TLSv1.0 not vulnerable to heartbleed");
    assertThat(run.output()).doesNotContainPattern("(?m)^TLSv1\\.[0-2] vulnerable");
    assertThat(run.labLog().lines().filter(l -> l.contains("\"event\":\"heartbeat\""))).hasSize(3);
  }

  // The honeypot names each real tool from the shape of its probe and serves it a canary credential.

  @Test
  void honeypotRecognisesNmap() throws Exception {
    Run run = run(LabMode.VULNERABLE, HoneypotOptions.defaults(), Map.of(), NMAP);
    assertThat(run.output()).contains("State: VULNERABLE");
    assertThat(attempts(run)).isNotEmpty().allSatisfy(line -> assertThat(line).contains("\"tool\":\"nmap\"")
        .containsPattern("\"canary\":\"[^\"]+\""));
  }

  @Test
  void honeypotRecognisesTestssl() throws Exception {
    Run run = run(LabMode.VULNERABLE, HoneypotOptions.defaults(), Map.of(), TESTSSL);
    assertThat(run.output()).containsPattern("Heartbleed \\(CVE-2014-0160\\)\\s+VULNERABLE");
    assertThat(attempts(run)).isNotEmpty().allSatisfy(line -> assertThat(line).contains("\"tool\":\"testssl\""));
  }

  @Test
  void honeypotRecognisesSslscan() throws Exception {
    Run run = run(LabMode.VULNERABLE, HoneypotOptions.defaults(), Map.of(), sslscan());
    assertThat(run.output()).contains("TLSv1.2 vulnerable to heartbleed");
    assertThat(attempts(run)).isNotEmpty().allSatisfy(line -> assertThat(line).contains("\"tool\":\"sslscan\""));
  }

  private static List<String> attempts(Run run) {
    return run.labLog().lines().filter(l -> l.contains("\"event\":\"attempt\"")).toList();
  }
}
