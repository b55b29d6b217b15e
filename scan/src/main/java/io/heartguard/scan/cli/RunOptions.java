package io.heartguard.scan.cli;

import io.heartguard.scan.engine.ScanEngine;
import picocli.CommandLine.Option;

/** How many targets a run checks at once and how politely, how it shows progress, and where it keeps results. */
final class RunOptions {
  @Option(names = "--concurrency", paramLabel = "N",
      description = "targets checked at once (default: " + ScanEngine.DEFAULT_CONCURRENCY + ")")
  int concurrency = ScanEngine.DEFAULT_CONCURRENCY;

  @Option(names = "--rate", paramLabel = "N", description = "at most N new checks a second, retries included (default: no limit)")
  Double rate;

  @Option(names = "--retries", paramLabel = "N",
      description = "check an INCONCLUSIVE target again up to N times, after 0.5s, 1s, ..., when another try might"
          + " help (a timeout, reset or close; not a refusal, alert or protocol error: docs/SCAN-MANY.md) (default: 1)")
  int retries = 1;

  @Option(names = "--csv", description = "one CSV row per target (RFC 4180, with a header line), as each completes")
  boolean csv;

  @Option(names = "--progress", negatable = true,
      description = "show done/total, rate, vulnerable and ETA on stderr (default: when stderr is a terminal)")
  Boolean progress;

  @Option(names = "--db", paramLabel = "DB",
      description = "store results in a SQLite file or a jdbc:sqlite:/jdbc:postgresql: URL (docs/STORE.md)")
  String db;

  @Option(names = "--job", paramLabel = "NAME", description = "name the job in --db (default: scan-DATE-TIME-XXXX, printed)")
  String job;

  @Option(names = "--resume", paramLabel = "JOB",
      description = "continue an interrupted job of --db: its targets, skipping those already done")
  String resume;

  @Option(names = "--kafka", paramLabel = "HOST:PORT",
      description = "run the job on `heartguard worker`s through this Kafka broker; needs --job or --resume, stores in"
          + " --db (default: heartguard.db) (docs/DISTRIBUTED.md)")
  String kafka;

  @Option(names = "--block-size", paramLabel = "N",
      description = "with --kafka: targets a block of work holds, the unit a worker takes and redoes (default: 2048)")
  int blockSize = 2048;
}
