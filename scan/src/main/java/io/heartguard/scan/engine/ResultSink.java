package io.heartguard.scan.engine;

import io.heartguard.scan.ScanResult;
import java.io.IOException;

/**
 * Where results go: a table or JSON lines today, a database later. The engine calls {@link #accept} as each check
 * completes, never from two threads at once, and {@link #close()} after the last one.
 */
public interface ResultSink extends AutoCloseable {
  void accept(ScanResult result) throws IOException;

  @Override
  default void close() throws IOException {}
}
