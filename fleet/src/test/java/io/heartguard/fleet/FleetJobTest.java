package io.heartguard.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.cli.ScanCommand;
import io.heartguard.store.Job;
import io.heartguard.store.ResultStore;
import io.heartguard.store.StoredResult;
import io.heartguard.testkit.LoopbackPorts;
import io.heartguard.testkit.RealKafka;
import io.heartguard.scan.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Distributed jobs on a real Kafka broker against lab servers: 127.0.2.0/25 on two ports is 256 targets, of which
 * 127.0.2.1-32 answer on port V with a vulnerable lab and on port P with a patched one (32 VULNERABLE, 32
 * NOT_VULNERABLE) and the other 192 refuse the connection (INCONCLUSIVE). Workers run in this JVM on threads, and
 * as child processes where a test must kill one with SIGKILL. The failure tests (a worker or the coordinator killed)
 * run once with each database the store keeps jobs in.
 */
class FleetJobTest {
  private static final int ANSWERING = 32;
  private static final int TARGETS = 256;

  private static final List<LabServer> labs = new ArrayList<>();
  private static int vulnerablePort;
  private static int patchedPort;

  private final List<Worker> workers = new ArrayList<>();
  private final List<Process> children = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  /** What the workers on threads said, also copied to stderr. */
  private final StringWriter threadWorkersLog = new StringWriter();

  @TempDir
  Path dir;

