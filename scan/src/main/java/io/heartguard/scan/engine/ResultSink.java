package io.heartguard.scan.engine;

import io.heartguard.scan.ScanResult;
import java.io.IOException;
import java.util.List;

/**
 * Where results go: a table, JSON or CSV lines, a database. The engine calls {@link #accept(long, ScanResult)} as
 * each check completes, never from two threads at once, and the caller closes the sink after the run.
 */
public interface ResultSink extends AutoCloseable {
  void accept(ScanResult result) throws IOException;

  /**
   * As {@link #accept(ScanResult)}, with the target's position in the source ({@link ScanEngine#UNNUMBERED} for a
   * target a host name resolved to); only a sink that records positions, such as the database, needs it.
   */
  default void accept(long position, ScanResult result) throws IOException {
    accept(result);
  }

  @Override
  default void close() throws IOException {}

  /** Every one of {@code sinks}, in order; closing closes them all and rethrows the first failure. */
  static ResultSink all(List<? extends ResultSink> sinks) {
    List<ResultSink> each = List.copyOf(sinks);
    return new ResultSink() {
      @Override
      public void accept(ScanResult result) throws IOException {
        for (ResultSink sink : each) {
          sink.accept(result);
        }
      }

      @Override
      public void accept(long position, ScanResult result) throws IOException {
        for (ResultSink sink : each) {
          sink.accept(position, result);
        }
      }

      @Override
      public void close() throws IOException {
        IOException first = null;
        for (ResultSink sink : each) {
          try {
            sink.close();
          } catch (IOException e) {
            if (first == null) {
              first = e;
            }
          }
        }
        if (first != null) {
          throw first;
        }
      }
    };
  }
}
