package io.heartguard.scan.cli;

import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.engine.DoneTargets;
import io.heartguard.scan.engine.JobDatabase;
import io.heartguard.scan.engine.JobLog;
import io.heartguard.scan.engine.RateLimiter;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.scan.engine.ScanEngine;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.targets.PortList;
import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.Shard;
import io.heartguard.targets.TargetSource;
import io.heartguard.targets.TargetSpace;
import io.heartguard.targets.TargetSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * One {@code heartguard scan} over many targets: builds the target space (or rebuilds a resumed job's), opens the
 * database, runs the engine with the report, the database and the progress line as sinks, and on Ctrl-C stops
 * taking targets, lets the checks in flight finish within the grace, and flushes everything before the JVM exits.
 */
final class ScanRun {
  private static final DateTimeFormatter JOB_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  /** How long a shutdown hook waits for the run to flush, beyond the engine's grace. */
  private static final long FLUSH_MILLIS = 10_000;

  /** The report on stdout, given the order a table sorts rows in and how many targets the scan has. */
  interface Report {
    ResultSink open(Comparator<ScanTarget> order, long targets) throws IOException;
  }

  private final CommandLine cmd;
  private final PrintWriter err;

  ScanRun(CommandLine cmd) {
    this.cmd = cmd;
    this.err = cmd.getErr();
  }

  /**
   * Runs the scan. {@code protocol} names how targets are reached, as the job keeps it: {@code tls}, {@code dtls},
   * {@code auto} or a STARTTLS protocol.
   */
  int execute(TargetOptions given, RunOptions run, StartTlsMode starttls, String protocol, ScanOptions options,
      Scanner scanner, boolean oneTargetOnly, Report report, InputStream stdin) throws IOException, InterruptedException {
    if (run.kafka != null && run.db == null) {
      run.db = FLEET_DB;
    }
    validate(given, run);
    // A job is resumed from a database that exists: --resume NOJOB must not leave an empty database behind.
    JobDatabase store = run.db == null ? null : open(run.db, run.resume != null);
    try {
      Plan plan = plan(given, run, starttls, protocol, store, stdin);
      if (oneTargetOnly && plan.space.size() != 1) {
        throw usage("--dump takes exactly one target, got " + plan.space.size());
      }
      if (run.kafka != null) {
        return fleet(plan, run, options, protocol, store);
      }
      return scan(plan, run, options, scanner, store, report);
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  private static final long SEED_WORTH_PRINTING = 256;
  /**
   * The largest target space a scan walks without --allow-large: a /16 on one port. Larger spaces reach networks
   * that are not the user's, so the scan asks for the flag instead of starting at once.
   */
  static final long LARGE_SPACE = 1L << 16;

  /** A block's targets: its JSON stays well under the blocks topic's 8 MB records. */
  static final int MAX_BLOCK_SIZE = 65_536;
  /** Where a --kafka job is stored without --db. */
  static final String FLEET_DB = "heartguard.db";

  /** --kafka: the same plan, checked by workers (docs/DISTRIBUTED.md). */
  private int fleet(Plan plan, RunOptions run, ScanOptions options, String protocol, JobDatabase store)
      throws IOException, InterruptedException {
    ScanFleet fleet = ScanFleet.find().orElseThrow(() -> usage("--kafka needs the fleet module, which this build lacks"));
    try (TargetSource source = plan.space.open()) {
      return fleet.run(new ScanFleet.Job(run.kafka, source, store, plan.job, options, protocol, run.retries, run.rate,
          run.blockSize, showProgress(run), err));
    }
  }

  /** The targets, their seed and, with --db, the job they belong to. */
  private record Plan(JobTargets targets, TargetSpace space, JobLog job) {}

  private Plan plan(TargetOptions given, RunOptions run, StartTlsMode starttls, String protocol, JobDatabase store,
      InputStream stdin) {
    try {
      JobTargets targets;
      long seed;
      JobLog job = null;
      if (run.resume != null) {
        job = store.resume(run.resume);
        targets = JobTargets.decode(job.targetSpec());
        seed = job.seed();
        if (targets.protocol() != null && !targets.protocol().equals(protocol)) {
          throw usage("job " + run.resume + " was started with " + option(targets.protocol())
              + "; resume it with the same option, not " + option(protocol));
        }
      } else {
        PortList ports = given.ports != null ? PortList.parse(given.ports)
            : starttls.protocol() != null ? PortList.of(starttls.protocol().defaultPort()) : PortList.DEFAULT;
        Shard shard = given.shard == null ? Shard.WHOLE : Shard.parse(given.shard);
        targets = JobTargets.of(given.arguments, given.lists, ports, given.excludes, given.excludeLists, shard, stdin)
            .withProtocol(protocol);
        seed = given.seed != null ? given.seed : new SplittableRandom().nextLong();
      }
      TargetSpace space = targets.space(seed);
      if (run.resume == null && space.size() > LARGE_SPACE && !given.allowLarge) {
        throw usage("the targets are " + space.size() + " address-port pairs, more than " + LARGE_SPACE
            + " (a /16 on one port): give --allow-large to scan them all");
      }
      if (!space.leftOut().isEmpty()) {
        err.println("scan: left out the special-purpose ranges the targets cover: " + space.leftOut().stream()
            .map(sp -> sp.range().toString()).collect(java.util.stream.Collectors.joining(", "))
            + " (write one as a target of its own to scan it; docs/TARGETS.md)");
      }
      if (space.isEmpty()) {
        throw usage("no targets left to check: the exclusions cover them all");
      }
      if (store != null && job == null) {
        String name = run.job != null ? run.job : generatedJobName();
        job = store.create(name, targets.encode(), seed);
        err.println("scan: job " + name + " in " + store.name());
      } else if (job != null) {
        err.println("scan: resuming job " + job.jobId() + " in " + store.name() + ": " + job.doneCount()
            + " targets already checked" + (targets.shard().isWhole() ? "" : " (shard " + targets.shard() + ")"));
      }
      // Only a space larger than a /24 has an order worth repeating; a few named targets need no seed line.
      if (given.seed == null && run.resume == null && space.numericSize() > SEED_WORTH_PRINTING) {
        err.println("scan: seed " + seed + " (repeat this order with --seed " + seed + ")");
      }
      err.flush();
      return new Plan(targets, space, job);
    } catch (TargetSyntaxException | IOException | IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** The command-line option that picks {@code protocol}. */
  private static String option(String protocol) {
    return switch (protocol) {
      case "tls" -> "plain TLS (no --starttls or --dtls)";
      case "dtls" -> "--dtls";
      default -> "--starttls " + protocol;
    };
  }

  private int scan(Plan plan, RunOptions run, ScanOptions options, Scanner scanner, JobDatabase store, Report report)
      throws IOException, InterruptedException {
    ScanEngine engine = new ScanEngine(scanner, options, run.concurrency)
        .retries(run.retries, ScanEngine.DEFAULT_BACKOFF);
    if (run.rate != null) {
      engine.rate(RateLimiter.perSecond(run.rate));
    }
    List<ResultSink> sinks = new ArrayList<>();
    sinks.add(report.open(order(plan.targets), plan.space.size()));
    if (plan.job != null) {
      sinks.add(plan.job);
      engine.skipping(plan.job);
    } else {
      engine.skipping(DoneTargets.NONE);
    }
    Outcome outcome = new Outcome(ResultSink.all(sinks));
    CountDownLatch flushed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      engine.stop();
      try {
        flushed.await(ScanEngine.DEFAULT_GRACE.toMillis() + FLUSH_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "heartguard-scan-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    ScanEngine.Run result;
    try {
      try (TargetSource source = plan.space.open();
          ProgressLine progress = showProgress(run) ? ProgressLine.start(err, () -> counts(engine, source)) : null;
          outcome) {
        result = engine.run(source, outcome);
      }
      if (plan.job != null && result.exhausted()) {
        plan.job.finish(result.numbered());
      }
      if (!result.exhausted()) {
        err.println("scan: stopped after " + result.checked() + " checks" + (store == null
            ? "; the scan cannot be resumed: run it with --db FILE to keep its results and resume it after a stop"
            : "; continue with: heartguard scan --db " + run.db + " --resume " + plan.job.jobId()));
        err.flush();
      }
    } finally {
      flushed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down (Ctrl-C): the hook is running and has just been released.
      }
    }
    return outcome.exitCode();
  }

  private static ProgressLine.Counts counts(ScanEngine engine, TargetSource source) {
    ScanEngine.Progress p = engine.progress();
    return new ProgressLine.Counts(p.done(), source.sizeHint().orElse(-1), p.vulnerable());
  }

  private static boolean showProgress(RunOptions run) {
    return run.progress != null ? run.progress : ProgressLine.onTerminal();
  }

  /** Rows in the order their targets were given, then by address and port (a block's addresses in order). */
  private static Comparator<ScanTarget> order(JobTargets targets) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < targets.targets().size(); i++) {
      index.putIfAbsent(targets.targets().get(i), i);
    }
    Comparator<ScanTarget> byInput = Comparator.comparingInt(t -> index.getOrDefault(t.input(), Integer.MAX_VALUE));
    return byInput.thenComparing(ScanRun::addressBytes, ScanRun::compareUnsigned).thenComparingInt(ScanTarget::port);
  }

  private static byte[] addressBytes(ScanTarget t) {
    InetAddress a = t.address();
    return a == null ? new byte[0] : a.getAddress();
  }

  private static int compareUnsigned(byte[] a, byte[] b) {
    return a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compareUnsigned(a, b);
  }

  private void validate(TargetOptions given, RunOptions run) {
    if (run.concurrency < 1) {
      throw usage("--concurrency must be at least 1, got " + run.concurrency);
    }
    if (run.retries < 0) {
      throw usage("--retries must be at least 0, got " + run.retries);
    }
    if (run.rate != null && !(run.rate > 0 && run.rate < Double.POSITIVE_INFINITY)) {
      throw usage("--rate must be a positive number of checks a second, got " + run.rate);
    }
    if ((run.resume != null || run.job != null) && run.db == null) {
      throw usage((run.resume != null ? "--resume" : "--job") + " needs --db, the database that holds the job");
    }
    if (run.resume != null && run.job != null) {
      throw usage("--resume names the job already; give --job only to a new one");
    }
    if (run.resume != null && (given.given() || !given.excludes.isEmpty() || !given.excludeLists.isEmpty()
        || given.ports != null || given.seed != null)) {
      throw usage("--resume " + run.resume + " takes its targets, ports, exclusions and seed from the job; give none");
    }
    if (run.resume != null && given.shard != null) {
      throw usage("--resume " + run.resume + " walks the shard the job was started with; give no --shard");
    }
    if (given.shard != null && given.seed == null && run.resume == null) {
      // A drawn seed differs on every machine, and shards of different orders overlap and miss targets.
      throw usage("--shard " + given.shard + " needs --seed, the same on every machine, so that the shards split one order");
    }
    if (run.blockSize < 1 || run.blockSize > MAX_BLOCK_SIZE) {
      throw usage("--block-size must be 1.." + MAX_BLOCK_SIZE + ", got " + run.blockSize);
    }
    if (run.kafka != null && run.job == null && run.resume == null) {
      throw usage("--kafka needs --job NAME (or --resume JOB): workers and the coordinator meet on the job's name");
    }
    if (run.resume == null && !given.given()) {
      throw usage("no targets: give TARGET arguments, -iL FILE, or - to read them from stdin");
    }
  }

  private JobDatabase open(String db, boolean mustExist) {
    try {
      return JobDatabase.installed().open(db, mustExist);
    } catch (IOException e) {
      throw usage(e.getMessage());
    }
  }

  private static String generatedJobName() {
    byte[] tag = new byte[2];
    ThreadLocalRandom.current().nextBytes(tag);
    return "scan-" + JOB_TIME.format(java.time.Instant.now()) + "-" + HexFormat.of().formatHex(tag);
  }

  private ParameterException usage(String message) {
    return new ParameterException(cmd, message);
  }
}
