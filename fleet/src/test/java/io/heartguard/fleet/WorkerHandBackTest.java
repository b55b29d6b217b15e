package io.heartguard.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.Verdict;
import io.heartguard.store.ResultStore;
import io.heartguard.store.StoredResult;
import io.heartguard.testkit.LoopbackPorts;
import io.heartguard.testkit.RealKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that holds several blocks when it is stopped (SIGTERM's path) leaves the group, and the blocks it had not
 * finished are checked by another worker: the job ends with one stored result per target, each with its verdict.
 * 127.0.4.0/28 on two ports: .1-.4 answer with a vulnerable lab on one port and a patched one on the other, the rest
 * refuse.
 */
class WorkerHandBackTest {
  private static final int ANSWERING = 4;
  private static final int TARGETS = 32;

  private final List<LabServer> labs = new ArrayList<>();
  private final List<Worker> workers = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @TempDir
  Path dir;

  @AfterEach
  void stop() throws InterruptedException {
    workers.forEach(Worker::stop);
    threads.shutdown();
    threads.awaitTermination(30, TimeUnit.SECONDS);
    labs.forEach(LabServer::close);
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aStoppedWorkersUnfinishedBlocksAreCheckedByAnotherAndEveryTargetIsStoredOnce() throws Exception {
    String broker = RealKafka.broker().address();
    int[] ports = LoopbackPorts.free(2);
    for (int i = 1; i <= ANSWERING; i++) {
      InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 4, (byte) i});
      labs.add(LabServer.start(LabOptions.vulnerable().withoutLog()
          .withListen(new InetSocketAddress(address, ports[0]))));
      labs.add(LabServer.start(LabOptions.patched().withoutLog().withListen(new InetSocketAddress(address, ports[1]))));
    }
    CountDownLatch tookABlock = new CountDownLatch(1);
    StringWriter firstLog = new StringWriter();
    Worker first = new Worker(broker, 4, new PrintWriter(new Writer() {
      @Override
      public void write(char[] chars, int offset, int length) {
        firstLog.write(chars, offset, length);
        if (firstLog.toString().contains("worker: block ")) {
          tookABlock.countDown();
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    }, true));
    workers.add(first);
    Future<?> firstRun = threads.submit(first);
    String job = "test-hand-back-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    Path db = dir.resolve("fleet.db");
    // Blocks of 4 at 8 checks/s: the worker holds several blocks, none finished, when it is stopped.
    Future<Integer> coordinator = threads.submit(() -> ScanRun.scan("--kafka", broker, "--job", job, "--db", db.toString(),
        "--block-size", "4", "--rate", "8", "--seed", "5", "--timeout", "3s", "127.0.4.0/28",
        "-p", ports[0] + "," + ports[1]));
    assertThat(tookABlock.await(60, TimeUnit.SECONDS)).as("the first worker took a block").isTrue();

    first.stop();
    firstRun.get(30, TimeUnit.SECONDS);
    Worker second = new Worker(broker, 4, new PrintWriter(System.err, true));
    workers.add(second);
    threads.execute(second);

    assertThat(coordinator.get(120, TimeUnit.SECONDS)).as("exit code: something vulnerable").isEqualTo(1);
    assertThat(firstLog.toString()).contains("worker: stopped after");
    assertThat(first.blocksDone()).as("blocks the first worker committed").isLessThan(TARGETS / 4);
    try (ResultStore store = ResultStore.open(db.toString())) {
      assertThat(store.requireJob(job).finished()).isTrue();
      List<StoredResult> results = store.results(job);
      assertThat(results).hasSize(TARGETS);
      Set<String> seen = new HashSet<>();
      for (StoredResult r : results) {
        assertThat(seen.add(r.address() + " " + r.port())).as("one result for %s:%d", r.address(), r.port()).isTrue();
        int last = InetAddress.getByName(r.address()).getAddress()[3] & 0xff;
        Verdict expected = last < 1 || last > ANSWERING ? Verdict.INCONCLUSIVE
            : r.port() == ports[0] ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE;
        assertThat(r.verdict()).as("%s:%d", r.address(), r.port()).isEqualTo(expected);
      }
    }
  }
}
