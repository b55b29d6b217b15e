package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C on a scan of a few hundred targets in table mode: the table streams, so the rows found so far are on the
 * screen, and the scan says how to resume. The scan runs as its own process and gets a real SIGINT once its first row
 * is out. Its 300 targets are closed ports on 127.0.0.1, checked 20 a second so that it is still running then.
 */
class InterruptedScanTest {
  private static final List<String> SLOW_LOOPBACK_SCAN =
      List.of("127.0.0.1", "-p", "47000-47299", "--rate", "20", "--concurrency", "2", "--retries", "0", "--no-progress");

  private record Ended(List<String> out, String err) {}

  private static Ended interruptAfterFirstRow(List<String> extra) throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
        classPath, ScanCommand.class.getName()));
    command.addAll(SLOW_LOOPBACK_SCAN);
    command.addAll(extra);
    Process scan = new ProcessBuilder(command).start();
    CountDownLatch firstRow = new CountDownLatch(1);
    List<String> out = new ArrayList<>();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(scan.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (out) {
            out.add(line);
          }
          if (line.startsWith("127.0.0.1:")) {
            firstRow.countDown();
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(scan.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      assertThat(firstRow.await(60, TimeUnit.SECONDS)).as("a row before the end of a 15 s scan").isTrue();
      new ProcessBuilder("kill", "-INT", Long.toString(scan.pid())).start().waitFor();
      assertThat(scan.waitFor(60, TimeUnit.SECONDS)).as("the scan ends after Ctrl-C").isTrue();
      reader.get(10, TimeUnit.SECONDS);
      synchronized (out) {
        return new Ended(List.copyOf(out), err.get(10, TimeUnit.SECONDS));
      }
    } finally {
      scan.destroyForcibly();
    }
  }

  @Test
  void ctrlCWithoutADatabaseSaysThatDbWouldAllowResuming() throws Exception {
    Ended ended = interruptAfterFirstRow(List.of());

    assertThat(ended.out().stream().filter(l -> l.startsWith("127.0.0.1:"))).isNotEmpty();
    assertThat(ended.err()).contains("scan: stopped after ").contains("run it with --db FILE to keep its results and"
        + " resume it after a stop");
  }
}
