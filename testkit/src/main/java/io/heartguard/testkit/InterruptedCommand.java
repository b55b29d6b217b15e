package io.heartguard.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command's main class run as its own JVM on the test's class path, sent a real SIGINT (Ctrl-C) once it has printed
 * what the test waits for: waiting on its lines, never on a clock.
 */
public final class InterruptedCommand implements AutoCloseable {
  /** What the command printed before it ended, and its exit code. */
  public record Ended(List<String> out, String err, int exitCode) {}

  private static final long WAIT_SECONDS = 60;

  private final String name;
  private final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final Thread outReader;
  private final Thread errReader;
  private int streamsEnded;

  private InterruptedCommand(Class<?> main, List<String> args) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
        "--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName()));
    command.addAll(args);
    this.name = main.getSimpleName();
    this.process = new ProcessBuilder(command).start();
    // A thread each, not the common pool: on two cores that has one thread, and the two reads block.
    this.outReader = Thread.ofPlatform().daemon().name(name + "-out").start(() -> collect(process.getInputStream(), out));
    this.errReader = Thread.ofPlatform().daemon().name(name + "-err").start(() -> collect(process.getErrorStream(), err));
  }

  /** Starts {@code main} with {@code args}; closing the result kills it if it is still running. */
  public static InterruptedCommand start(Class<?> main, List<String> args) throws IOException {
    return new InterruptedCommand(main, args);
  }

  /** Runs the command and interrupts it once a line of its standard output starts with {@code linePrefix}. */
  public static Ended afterFirstLine(Class<?> main, List<String> args, String linePrefix) throws Exception {
    try (InterruptedCommand command = start(main, args)) {
      command.awaitOutLine(linePrefix);
      return command.interrupt();
    }
  }

  /** The command's standard input, open until the command ends: what a live capture pipes in, for example. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** Waits for a line of standard output that starts with {@code prefix}, and returns it. */
  public String awaitOutLine(String prefix) throws InterruptedException {
    return await(out, prefix, "output");
  }

  /** Waits for a line of standard error that starts with {@code prefix}, and returns it. */
  public String awaitErrLine(String prefix) throws InterruptedException {
    return await(err, prefix, "error");
  }

  /** Sends SIGINT and waits for the command to end; returns everything it printed. */
  public Ended interrupt() throws Exception {
    new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not end within " + WAIT_SECONDS + " s of Ctrl-C");
    }
    outReader.join(Duration.ofSeconds(10));
    errReader.join(Duration.ofSeconds(10));
    synchronized (this) {
      return new Ended(List.copyOf(out), String.join("\n", err) + (err.isEmpty() ? "" : "\n"), process.exitValue());
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private void collect(InputStream stream, List<String> lines) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      synchronized (this) {
        streamsEnded++;
        notifyAll(); // a waiter gives up once the command has closed both streams
      }
    }
  }

  private synchronized String await(List<String> lines, String prefix, String stream) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    for (int seen = 0; ; ) {
      for (; seen < lines.size(); seen++) {
        if (lines.get(seen).startsWith(prefix)) {
          return lines.get(seen);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || streamsEnded == 2) {
        throw new AssertionError("no line of " + name + "'s standard " + stream + " starts with '" + prefix + "'"
            + (streamsEnded == 2 ? "; it ended" : " within " + WAIT_SECONDS + " s") + "; standard error: " + err);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
