package io.heartguard.store;

import io.heartguard.scan.Verdict;

/** How many results of one kind (one port, one protocol, one TLS version) ended in each verdict. */
public record Tally(String key, long vulnerable, long notVulnerable, long inconclusive) {

  public long total() {
    return vulnerable + notVulnerable + inconclusive;
  }

  public long count(Verdict verdict) {
    return switch (verdict) {
      case VULNERABLE -> vulnerable;
      case NOT_VULNERABLE -> notVulnerable;
      case INCONCLUSIVE -> inconclusive;
    };
  }

  Tally plus(Verdict verdict, long n) {
    return switch (verdict) {
      case VULNERABLE -> new Tally(key, vulnerable + n, notVulnerable, inconclusive);
      case NOT_VULNERABLE -> new Tally(key, vulnerable, notVulnerable + n, inconclusive);
      case INCONCLUSIVE -> new Tally(key, vulnerable, notVulnerable, inconclusive + n);
    };
  }
}
