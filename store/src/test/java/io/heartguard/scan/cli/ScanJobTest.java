package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.store.Job;
import io.heartguard.store.ResultStore;
import io.heartguard.store.StoredResult;
import io.heartguard.testkit.InterruptedCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code heartguard scan --db} and {@code --resume}, whose jobs live in store: scan sees only its own
 * {@code JobDatabase} interface, and store's implementation is found on the class path, as in the heartguard jar.
 * Lab servers on 127.0.0.0/29 (three ports) as in scan's ManyTargetsTest: 3 VULNERABLE, 4 NOT_VULNERABLE, 17
 * refusals; 127.0.1.0/28 on a closed port for the shards.
 */
class ScanJobTest {
  private static final List<LabServer> servers = new ArrayList<>();
  private static int[] ports;
  private static int closedPort;

  @BeforeAll
  static void startLabs() throws IOException {
    ports = freePorts(4);
    closedPort = ports[3]; // closed again at once: nothing listens there now
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
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cmd = OneLineErrors.install(new CommandLine(new ScanCommand()));
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private String portList() {
    return ports[0] + "," + ports[1] + "," + ports[2];
  }

  private static Map<String, Long> byVerdict(List<String> verdicts) {
    return new TreeMap<>(verdicts.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting())));
  }

  /** The address column of the CSV rows (RFC 4180 rows; the fourth field is the address). */
  private List<String> csvAddresses() {
    String[] rows = out.toString().split("\r\n");
    assertThat(rows[0]).isEqualTo(CsvReport.HEADER);
    return Arrays.stream(rows).skip(1).map(r -> r.split(",")[3]).toList();
  }

  private int shard(String shard, String... more) {
    List<String> args = new ArrayList<>(List.of("--csv", "--no-progress", "--seed", "9", "--retries", "0",
        "--connect-timeout", "500ms", "-p", String.valueOf(closedPort), "--shard", shard));
    args.addAll(List.of(more));
    args.add("127.0.1.0/28");
    return run(args.toArray(String[]::new));
  }

  @Test
  void aJobInTheDatabaseHoldsEveryResultAndResumingAFinishedJobChecksNothing(@TempDir Path dir) throws Exception {
    String db = dir.resolve("scan.db").toString();
    int code = run("--json", "--no-progress", "--db", db, "--job", "lab-29", "-p", portList(), "127.0.0.0/29");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("scan: job lab-29 in " + db + System.lineSeparator());
    try (ResultStore store = ResultStore.openExisting(db)) {
      Job job = store.requireJob("lab-29");
      assertThat(job.finished()).isTrue();
      assertThat(job.targetCount()).isEqualTo(24);
      assertThat(job.highWater()).isEqualTo(24);
      List<StoredResult> stored = store.results("lab-29");
      assertThat(byVerdict(stored.stream().map(r -> r.verdict().name()).toList()))
          .isEqualTo(Map.of("INCONCLUSIVE", 17L, "NOT_VULNERABLE", 4L, "VULNERABLE", 3L));
    }

    int resumed = run("--json", "--no-progress", "--db", db, "--resume", "lab-29");

    assertThat(out.toString()).isEmpty();
    assertThat(err.toString()).startsWith("scan: resuming job lab-29 in " + db + ": 24 targets already checked");
    assertThat(resumed).isZero();
  }

  @Test
  void aJobKeepsItsShardAndResumingWalksTheSameOne(@TempDir Path dir) throws Exception {
    String db = dir.resolve("scan.db").toString();
    assertThat(shard("2/3", "--db", db, "--job", "part-2")).isEqualTo(3);
    List<String> checked = csvAddresses();

    try (ResultStore store = ResultStore.openExisting(db)) {
      assertThat(store.requireJob("part-2").targetSpec()).contains("\nshard 2/3\n");
      assertThat(store.results("part-2")).hasSize(checked.size());
    }
    assertThat(run("--no-progress", "--db", db, "--resume", "part-2")).isZero();
    assertThat(err.toString()).startsWith("scan: resuming job part-2 in " + db + ": " + checked.size()
        + " targets already checked (shard 2/3)");
    assertThat(run("--db", db, "--resume", "part-2", "--shard", "1/3")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("scan: --resume part-2 walks the shard the job was started with; give no"
        + " --shard (see --help)" + System.lineSeparator());
  }

  @Test
  void aJobKeepsHowItsTargetsWereReachedAndAResumeThatDiffersIsRefused(@TempDir Path dir) throws Exception {
    String db = dir.resolve("scan.db").toString();
    assertThat(shard("1/2", "--db", db, "--job", "mail", "--starttls", "smtp")).isEqualTo(3);
    try (ResultStore store = ResultStore.openExisting(db)) {
      assertThat(store.requireJob("mail").targetSpec()).contains("\nprotocol smtp\n");
    }
    assertThat(run("--no-progress", "--db", db, "--resume", "mail", "--dtls")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("scan: job mail was started with --starttls smtp; resume it with the same"
        + " option, not --dtls (see --help)" + System.lineSeparator());
    assertThat(run("--no-progress", "--db", db, "--resume", "mail")).isEqualTo(2);
    assertThat(err.toString()).contains("not plain TLS (no --starttls or --dtls)");
    assertThat(run("--no-progress", "--db", db, "--resume", "mail", "--starttls", "smtp")).isZero();
  }

  @Test
  void resumingAJobThatIsNotThereCreatesNoDatabase(@TempDir Path directory) {
    Path db = directory.resolve("results.db");
    assertThat(run("--db", db.toString(), "--resume", "nojob")).isEqualTo(2);
    assertThat(err.toString().lines()).singleElement().asString().contains("no such file");
    assertThat(Files.exists(db)).isFalse();
  }

  private static final List<String> SLOW_LOOPBACK_SCAN =
      List.of("127.0.0.1", "-p", "47000-47299", "--rate", "20", "--concurrency", "2", "--retries", "0", "--no-progress");

  private static InterruptedCommand.Ended interruptAfterFirstRow(List<String> extra) throws Exception {
    List<String> args = new ArrayList<>(SLOW_LOOPBACK_SCAN);
    args.addAll(extra);
    return InterruptedCommand.afterFirstLine(ScanCommand.class, args, "127.0.0.1:");
  }

  @Test
  void ctrlCPrintsTheRowsFoundAndTheResumeCommand(@TempDir Path directory) throws Exception {
    String db = directory.resolve("jobs.db").toString();
    InterruptedCommand.Ended ended = interruptAfterFirstRow(List.of("--db", db, "--job", "loopback"));

    assertThat(ended.out().get(0)).startsWith("TARGET");
    List<String> rows = ended.out().stream().filter(l -> l.startsWith("127.0.0.1:")).toList();
    assertThat(rows).isNotEmpty().hasSizeLessThan(300).allMatch(l -> l.contains("INCONCLUSIVE"));
    assertThat(ended.err()).contains("scan: stopped after ")
        .contains("; continue with: heartguard scan --db " + db + " --resume loopback");
  }
}
