package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.store.Job;
import io.heartguard.store.ResultStore;
import io.heartguard.store.StoredResult;
import io.heartguard.testkit.InterruptedCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heartguard scan --db} and {@code --resume}, whose jobs live in store: scan sees only its own
 * {@code JobDatabase} interface, and store's implementation is found on the class path, as in the heartguard jar.
 * Scan's {@link LabBlock} on 127.0.0.0/29 (three ports): 3 VULNERABLE, 4 NOT_VULNERABLE, 17 refusals; 127.0.1.0/28
 * on its closed port for the shards.
 */
class ScanJobTest {
  @RegisterExtension static final LabBlock labs = new LabBlock();

  private final ScanConsole scan = new ScanConsole();

  private int shard(String shard, String... more) {
    return scan.shardOfClosedBlock(labs.closedPort(), shard, more);
  }

  @Test
  void aJobInTheDatabaseHoldsEveryResultAndResumingAFinishedJobChecksNothing(@TempDir Path dir) throws Exception {
    String db = dir.resolve("scan.db").toString();
    int code = scan.run("--json", "--no-progress", "--db", db, "--job", "lab-29", "-p", labs.portList(),
        LabBlock.RANGE);

    assertThat(code).isEqualTo(1);
    assertThat(scan.err()).startsWith("scan: job lab-29 in " + db + System.lineSeparator());
    try (ResultStore store = ResultStore.openExisting(db)) {
      Job job = store.requireJob("lab-29");
      assertThat(job.finished()).isTrue();
      assertThat(job.targetCount()).isEqualTo(LabBlock.TARGETS);
      assertThat(job.highWater()).isEqualTo(LabBlock.TARGETS);
      List<StoredResult> stored = store.results("lab-29");
      assertThat(LabBlock.byVerdict(stored.stream().map(r -> r.verdict().name()).toList()))
          .isEqualTo(LabBlock.VERDICTS);
    }

    int resumed = scan.run("--json", "--no-progress", "--db", db, "--resume", "lab-29");

    assertThat(scan.out()).isEmpty();
    assertThat(scan.err()).startsWith("scan: resuming job lab-29 in " + db + ": 24 targets already checked");
    assertThat(resumed).isZero();
  }

  @Test
  void aJobKeepsItsShardAndResumingWalksTheSameOne(@TempDir Path dir) throws Exception {
    String db = dir.resolve("scan.db").toString();
    assertThat(shard("2/3", "--db", db, "--job", "part-2")).isEqualTo(3);
    List<String> checked = scan.csvAddresses();

    try (ResultStore store = ResultStore.openExisting(db)) {
      assertThat(store.requireJob("part-2").targetSpec()).contains("\nshard 2/3\n");
      assertThat(store.results("part-2")).hasSize(checked.size());
    }
    assertThat(scan.run("--no-progress", "--db", db, "--resume", "part-2")).isZero();
    assertThat(scan.err()).startsWith("scan: resuming job part-2 in " + db + ": " + checked.size()
        + " targets already checked (shard 2/3)");
    assertThat(scan.run("--db", db, "--resume", "part-2", "--shard", "1/3")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: --resume part-2 walks the shard the job was started with; give no"
        + " --shard (see --help)" + System.lineSeparator());
  }

  @Test
  void aJobKeepsHowItsTargetsWereReachedAndAResumeThatDiffersIsRefused(@TempDir Path dir) throws Exception {
    String db = dir.resolve("scan.db").toString();
    assertThat(shard("1/2", "--db", db, "--job", "mail", "--starttls", "smtp")).isEqualTo(3);
    try (ResultStore store = ResultStore.openExisting(db)) {
      assertThat(store.requireJob("mail").targetSpec()).contains("\nprotocol smtp\n");
    }
    assertThat(scan.run("--no-progress", "--db", db, "--resume", "mail", "--dtls")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: job mail was started with --starttls smtp; resume it with the same"
        + " option, not --dtls (see --help)" + System.lineSeparator());
    assertThat(scan.run("--no-progress", "--db", db, "--resume", "mail")).isEqualTo(2);
    assertThat(scan.err()).contains("not plain TLS (no --starttls or --dtls)");
    assertThat(scan.run("--no-progress", "--db", db, "--resume", "mail", "--starttls", "smtp")).isZero();
  }

  @Test
  void resumingAJobThatIsNotThereCreatesNoDatabase(@TempDir Path directory) {
    Path db = directory.resolve("results.db");
    assertThat(scan.run("--db", db.toString(), "--resume", "nojob")).isEqualTo(2);
    assertThat(scan.err().lines()).singleElement().asString().contains("no such file");
    assertThat(Files.exists(db)).isFalse();
  }

  @Test
  void ctrlCPrintsTheRowsFoundAndTheResumeCommand(@TempDir Path directory) throws Exception {
    String db = directory.resolve("jobs.db").toString();
    InterruptedCommand.Ended ended = SlowLoopbackScan.interruptedAfterFirstRow("--db", db, "--job", "loopback");

    assertThat(ended.out().get(0)).startsWith("TARGET");
    List<String> rows = ended.out().stream().filter(l -> l.startsWith("127.0.0.1:")).toList();
    assertThat(rows).isNotEmpty().hasSizeLessThan(300).allMatch(l -> l.contains("INCONCLUSIVE"));
    assertThat(ended.err()).contains("scan: stopped after ")
        .contains("; continue with: heartguard scan --db " + db + " --resume loopback");
  }
}
