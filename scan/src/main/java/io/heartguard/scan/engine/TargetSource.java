package io.heartguard.scan.engine;

import io.heartguard.scan.Target;
import java.io.IOException;

/**
 * Where targets come from: a list given on the command line today; a file, a CIDR range or a Kafka topic later.
 * The engine calls {@link #next()} from one thread only.
 */
public interface TargetSource extends AutoCloseable {
  /** The next target, blocking until one is available, or null once the source is exhausted. */
  Target next() throws IOException, InterruptedException;

  @Override
  default void close() throws IOException {}
}
