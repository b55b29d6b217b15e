package io.heartguard.scan.engine;

import io.heartguard.scan.Target;
import java.util.Iterator;
import java.util.List;

/** A fixed list of targets, in order. */
public final class TargetList implements TargetSource {
  private final Iterator<Target> targets;

  public TargetList(List<Target> targets) {
    this.targets = List.copyOf(targets).iterator();
  }

  @Override
  public Target next() {
    return targets.hasNext() ? targets.next() : null;
  }
}
