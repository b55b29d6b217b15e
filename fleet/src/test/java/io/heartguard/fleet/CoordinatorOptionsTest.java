package io.heartguard.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.cli.ScanCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code scan --kafka}'s usage rules, and the coordinator is what scan finds on the class path. */
class CoordinatorOptionsTest {
  @Test
  void kafkaNeedsAJobNameBecauseWorkersAndCoordinatorMeetOnIt() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ScanCommand());
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("--kafka", "127.0.0.1:1", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).startsWith("--kafka needs --job NAME (or --resume JOB)");
  }

  @Test
  void aBlockSizeOutsideItsBoundsIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ScanCommand());
    cli.setErr(new PrintWriter(err, true));
    assertThat(cli.execute("--kafka", "127.0.0.1:1", "--job", "j", "--block-size", "0", "127.0.0.1")).isEqualTo(2);
    assertThat(err.toString()).startsWith("--block-size must be 1..65536, got 0");
  }

  @Test
  void scanFindsTheCoordinatorWithServiceLoader() {
    assertThat(ServiceLoader.load(io.heartguard.scan.cli.ScanFleet.class).findFirst()).get()
        .isInstanceOf(Coordinator.class);
  }
}
