package io.heartguard.sensor.flow;

import java.util.Locale;

/**
 * Whose bytes win where TCP segments or IPv4 fragments overlap: the receiving host's, as Suricata's
 * {@code host-os-policy} and Snort's stream policies model it (Novak and Sturges, "Target-Based TCP Stream
 * Reassembly", 2007). Bytes already delivered in order are final under every policy: no stack changes what its
 * application could already read.
 */
public enum OsPolicy {
  /**
   * Linux (net/ipv4/tcp_input.c, tcp_data_queue_ofo): a queued segment that holds all of a new one keeps its bytes;
   * a new one that holds all of a queued one replaces it; otherwise the segment that starts earlier wins. An RST
   * counts only at exactly the next expected sequence number (RFC 5961 section 3.2). IPv4 fragments that overlap
   * drop the whole datagram (inet_frag_queue_insert), a fragment inside what is already there is a duplicate.
   */
  LINUX,
  /** FreeBSD and the other BSDs (tcp_reass): an earlier-starting copy wins; IPv4 fragment overlaps: first copy. */
  BSD,
  /** Windows and macOS: the first copy of every byte wins; IPv4 fragment overlaps likewise. */
  WINDOWS,
  /** The first copy of every byte wins. */
  FIRST,
  /** The last copy of every byte wins (Cisco IOS in Novak's table). */
  LAST;

  /** Whether the bytes of a new segment {@code [newStart, newEnd)} replace an older one's where they overlap. */
  boolean newWins(int newStart, int newEnd, int oldStart, int oldEnd) {
    return switch (this) {
      case LINUX -> {
        if (oldStart - newStart <= 0 && newEnd - oldEnd <= 0) {
          yield false; // "All the bits are present. Drop." (tcp_data_queue_ofo)
        }
        if (newStart - oldStart <= 0 && oldEnd - newEnd <= 0) {
          yield true; // the new segment covers the queued one: it replaces it (rb_replace_node, merge_right)
        }
        yield newStart - oldStart < 0; // partial overlap: both kept, the one that starts first is read first
      }
      case BSD -> newStart - oldStart < 0;
      case WINDOWS, FIRST -> false;
      case LAST -> true;
    };
  }

  /** Whether a reset closes the connection: the RFC 5961 exact match for Linux, anywhere in the window else. */
  boolean exactResetOnly() {
    return this == LINUX;
  }

  public static OsPolicy parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--os-policy " + text + " is not one of linux, bsd, windows, first, last");
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
