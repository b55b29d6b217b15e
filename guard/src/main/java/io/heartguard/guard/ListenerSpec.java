package io.heartguard.guard;

import java.util.Objects;
import java.util.Set;

/** One listener: where the guard accepts, where it connects on, and what it blocks there. */
public record ListenerSpec(Endpoint listen, Endpoint upstream, Set<Policy> policies, Action action) {
  public ListenerSpec {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(action, "action");
    if (policies.isEmpty()) {
      throw new IllegalArgumentException("a listener needs at least one policy");
    }
    policies = Set.copyOf(policies);
  }

  public String describePolicy() {
    return Policy.describe(new java.util.TreeSet<>(policies)) + ", action " + action.cliName();
  }
}
