package io.heartguard.scan.engine;

import io.heartguard.targets.ScanTarget;
import java.io.IOException;

/** Targets a resumed job already has results for: the engine takes them from the source and skips them. */
@FunctionalInterface
public interface DoneTargets {
  DoneTargets NONE = (position, target) -> false;

  /** {@code position} is the target's place in the source, or {@link ScanEngine#UNNUMBERED} for a name's address. */
  boolean contains(long position, ScanTarget target) throws IOException;
}
