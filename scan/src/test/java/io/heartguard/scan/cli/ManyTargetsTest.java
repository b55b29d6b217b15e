package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code heartguard scan} over a block of loopback addresses on several ports, against lab servers listening on some
 * of them: 127.0.0.0/29 × 3 ports is 24 targets, of which
 *
 * <pre>
 *   port A: 127.0.0.1 vulnerable, 127.0.0.2 vulnerable, 127.0.0.3 patched
 *   port B: 127.0.0.4 vulnerable, 127.0.0.5 patched,    127.0.0.6 patched
 *   port C: 127.0.0.7 patched
 * </pre>
 *
 * and the other 17 refuse the connection: 3 VULNERABLE, 4 NOT_VULNERABLE, 17 INCONCLUSIVE.
 */
class ManyTargetsTest {
  private static final List<LabServer> servers = new ArrayList<>();
  private static int[] ports;

  @BeforeAll
  static void startLabs() throws IOException {
    ports = freePorts(3);
    lab(LabOptions.vulnerable(), 1, ports[0]);
    lab(LabOptions.vulnerable(), 2, ports[0]);
    lab(LabOptions.patched(), 3, ports[0]);
    lab(LabOptions.vulnerable(), 4, ports[1]);
    lab(LabOptions.patched(), 5, ports[1]);
    lab(LabOptions.patched(), 6, ports[1]);
    lab(LabOptions.patched(), 7, ports[2]);
  }

  @AfterAll
  static void stopLabs() {
    servers.forEach(LabServer::close);
  }

  private static void lab(LabOptions options, int lastOctet, int port) throws IOException {
    InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
    servers.add(LabServer.start(options.withoutLog().withListen(new InetSocketAddress(address, port))));
  }

  /** Ports the kernel just handed out on 127.0.0.1, so free there (and, in practice, on the rest of 127/8). */
  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = OneLineErrors.install(new CommandLine(new ScanCommand()));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private String portList() {
    return ports[0] + "," + ports[1] + "," + ports[2];
  }

  private List<JsonNode> jsonLines() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      lines.add(mapper.readTree(line));
    }
    return lines;
  }

  private static Map<String, Long> byVerdict(List<String> verdicts) {
    return new TreeMap<>(verdicts.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting())));
  }

  @Test
  void aBlockOnThreePortsGivesOneResultPerAddressAndPortWithExactCounts() throws Exception {
    int code = run("--json", "--no-progress", "--seed", "7", "--concurrency", "8", "--timeout", "5s", "-p", portList(),
        "127.0.0.0/29");

    List<JsonNode> results = jsonLines();
    assertThat(code).isEqualTo(1);
    assertThat(results).hasSize(24);
    assertThat(results.stream().map(r -> r.get("address").asText() + ":" + r.get("port").asInt())
        .collect(Collectors.toSet())).hasSize(24);
    assertThat(byVerdict(results.stream().map(r -> r.get("verdict").asText()).toList()))
        .isEqualTo(Map.of("INCONCLUSIVE", 17L, "NOT_VULNERABLE", 4L, "VULNERABLE", 3L));
    TreeSet<String> vulnerable = results.stream().filter(r -> r.get("verdict").asText().equals("VULNERABLE"))
        .map(r -> r.get("address").asText() + ":" + r.get("port").asInt()).collect(Collectors.toCollection(TreeSet::new));
    assertThat(vulnerable).containsExactly("127.0.0.1:" + ports[0], "127.0.0.2:" + ports[0], "127.0.0.4:" + ports[1]);
    assertThat(results).allSatisfy(r -> assertThat(r.get("target").asText()).isEqualTo("127.0.0.0/29"));
    assertThat(err.toString()).isEmpty(); // a given seed is not printed, and no progress line off a terminal
  }

  @Test
  void csvStreamsAHeaderAndOneRowPerTarget() {
    int code = run("--csv", "--no-progress", "--concurrency", "4", "-p", String.valueOf(ports[2]), "127.0.0.6-7");

    String[] rows = out.toString().split("\r\n");
    assertThat(code).isEqualTo(3); // .6 refuses on port C (INCONCLUSIVE), .7 is patched: nothing vulnerable
    assertThat(rows).hasSize(3);
    assertThat(rows[0]).isEqualTo(CsvReport.HEADER);
    assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("127.0.0.6-7,127.0.0.7," + ports[2] + ",127.0.0.7,tls,TLSv1.2,"));
  }

  @Test
  void resumeTakesNoTargetsOfItsOwn(@TempDir Path dir) {
    assertThat(run("--db", dir.resolve("x.db").toString(), "--resume", "j", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("scan: --resume j takes its targets, ports, exclusions and seed from the job;"
        + " give none (see --help)" + System.lineSeparator());
  }

  @Test
  void aJobNameNeedsADatabase() {
    assertThat(run("--job", "nightly", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("scan: --job needs --db, the database that holds the job (see --help)"
        + System.lineSeparator());
  }

  @Test
  void aDatabaseNeedsTheStoreModuleAndScanAloneSaysSoInOneLine(@TempDir Path dir) {
    // scan does not depend on store (a check loads no JDBC): without store on the class path, --db is refused.
    assertThat(run("--db", dir.resolve("x.db").toString(), "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("scan: --db needs heartguard's store module, which this build does not"
        + " have; run heartguard scan (see --help)" + System.lineSeparator());
    assertThat(dir.resolve("x.db")).doesNotExist();
  }
}
