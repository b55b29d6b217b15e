package io.heartguard.lab;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * What {@code lab --honeypot} adds to a vulnerable lab, shared by all connections: each source's canary and the
 * memory that holds it, the byte budgets, and which refusals were already logged (once per source until it is
 * served again, once for the global cap).
 */
final class Honeypot {
  private final HoneypotOptions options;
  private final FakeMemory baseMemory;
  private final ServeBudget budget;
  private final Set<InetAddress> refusedSources = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean globalRefused = new AtomicBoolean();

  Honeypot(HoneypotOptions options, FakeMemory baseMemory, LongSupplier clockMillis) {
    this.options = options;
    this.baseMemory = baseMemory;
    this.budget = new ServeBudget(options, clockMillis);
  }

  Canary canaryFor(InetAddress source) {
    return Canary.forSource(options.secret(), source);
  }

  /** The heap a connection from {@code source} reads: the lab's, plus that source's canary login. */
  FakeMemory memoryFor(InetAddress source) {
    return baseMemory.withCanary(canaryFor(source).asLoginRequest());
  }

  /** Whether a leak of {@code heapBytes} bytes of heap (counted from its start) reaches past the whole canary. */
  static boolean servesCanary(int heapBytes, Canary canary) {
    return heapBytes >= FakeMemory.CANARY_OFFSET + canary.asLoginRequest().length();
  }

  ServeBudget.Decision tryServe(InetAddress source, long bytes) {
    ServeBudget.Decision decision = budget.tryServe(source, bytes);
    if (decision == ServeBudget.Decision.SERVE) {
      refusedSources.remove(source);
      globalRefused.set(false);
    }
    return decision;
  }

  /** "65536 B/s and 1048576 B/min per source, …", for the rate_limited line. */
  String limitsText() {
    return options.sourceBytesPerSecond() + " B/s and " + options.sourceBytesPerMinute() + " B/min per source, "
        + options.globalBytesPerSecond() + " B/s and " + options.globalBytesPerMinute() + " B/min in all";
  }

  /** True the first time a refusal of this kind happens since the source (or anyone, for the global cap) was served. */
  boolean firstRefusal(InetAddress source, ServeBudget.Decision decision) {
    return decision == ServeBudget.Decision.OVER_GLOBAL_LIMIT
        ? globalRefused.compareAndSet(false, true)
        : refusedSources.add(source);
  }
}
