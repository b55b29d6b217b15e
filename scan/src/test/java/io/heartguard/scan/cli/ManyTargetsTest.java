package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code heartguard scan} over a block of loopback addresses on several ports, against lab servers listening on some
 * of them: the {@link LabBlock}, 127.0.0.0/29 × 3 ports, 24 targets with 3 VULNERABLE, 4 NOT_VULNERABLE and 17
 * INCONCLUSIVE.
 */
class ManyTargetsTest {
  @RegisterExtension static final LabBlock labs = new LabBlock();

  private final ScanConsole scan = new ScanConsole();

  private List<JsonNode> jsonLines() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : scan.out().split("\n")) {
      lines.add(mapper.readTree(line));
    }
    return lines;
  }

  @Test
  void aBlockOnThreePortsGivesOneResultPerAddressAndPortWithExactCounts() throws Exception {
    int code = scan.run("--json", "--no-progress", "--seed", "7", "--concurrency", "8", "--timeout", "5s", "-p",
        labs.portList(), LabBlock.RANGE);

    List<JsonNode> results = jsonLines();
    assertThat(code).isEqualTo(1);
    assertThat(results).hasSize(LabBlock.TARGETS);
    assertThat(results.stream().map(r -> r.get("address").asText() + ":" + r.get("port").asInt())
        .collect(Collectors.toSet())).hasSize(LabBlock.TARGETS);
    assertThat(LabBlock.byVerdict(results.stream().map(r -> r.get("verdict").asText()).toList()))
        .isEqualTo(LabBlock.VERDICTS);
    TreeSet<String> vulnerable = results.stream().filter(r -> r.get("verdict").asText().equals("VULNERABLE"))
        .map(r -> r.get("address").asText() + ":" + r.get("port").asInt()).collect(Collectors.toCollection(TreeSet::new));
    assertThat(vulnerable).containsExactlyElementsOf(labs.vulnerable());
    assertThat(results).allSatisfy(r -> assertThat(r.get("target").asText()).isEqualTo(LabBlock.RANGE));
    assertThat(scan.err()).isEmpty(); // a given seed is not printed, and no progress line off a terminal
  }

  @Test
  void csvStreamsAHeaderAndOneRowPerTarget() {
    int code = scan.run("--csv", "--no-progress", "--concurrency", "4", "-p", String.valueOf(labs.port(2)),
        "127.0.0.6-7");

    String[] rows = scan.out().split("\r\n");
    assertThat(code).isEqualTo(3); // .6 refuses on port C (INCONCLUSIVE), .7 is patched: nothing vulnerable
    assertThat(rows).hasSize(3);
    assertThat(rows[0]).isEqualTo(CsvReport.HEADER);
    assertThat(rows).anySatisfy(r -> assertThat(r)
        .startsWith("127.0.0.6-7,127.0.0.7," + labs.port(2) + ",127.0.0.7,tls,TLSv1.2,"));
  }

  @Test
  void resumeTakesNoTargetsOfItsOwn(@TempDir Path dir) {
    assertThat(scan.run("--db", dir.resolve("x.db").toString(), "--resume", "j", "127.0.0.1")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: --resume j takes its targets, ports, exclusions and seed from the job;"
        + " give none (see --help)" + System.lineSeparator());
  }

  @Test
  void aJobNameNeedsADatabase() {
    assertThat(scan.run("--job", "nightly", "127.0.0.1")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: --job needs --db, the database that holds the job (see --help)"
        + System.lineSeparator());
  }

  @Test
  void aDatabaseNeedsTheStoreModuleAndScanAloneSaysSoInOneLine(@TempDir Path dir) {
    // scan does not depend on store (a check loads no JDBC): without store on the class path, --db is refused.
    assertThat(scan.run("--db", dir.resolve("x.db").toString(), "127.0.0.1")).isEqualTo(2);
    assertThat(scan.err()).isEqualTo("scan: --db needs heartguard's store module, which this build does not"
        + " have; run heartguard scan (see --help)" + System.lineSeparator());
    assertThat(dir.resolve("x.db")).doesNotExist();
  }
}
