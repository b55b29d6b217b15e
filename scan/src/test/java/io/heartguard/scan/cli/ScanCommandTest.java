package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.scan.FakeServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
  private final ScanConsole scan = new ScanConsole();

  @Test
  void aVulnerableTargetExitsOneAndShowsItsRow() throws Exception {
    try (var server = FakeServers.vulnerable()) {
      int code = scan.run(server.target());

      assertThat(code).isEqualTo(1);
      assertThat(scan.out()).startsWith("TARGET").contains(server.target() + "  VULNERABLE  TLSv1.2");
      assertThat(scan.err()).isEmpty();
    }
  }

  @Test
  void aPatchedTargetExitsZero() throws Exception {
    try (var server = FakeServers.patched()) {
      assertThat(scan.run(server.target())).isZero();
      assertThat(scan.out()).contains("NOT_VULNERABLE", "well-formed heartbeat answered, malformed one discarded");
    }
  }

  @Test
  void inconclusiveWithNothingVulnerableExitsThree() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(scan.run("--timeout", "1s", "127.0.0.1:" + port)).isEqualTo(3);
    assertThat(scan.out()).contains("INCONCLUSIVE", "connect failed");
  }

  @Test
  void vulnerableWinsOverInconclusive() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (var server = FakeServers.vulnerable()) {
      assertThat(scan.run("127.0.0.1:" + port, server.target())).isEqualTo(1);
      // Rows follow the order the targets were given, whatever order the checks finished in.
      assertThat(scan.out().indexOf("127.0.0.1:" + port)).isLessThan(scan.out().indexOf(server.target()));
    }
  }

  @Test
  void aBadTargetIsAOneLineUsageError() {
    int code = scan.run("example.com:99999");

    assertThat(code).isEqualTo(2);
    assertThat(scan.err()).isEqualTo(
        "scan: bad port 99999 in \"example.com:99999\": ports are 1..65535 (see --help)" + System.lineSeparator());
    assertThat(scan.out()).isEmpty();
  }

  @Test
  void aBadOptionIsAOneLineUsageError() {
    assertThat(scan.run("--version-only", "TLS1.3", "example.com")).isEqualTo(2);
    assertThat(scan.err()).contains("'TLS1.3' is not one of SSLv3, TLS1.0, TLS1.1, TLS1.2").doesNotContain("\tat ");
    assertThat(scan.err().lines()).hasSize(1);
  }

  @Test
  void jsonIsOneObjectPerTargetWithTheDocumentedFields() throws Exception {
    try (var server = FakeServers.vulnerable()) {
      assertThat(scan.run("--json", server.target())).isEqualTo(1);

      assertThat(scan.out().lines()).hasSize(1);
      JsonNode json = new ObjectMapper().readTree(scan.out());
      assertThat(json.get("schema").asText()).isEqualTo("heartguard.scan/1");
      assertThat(json.get("target").asText()).isEqualTo(server.target());
      assertThat(json.get("host").asText()).isEqualTo("127.0.0.1");
      assertThat(json.get("port").asInt()).isEqualTo(server.address().getPort());
      assertThat(json.get("address").asText()).isEqualTo("127.0.0.1");
      assertThat(json.get("tlsVersion").asText()).isEqualTo("TLSv1.2");
      assertThat(json.get("cipher").asText()).isEqualTo("TLS_RSA_WITH_AES_256_CBC_SHA");
      assertThat(json.get("heartbeat").asText()).isEqualTo("peer_allowed_to_send");
      assertThat(json.get("verdict").asText()).isEqualTo("VULNERABLE");
      assertThat(json.get("reason").asText()).startsWith("returned 16 bytes of memory");
      assertThat(json.get("evidence").isArray()).isTrue();
      assertThat(json.get("bytesLeaked").asLong()).isEqualTo(16);
      assertThat(json.get("certificate").get("subject").asText()).isEqualTo("CN=localhost,O=heartguard test");
      assertThat(json.get("certificate").get("notBefore").asText()).isEqualTo("2020-01-01T00:00:00Z");
      assertThat(json.get("certificateIssuedAfterDisclosure").asBoolean()).isTrue();
      assertThat(json.get("dump").isNull()).isTrue();
      assertThat(json.get("warnings").isArray()).isTrue();
      assertThat(json.get("elapsedMs").isIntegralNumber()).isTrue();
    }
  }

  @Test
  void aDumpWritesLeakedMemoryOnlyToItsFileAndPrintsASummary(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("leak.bin");
    try (var server = FakeServers.vulnerable()) {
      assertThat(scan.run("--dump", file.toString(), "--dump-requests", "2", server.target())).isEqualTo(1);
    }
    String leaked = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    // Two requests declaring 16365 bytes (2^14 - 3 - 16), each answer echoing our 16-byte payload and padding first.
    assertThat(leaked).hasSize(2 * (16365 - 32)).contains("password=hunter2", "-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(scan.out())
        .contains("dump: " + 2 * (16365 - 32) + " bytes from 2 responses written to the dump file")
        .contains("a PEM private-key header SEEN")
        .doesNotContain("hunter2", "BEGIN RSA");
  }

  @Test
  void aDumpIntoSomethingOtherThanARegularFileIsRefused() {
    assertThat(scan.run("--dump", "/dev/null", "127.0.0.1:1")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: cannot write --dump file /dev/null: it exists and is not a regular file"
        + " (see --help)" + System.lineSeparator());
  }

  @Test
  void aDumpIntoADanglingSymbolicLinkIsRefusedAndCreatesNothing(@TempDir Path dir) throws Exception {
    Path elsewhere = dir.resolve("elsewhere.bin");
    Path link = Files.createSymbolicLink(dir.resolve("leak.bin"), elsewhere);
    assertThat(scan.run("--dump", link.toString(), "127.0.0.1:1")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: cannot write --dump file " + link
        + ": it is a symbolic link; leaked memory goes only to a regular file (see --help)" + System.lineSeparator());
    assertThat(elsewhere).doesNotExist();
  }

  @Test
  void aDumpTakesOneTarget() {
    assertThat(scan.run("--dump", "x.bin", "a.example", "b.example")).isEqualTo(2);
    assertThat(scan.err()).contains("--dump takes exactly one target, got 2");
  }
}
