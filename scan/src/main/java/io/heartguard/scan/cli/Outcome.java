package io.heartguard.scan.cli;

import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.scan.engine.ResultSink;
import java.io.IOException;

/** Tallies verdicts into the exit code while passing results on. */
final class Outcome implements ResultSink {
  /** Every target NOT_VULNERABLE. */
  static final int ALL_SAFE = 0;
  /** At least one target VULNERABLE. */
  static final int VULNERABLE = 1;
  /** A bad target or option (picocli's own usage code). */
  static final int USAGE = 2;
  /** Nothing vulnerable, but some target INCONCLUSIVE. */
  static final int INCONCLUSIVE = 3;

  private final ResultSink next;
  private boolean vulnerable;
  private boolean inconclusive;

  Outcome(ResultSink next) {
    this.next = next;
  }

  @Override
  public void accept(ScanResult result) throws IOException {
    tally(result);
    next.accept(result);
  }

  @Override
  public void accept(long position, ScanResult result) throws IOException {
    tally(result);
    next.accept(position, result);
  }

  private void tally(ScanResult result) {
    vulnerable |= result.verdict() == Verdict.VULNERABLE;
    inconclusive |= result.verdict() == Verdict.INCONCLUSIVE;
  }

  int exitCode() {
    return vulnerable ? VULNERABLE : inconclusive ? INCONCLUSIVE : ALL_SAFE;
  }

  @Override
  public void close() throws IOException {
    next.close();
  }
}
