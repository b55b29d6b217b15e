package io.heartguard.targets;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Targets, pulled one at a time by the scan engine from one thread: a permuted {@link TargetSpace} today, a Kafka
 * topic for a distributed scanner later.
 */
public interface TargetSource extends AutoCloseable {
  /** The next target, blocking until one is available (a name may be resolved first); empty once exhausted. */
  Optional<ScanTarget> next() throws IOException, InterruptedException;

  /** How many targets this source yields in all, for a progress line's total, when known; an estimate. */
  OptionalLong sizeHint();

  @Override
  default void close() throws IOException {}
}
