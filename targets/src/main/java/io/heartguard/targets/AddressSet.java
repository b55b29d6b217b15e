package io.heartguard.targets;

import io.heartguard.address.Ip128;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A set of addresses as sorted, disjoint inclusive intervals on the 128-bit line, each labelled with the target text
 * that named it (see {@link #label}). Memory is a few words per interval, however many addresses an interval holds; lookups are binary
 * searches. Immutable.
 */
final class AddressSet {
  record Piece(Ip128 first, Ip128 last, String label) {}

  static final AddressSet EMPTY = new AddressSet(List.of());

  private final long[] firstHigh;
  private final long[] firstLow;
  private final long[] lastHigh;
  private final long[] lastLow;
  /** before[i]: how many addresses the pieces before piece i hold, saturating at Long.MAX_VALUE. */
  private final long[] before;
  private final String[] labels;
  private final long count;

  private AddressSet(List<Piece> pieces) {
    int n = pieces.size();
    firstHigh = new long[n];
    firstLow = new long[n];
    lastHigh = new long[n];
    lastLow = new long[n];
    before = new long[n];
    labels = new String[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      Piece p = pieces.get(i);
      firstHigh[i] = p.first().high();
      firstLow[i] = p.first().low();
      lastHigh[i] = p.last().high();
      lastLow[i] = p.last().low();
      labels[i] = p.label();
      before[i] = total;
      total = saturatingAdd(total, Ip128.count(p.first(), p.last()));
    }
    count = total;
  }

  static long saturatingAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /**
   * The union of the blocks; where blocks overlap, an address keeps the label of the block that starts first (the
   * larger one on a tie), so a /24 and an address inside it yield the /24's label. O(n log n).
   */
  static AddressSet union(List<TargetSpec.Block> blocks) {
    List<TargetSpec.Block> sorted = new ArrayList<>(blocks);
    sorted.sort(Comparator.comparing(TargetSpec.Block::first).thenComparing(TargetSpec.Block::last, Comparator.reverseOrder()));
    List<Piece> pieces = new ArrayList<>();
    Ip128 coveredTo = null; // the last address covered so far
    for (TargetSpec.Block b : sorted) {
      if (coveredTo != null && b.last().compareTo(coveredTo) <= 0) {
        continue;
      }
      Ip128 first = coveredTo != null && b.first().compareTo(coveredTo) <= 0 ? coveredTo.next() : b.first();
      // A lone address written as its own literal needs no label: the literal says it, and a list of a million
      // addresses then keeps no strings once built.
      String label = b.first().equals(b.last()) && b.input().equals(b.first().toString()) ? null : b.input();
      Piece previous = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
      if (previous != null && label != null && label.equals(previous.label()) && previous.last().next().equals(first)) {
        pieces.set(pieces.size() - 1, new Piece(previous.first(), b.last(), label));
      } else {
        pieces.add(new Piece(first, b.last(), label));
      }
      coveredTo = b.last();
      if (coveredTo.equals(Ip128.MAX)) {
        break; // nothing lies beyond, and next() would wrap
      }
    }
    return new AddressSet(pieces);
  }

  /** This set without the addresses of {@code removed}, labels kept. O(n + m). */
  AddressSet minus(AddressSet removed) {
    if (removed.size() == 0 || size() == 0) {
      return this;
    }
    List<Piece> pieces = new ArrayList<>();
    int j = 0;
    for (int i = 0; i < size(); i++) {
      Ip128 first = first(i);
      Ip128 last = last(i);
      while (j < removed.size() && removed.last(j).compareTo(first) < 0) {
        j++; // exclusions wholly before this piece cannot touch later pieces either
      }
      int k = j;
      while (first != null && k < removed.size() && removed.first(k).compareTo(last) <= 0) {
        Ip128 cutFirst = removed.first(k);
        Ip128 cutLast = removed.last(k);
        if (cutFirst.compareTo(first) > 0) {
          pieces.add(new Piece(first, cutFirst.previous(), labels[i]));
        }
        first = cutLast.compareTo(last) >= 0 ? null : cutLast.next();
        k++;
      }
      if (first != null) {
        pieces.add(new Piece(first, last, labels[i]));
      }
    }
    return new AddressSet(pieces);
  }

  /** The number of pieces. */
  int size() {
    return labels.length;
  }

  /** The number of addresses, saturating at {@link Long#MAX_VALUE}. */
  long count() {
    return count;
  }

  Ip128 first(int piece) {
    return new Ip128(firstHigh[piece], firstLow[piece]);
  }

  Ip128 last(int piece) {
    return new Ip128(lastHigh[piece], lastLow[piece]);
  }

  /** The target text that named the piece, or null when that was the piece's one address as its own literal. */
  String label(int piece) {
    return labels[piece];
  }

  boolean contains(Ip128 address) {
    int piece = pieceStartingAtOrBefore(address);
    return piece >= 0 && address.compareTo(last(piece)) <= 0;
  }

  /** The piece holding the {@code index}-th address in ascending order, 0 <= index < count(). */
  int pieceOf(long index) {
    int lo = 0;
    int hi = before.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (before[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The {@code index}-th address in ascending order; {@code piece} is {@link #pieceOf}{@code (index)}. */
  Ip128 address(int piece, long index) {
    return first(piece).plus(index - before[piece]);
  }

  /** Whether some address is in both sets. */
  boolean intersects(AddressSet other) {
    int i = 0;
    int j = 0;
    while (i < size() && j < other.size()) {
      if (last(i).compareTo(other.first(j)) < 0) {
        i++;
      } else if (other.last(j).compareTo(first(i)) < 0) {
        j++;
      } else {
        return true;
      }
    }
    return false;
  }

  private int pieceStartingAtOrBefore(Ip128 address) {
    int lo = 0;
    int hi = labels.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(firstHigh[mid], address.high());
      if (c == 0) {
        c = Long.compareUnsigned(firstLow[mid], address.low());
      }
      if (c <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
