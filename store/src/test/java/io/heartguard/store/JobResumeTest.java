package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.Verdict;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.scan.engine.ScanEngine;
import io.heartguard.targets.PortList;
import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.TargetSpace;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job interrupted after some results, then resumed from the database, checks exactly the targets the first run did
 * not store: 192.0.2.0/27 on two ports (64 numbered targets, never connected to: the scanner is a fake) and a name
 * resolving to two addresses on both ports (4 unnumbered targets, found done by asking the database).
 */
class JobResumeTest {
  private static final String DEFAULT_POSTGRES =
      "jdbc:postgresql://127.0.0.1:55432/heartguard_test?user=heartguard&password=heartguard";

  private static TargetSpace space() throws Exception {
    List<InetAddress> addresses = List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
    return TargetSpace.builder().ports(PortList.parse("443,8443")).seed(2014).resolver(name -> addresses)
        .add("lab.example").add("192.0.2.0/27").build();
  }

  /** Records what it checks; every check is NOT_VULNERABLE. */
  private static final class RecordingScanner implements Scanner {
    final Set<String> checked = ConcurrentHashMap.newKeySet();

    @Override
    public ScanResult check(io.heartguard.targets.ScanTarget t, ScanOptions o) {
      assertThat(checked.add(t.address().getHostAddress() + ":" + t.port())).as("checked twice").isTrue();
      return new ScanResult(t, t.address().getHostAddress(), null, null, null, Verdict.NOT_VULNERABLE,
          "no heartbeat extension negotiated", List.of(), 0, null, null, List.of(), 1, ScanResult.PLAIN_TLS,
          io.heartguard.scan.Failure.NONE);
    }
  }

  private static void interruptThenResume(String db) throws Exception {
    RecordingScanner first = new RecordingScanner();
    try (ResultStore store = ResultStore.open(db)) {
      ResumePoint point = store.createJob("resume-test", "192.0.2.0/27 lab.example -p 443,8443", 2014);
      ScanEngine engine = new ScanEngine(first, ScanOptions.defaults(), 4);
      AtomicInteger stored = new AtomicInteger();
      try (JobRecorder recorder = new JobRecorder(store, point, Clock.systemUTC())) {
        ResultSink stopAfter25 = new ResultSink() {
          @Override
          public void accept(ScanResult result) {
            throw new AssertionError("positions are passed");
          }

          @Override
          public void accept(long position, ScanResult result) throws IOException {
            recorder.accept(position, result);
            if (stored.incrementAndGet() == 25) {
              engine.stop(); // Ctrl-C: the checks in flight still finish and are stored
            }
          }
        };
        ScanEngine.Run run = engine.run(space().open(), stopAfter25);
        assertThat(run.exhausted()).isFalse();
      }
      assertThat(first.checked).hasSizeBetween(25, 25 + 4);
      assertThat(store.results("resume-test")).hasSize(first.checked.size());
    }

    RecordingScanner second = new RecordingScanner();
    try (ResultStore store = ResultStore.open(db)) {
      ResumePoint point = store.resume("resume-test");
      ScanEngine.Run run;
      try (JobRecorder recorder = new JobRecorder(store, point, Clock.systemUTC())) {
        run = new ScanEngine(second, ScanOptions.defaults(), 4).skipping(recorder).run(space().open(), recorder);
      }
      assertThat(run.exhausted()).isTrue();
      store.finish("resume-test", run.numbered());

      Set<String> overlap = new HashSet<>(first.checked);
      overlap.retainAll(second.checked);
      assertThat(overlap).as("targets checked by both runs").isEmpty();
      Set<String> all = new HashSet<>(first.checked);
      all.addAll(second.checked);
      assertThat(all).hasSize(68); // 32 addresses × 2 ports, and the name's 2 addresses × 2 ports
      assertThat(run.skipped()).isEqualTo(first.checked.size());
      Job job = store.requireJob("resume-test");
      assertThat(job.finished()).isTrue();
      assertThat(job.targetCount()).isEqualTo(64);
      assertThat(job.highWater()).isEqualTo(64);
      assertThat(store.results("resume-test")).hasSize(68);
    }
  }

  @Test
  void anInterruptedJobResumedOnSqliteChecksExactlyTheMissingTargets(@TempDir Path dir) throws Exception {
    interruptThenResume(dir.resolve("resume.db").toString());
  }

  @Test
  void anInterruptedJobResumedOnPostgresqlChecksExactlyTheMissingTargets() throws Exception {
    Assumptions.assumeFalse("1".equals(System.getenv("HEARTGUARD_SKIP_POSTGRES")), "HEARTGUARD_SKIP_POSTGRES=1");
    String url = System.getenv().getOrDefault("HEARTGUARD_TEST_POSTGRES_URL", DEFAULT_POSTGRES);
    String schema = "scan_resume_" + Long.toHexString(System.nanoTime());
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    try {
      interruptThenResume(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    } finally {
      try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }
}
