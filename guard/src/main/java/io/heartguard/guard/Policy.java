package io.heartguard.guard;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which findings the guard acts on. Every finding raises an alert whatever the policy; a policy only decides which
 * findings also drop or reset. Policies combine ({@code block-malformed,block-leak}); {@code monitor} stands alone.
 * Under every policy but monitor the guard also drops heartbeats during the handshake and the heartbeat records of 1
 * or 2 bytes the engine reports as truncated, and resets bytes it cannot frame.
 *
 * <p>The default is {@code restrict}: the precise policies judge an encrypted response by its length against its
 * request's, and CBC padding, which the requester chooses (up to 255 bytes in TLS 1.0 to 1.2), can make a request
 * look as long as a response that carries some 240 bytes of the server's memory. Only dropping every heartbeat holds
 * that case; heartbeats are rarely used, so little is lost.
 */
public enum Policy {
  /**
   * A plaintext request whose payload_length leaves no room in its record for it and 16 bytes of padding, an
   * encrypted heartbeat shorter than any valid one, and a plaintext response echoing more than was sent.
   */
  BLOCK_MALFORMED,
  /** A heartbeat response longer than the request it answers, decided on the record header alone. */
  BLOCK_LEAK,
  /** Every heartbeat record, both ways ("restrict heartbeat messages"). */
  RESTRICT,
  /** Alerts only: nothing is ever dropped or reset. */
  MONITOR;

  public static final Set<Policy> DEFAULT = EnumSet.of(RESTRICT);

  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a comma-separated list such as {@code block-malformed,block-leak}. */
  public static Set<Policy> parseList(String text) {
    EnumSet<Policy> policies = EnumSet.noneOf(Policy.class);
    for (String part : text.split(",")) {
      policies.add(parse(part));
    }
    if (policies.contains(MONITOR) && policies.size() > 1) {
      throw new IllegalArgumentException("policy 'monitor' cannot be combined with blocking policies, got '" + text + "'");
    }
    return policies;
  }

  public static Policy parse(String text) {
    for (Policy p : values()) {
      if (p.cliName().equals(text.strip())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "policy '" + text.strip() + "' is not one of block-malformed, block-leak, restrict, monitor");
  }

  public static String describe(Set<Policy> policies) {
    return String.join(",", policies.stream().map(Policy::cliName).toList());
  }
}
