package io.heartguard.scan;

import io.heartguard.targets.ScanTarget;

/**
 * Checks one target and always returns a result: failures of any kind become an INCONCLUSIVE verdict with the
 * reason, never an exception. Implementations are safe to call from many threads at once.
 */
@FunctionalInterface
public interface Scanner {
  ScanResult check(ScanTarget target, ScanOptions options);
}
