package io.heartguard.fleet;

import io.heartguard.scan.engine.ScanEngine;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code heartguard worker}: checks blocks of targets that {@code heartguard scan --kafka} publishes. */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Checks blocks of targets for `heartguard scan --kafka` jobs, as one member of the workers' Kafka consumer group.",
        "Start any number, on any machines; they share the work and each job's --rate (docs/DISTRIBUTED.md).",
        "SIGTERM commits the finished blocks and hands the others back to the group; stop with Ctrl-C or kill."})
public final class WorkerCommand implements Callable<Integer> {
  /** How long SIGTERM waits for the blocks in hand to be committed or handed back, beyond the engine's grace. */
  private static final long HAND_BACK_MILLIS = 15_000;

  @Spec
  private CommandSpec spec;

  @Option(names = "--kafka", paramLabel = "HOST:PORT", required = true, description = "the Kafka broker to bootstrap from")
  private String kafka;

  @Option(names = "--concurrency", paramLabel = "N",
      description = "targets checked at once (default: " + ScanEngine.DEFAULT_CONCURRENCY + ")")
  private int concurrency = ScanEngine.DEFAULT_CONCURRENCY;

  public WorkerCommand() {}

  /** Standalone entry point; {@code heartguard} runs this command as its {@code worker} subcommand instead. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (concurrency < 1) {
      throw new ParameterException(spec.commandLine(), "--concurrency must be at least 1, got " + concurrency);
    }
    PrintWriter err = spec.commandLine().getErr();
    Worker worker = new Worker(kafka, concurrency, err);
    CountDownLatch left = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      worker.stop();
      try {
        left.await(ScanEngine.DEFAULT_GRACE.toMillis() + HAND_BACK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "heartguard-worker-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    err.println("worker: joined group " + Topics.WORKERS + " on " + kafka);
    err.flush();
    try {
      worker.run();
    } finally {
      left.countDown();
    }
    return 0;
  }
}