  @BeforeAll
  static void startLabs() throws IOException {
    int[] ports = LoopbackPorts.free(2);
    vulnerablePort = ports[0];
    patchedPort = ports[1];
    for (int i = 1; i <= ANSWERING; i++) {
      InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 2, (byte) i});
      labs.add(LabServer.start(LabOptions.vulnerable().withoutLog().withListen(new InetSocketAddress(address, vulnerablePort))));
      labs.add(LabServer.start(LabOptions.patched().withoutLog().withListen(new InetSocketAddress(address, patchedPort))));
    }
  }

  @AfterAll
  static void stopLabs() {
    labs.forEach(LabServer::close);
  }

  @AfterEach
  void stopWorkers() throws InterruptedException {
    workers.forEach(Worker::stop);
    children.forEach(Process::destroyForcibly);
    threads.shutdown();
    threads.awaitTermination(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aWorkerKilledMidBlockLosesNothingAndEveryTargetIsStoredOnceWithItsVerdict(Database database) throws Exception {
    String broker = RealKafka.broker().address();
    String db = url(database);
    String job = jobName("killed-worker-" + database);
    // Three workers share the group before the job starts; the doomed one is a child process.
    Process doomed = startWorkerProcess(broker);
    BufferedReader doomedLog = new BufferedReader(new InputStreamReader(doomed.getErrorStream(), StandardCharsets.UTF_8));
    waitForLine(doomedLog, "worker: assigned ");
    startWorkerThreads(broker, 2);
    waitForLine(doomedLog, "worker: assigned "); // the group rebalanced: its partitions are shared now
    // A worker's share of the rate is the job's times its share of the partitions, here at most 6 of 12: a block of
    // 16 keeps the doomed worker busy for 1.6 s or more, and it is killed as soon as it says it took one.
    Future<Integer> coordinator = threads.submit(() -> ScanRun.scan("--kafka", broker, "--job", job, "--db", db,
        "--block-size", "16", "--rate", "20", "--seed", "7", "--timeout", "3s", "127.0.2.0/25",
        "-p", vulnerablePort + "," + patchedPort));
    String taken = waitForLine(doomedLog, "worker: block " + job + "/");
    doomed.destroyForcibly(); // SIGKILL mid-block: no hand-back, no goodbye to the group
    assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(coordinator.get(180, TimeUnit.SECONDS)).as("exit code: something vulnerable").isEqualTo(1);
    assertThat(threadWorkersLog.toString()).as("the killed worker's block is checked again by another")
        .contains(taken.substring(0, taken.lastIndexOf(':') + 1));
    assertEveryTargetStoredOnceWithItsVerdict(db, job, TARGETS);
  }

  /** 127.0.2.0/27 on both ports: 64 targets, of which .1-.31 answer (31 + 31) and .0 refuses on both ports. */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aJobStoresEveryTargetOnceWithItsVerdictInPostgresql() throws Exception {
    String broker = RealKafka.broker().address();
    String db = postgresUrl();
    String job = jobName("postgresql");
    startWorkerThreads(broker, 2);
    assertThat(ScanRun.scan("--kafka", broker, "--job", job, "--db", db, "--block-size", "8", "--seed", "13",
        "--timeout", "3s", "127.0.2.0/27", "-p", vulnerablePort + "," + patchedPort))
        .as("exit code: something vulnerable").isEqualTo(1);
    assertEveryTargetStoredOnceWithItsVerdict(db, job, 64);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aJobSurvivesACoordinatorKilledMidJobWhenResumed(Database database) throws Exception {
    String broker = RealKafka.broker().address();
    String db = url(database);
    String job = jobName("resumed-" + database);
    startWorkerThreads(broker, 3);
    Process first = startProcess(List.of("io.heartguard.scan.cli.ScanCommand", "--kafka", broker, "--job", job,
        "--db", db, "--block-size", "8", "--rate", "40", "--seed", "11", "--timeout", "3s", "--progress",
        "127.0.2.0/25", "-p", vulnerablePort + "," + patchedPort));
    waitForProgress(new InputStreamReader(first.getErrorStream(), StandardCharsets.UTF_8), 40, TARGETS);
    first.destroyForcibly();
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    try (ResultStore store = ResultStore.open(db)) {
      assertThat(store.requireJob(job).finished()).as("the killed coordinator did not finish the job").isFalse();
    }

    assertThat(ScanRun.scan("--kafka", broker, "--db", db, "--resume", job)).isEqualTo(1);
    assertEveryTargetStoredOnceWithItsVerdict(db, job, TARGETS);
  }

  /** Each of the first {@code count} targets of 127.0.2.0 (two ports each) once, with its verdict, nothing else. */
  private void assertEveryTargetStoredOnceWithItsVerdict(String db, String job, int count) throws Exception {
    try (ResultStore store = ResultStore.open(db)) {
      Job stored = store.requireJob(job);
      assertThat(stored.finished()).isTrue();
      assertThat(stored.targetCount()).isEqualTo(count);
      List<StoredResult> results = store.results(job);
      assertThat(results).hasSize(count);
      Set<String> targets = new HashSet<>();
      Map<Verdict, Integer> counts = new HashMap<>();
      for (StoredResult r : results) {
        assertThat(targets.add(r.address() + " " + r.port())).as("one result for %s:%d", r.address(), r.port()).isTrue();
        assertThat(r.verdict()).as("%s:%d", r.address(), r.port()).isEqualTo(expected(r.address(), r.port()));
        counts.merge(r.verdict(), 1, Integer::sum);
      }
      int answering = Math.min(ANSWERING, count / 2 - 1);
      assertThat(counts).isEqualTo(Map.of(Verdict.VULNERABLE, answering, Verdict.NOT_VULNERABLE, answering,
          Verdict.INCONCLUSIVE, count - 2 * answering));
    }
  }

  /** Where a job is stored: SQLite, or PostgreSQL as a real deployment stores it. */
  enum Database {
    SQLITE,
    POSTGRESQL;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A SQLite file of the test's own, or the PostgreSQL server of {@link #postgresUrl()}. */
  private String url(Database database) {
    return database == Database.SQLITE ? dir.resolve("fleet.db").toString() : postgresUrl();
  }

  /**
   * The PostgreSQL server that bin/start-postgres.sh runs, named by HEARTGUARD_TEST_POSTGRES_URL: without it the
   * test is skipped, unless CI=true, as in the store's and serve's tests. Jobs have names of their own, so runs
   * sharing the server never see each other's rows.
   */
  private static String postgresUrl() {
    Assumptions.assumeFalse("1".equals(System.getenv("HEARTGUARD_SKIP_POSTGRES")), "HEARTGUARD_SKIP_POSTGRES=1");
    String url = System.getenv("HEARTGUARD_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("HEARTGUARD_TEST_POSTGRES_URL is not set; CI must run bin/start-postgres.sh and export its URL");
      }
      Assumptions.abort("HEARTGUARD_TEST_POSTGRES_URL is not set; start bin/start-postgres.sh and export its URL");
    }
    return url;
  }

  private static Verdict expected(String address, int port) throws IOException {
    int last = InetAddress.getByName(address).getAddress()[3] & 0xff;
    if (last < 1 || last > ANSWERING) {
      return Verdict.INCONCLUSIVE;
    }
    return port == vulnerablePort ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE;
  }

  private void startWorkerThreads(String broker, int count) throws IOException {
    Writer log = new Writer() {
      @Override
      public void write(char[] text, int offset, int length) {
        threadWorkersLog.write(text, offset, length);
        System.err.print(new String(text, offset, length));
      }

      @Override
      public void flush() {
        System.err.flush();
      }

      @Override
      public void close() {}
    };
    for (int i = 0; i < count; i++) {
      Worker worker = new Worker(broker, 4, new PrintWriter(log, true));
      workers.add(worker);
      threads.execute(worker);
    }
  }

  private Process startWorkerProcess(String broker) throws IOException {
    return startProcess(List.of(WorkerCommand.class.getName(), "--kafka", broker, "--concurrency", "4"));
  }

  private Process startProcess(List<String> mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
    command.addAll(mainAndArgs);
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    children.add(process);
    return process;
  }

  /** The next line of the child's stderr that starts with {@code prefix}; the test's timeout bounds the wait. */
  private static String waitForLine(BufferedReader log, String prefix) throws IOException {
    for (String line = log.readLine(); line != null; line = log.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new AssertionError("the child ended before printing a line starting with " + prefix);
  }

  /** Reads progress lines (redrawn after \r) until one shows at least {@code done} of {@code total} targets stored. */
  private static void waitForProgress(Reader err, int done, int total) throws IOException {
    Pattern progress = Pattern.compile("(\\d+)/" + total + " ");
    StringBuilder line = new StringBuilder();
    for (int c = err.read(); c >= 0; c = err.read()) {
      if (c != '\r' && c != '\n') {
        line.append((char) c);
        continue;
      }
      Matcher m = progress.matcher(line);
      if (m.lookingAt() && Integer.parseInt(m.group(1)) >= done) {
        return;
      }
      line.setLength(0);
    }
    throw new AssertionError("the coordinator ended before storing " + done + " results");
  }

  /** Topics outlive a test run: every run's jobs have names of their own. */
  private static String jobName(String what) {
    return "test-" + what + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }
}
