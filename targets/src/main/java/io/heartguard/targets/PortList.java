package io.heartguard.targets;

import io.heartguard.address.AddressSyntaxException;
import io.heartguard.address.Port;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of TCP ports, kept as sorted disjoint ranges so {@code 1-65535} costs as little as {@code 443}. Written like
 * nmap's {@code -p}: {@code 443,465,993,995,8443} and ranges {@code 8440-8443}; order and repeats do not matter.
 */
public final class PortList {
  /** Port 443, https (RFC 9110 section 4.2.2), when no {@code -p} is given. */
  public static final PortList DEFAULT = of(443);

  private static final String EXPECTED = "expected ports 1..65535 like 443,8443 or ranges like 8440-8443";

  private final int[] firsts;
  private final int[] lasts;
  /** before[i]: how many ports the ranges before range i hold, to find the i-th port by binary search. */
  private final int[] before;
  private final int size;

  private PortList(int[] firsts, int[] lasts) {
    this.firsts = firsts;
    this.lasts = lasts;
    this.before = new int[firsts.length];
    int n = 0;
    for (int i = 0; i < firsts.length; i++) {
      before[i] = n;
      n += lasts[i] - firsts[i] + 1;
    }
    this.size = n;
  }

  public static PortList of(int... ports) {
    List<int[]> ranges = new ArrayList<>();
    for (int port : ports) {
      Port.require(port);
      ranges.add(new int[] {port, port});
    }
    return normalized(ranges);
  }

  /** Parses {@code 443,465,8440-8443}; the message of the exception names the bad entry. */
  public static PortList parse(String text) throws TargetSyntaxException {
    String s = text.strip();
    if (s.isEmpty()) {
      throw new TargetSyntaxException("empty port list: " + EXPECTED);
    }
    List<int[]> ranges = new ArrayList<>();
    for (String entry : s.split(",", -1)) {
      String e = entry.strip();
      if (e.isEmpty()) {
        throw new TargetSyntaxException("bad port list " + AddressSyntaxException.quoted(text) + ": empty entry between commas");
      }
      int dash = e.indexOf('-');
      if (dash < 0) {
        int port = port(e, text);
        ranges.add(new int[] {port, port});
        continue;
      }
      int first = port(e.substring(0, dash).strip(), text);
      int last = port(e.substring(dash + 1).strip(), text);
      if (first > last) {
        throw new TargetSyntaxException(
            "bad port range " + TargetParser.quoted(e, text) + ": the first port is larger than the last");
      }
      ranges.add(new int[] {first, last});
    }
    return normalized(ranges);
  }

  /** One port number 1..65535, as in {@code host:8443} or an entry of a port list. */
  static int port(String token, String input) throws TargetSyntaxException {
    try {
      return Port.parse(token);
    } catch (AddressSyntaxException e) {
      throw new TargetSyntaxException(e.in(input));
    }
  }

  private static PortList normalized(List<int[]> ranges) {
    ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
    List<int[]> merged = new ArrayList<>();
    for (int[] r : ranges) {
      int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && r[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], r[1]);
      } else {
        merged.add(new int[] {r[0], r[1]});
      }
    }
    return new PortList(
        merged.stream().mapToInt(r -> r[0]).toArray(), merged.stream().mapToInt(r -> r[1]).toArray());
  }

  public PortList union(PortList other) {
    List<int[]> ranges = new ArrayList<>();
    for (PortList list : List.of(this, other)) {
      for (int i = 0; i < list.firsts.length; i++) {
        ranges.add(new int[] {list.firsts[i], list.lasts[i]});
      }
    }
    return normalized(ranges);
  }

  public int size() {
    return size;
  }

  /** The {@code index}-th port in ascending order, 0-based. */
  public int port(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("port index " + index + " of " + size);
    }
    int i = Arrays.binarySearch(before, index);
    if (i < 0) {
      i = -i - 2; // the range that starts before index
    }
    return firsts[i] + (index - before[i]);
  }

  public boolean contains(int port) {
    int i = Arrays.binarySearch(firsts, port);
    if (i >= 0) {
      return true;
    }
    i = -i - 2;
    return i >= 0 && port <= lasts[i];
  }

  /** Whether some port is in both lists. */
  boolean intersects(PortList other) {
    int i = 0;
    int j = 0;
    while (i < firsts.length && j < other.firsts.length) {
      if (lasts[i] < other.firsts[j]) {
        i++;
      } else if (other.lasts[j] < firsts[i]) {
        j++;
      } else {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortList p && Arrays.equals(firsts, p.firsts) && Arrays.equals(lasts, p.lasts);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(firsts) + Arrays.hashCode(lasts);
  }

  /** The canonical form, sorted and merged: {@code 443,465,8440-8443}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < firsts.length; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(firsts[i]);
      if (lasts[i] != firsts[i]) {
        s.append('-').append(lasts[i]);
      }
    }
    return s.toString();
  }
}
