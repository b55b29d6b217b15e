package io.heartguard.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A command's main class run as its own JVM on the test's class path, sent a real SIGINT (Ctrl-C) once a line of its
 * standard output starts with a given prefix: waiting on that line, never on a clock.
 */
public final class InterruptedCommand {
  /** What the command printed before it ended. */
  public record Ended(List<String> out, String err) {}

  private InterruptedCommand() {}

  public static Ended afterFirstLine(Class<?> main, List<String> args, String linePrefix) throws Exception {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
        classPath, main.getName()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).start();
    CountDownLatch firstLine = new CountDownLatch(1);
    List<String> out = new ArrayList<>();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (out) {
            out.add(line);
          }
          if (line.startsWith(linePrefix)) {
            firstLine.countDown();
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      if (!firstLine.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("no line starting with '" + linePrefix + "' within 60 s");
      }
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(main.getSimpleName() + " did not end within 60 s of Ctrl-C");
      }
      reader.get(10, TimeUnit.SECONDS);
      synchronized (out) {
        return new Ended(List.copyOf(out), err.get(10, TimeUnit.SECONDS));
      }
    } finally {
      process.destroyForcibly();
    }
  }
}
