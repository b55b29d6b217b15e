package io.heartguard.scan.engine;

import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.TargetSource;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** A fixed list of targets, in order: for tests and for callers that already hold their few targets. */
public final class TargetList implements TargetSource {
  private final int size;
  private final Iterator<ScanTarget> targets;

  public TargetList(List<ScanTarget> targets) {
    List<ScanTarget> copy = List.copyOf(targets);
    this.size = copy.size();
    this.targets = copy.iterator();
  }

  @Override
  public Optional<ScanTarget> next() {
    return targets.hasNext() ? Optional.of(targets.next()) : Optional.empty();
  }

  @Override
  public OptionalLong sizeHint() {
    return OptionalLong.of(size);
  }
}
