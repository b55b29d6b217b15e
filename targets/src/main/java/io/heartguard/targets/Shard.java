package io.heartguard.targets;

import io.heartguard.address.AddressSyntaxException;

/**
 * One part of a scan split over several machines, as the user writes it: {@code K/N}, shard K (counted from 1) of N.
 * The N shards partition the one order a seed fixes, zmap-style: shard K takes the walk's positions K-1, K-1+N,
 * K-1+2N, ..., so every machine must use the same seed and the same targets.
 */
public record Shard(int number, int count) {
  /** The whole space: one shard of one. */
  public static final Shard WHOLE = new Shard(1, 1);

  public Shard {
    if (count < 1 || number < 1 || number > count) {
      throw new IllegalArgumentException("shard " + number + "/" + count + " is not K/N with 1 <= K <= N");
    }
  }

  /** Parses {@code K/N}, like {@code 2/4}. */
  public static Shard parse(String text) throws TargetSyntaxException {
    int slash = text.indexOf('/');
    int number;
    int count;
    try {
      if (slash < 0) {
        throw new NumberFormatException();
      }
      number = Integer.parseInt(text.substring(0, slash));
      count = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new TargetSyntaxException("bad shard " + AddressSyntaxException.quoted(text) + ": expected K/N, shard K of N counted from 1, like 2/4");
    }
    if (count < 1 || number < 1 || number > count) {
      throw new TargetSyntaxException("bad shard " + AddressSyntaxException.quoted(text) + ": expected K/N with 1 <= K <= N, like 2/4");
    }
    return new Shard(number, count);
  }

  /** The 0-based index the walk starts from. */
  public int index() {
    return number - 1;
  }

  public boolean isWhole() {
    return count == 1;
  }

  @Override
  public String toString() {
    return number + "/" + count;
  }
}
