package io.heartguard.scan.starttls;

import java.util.Locale;
import java.util.Optional;

/**
 * How a check reaches TLS: directly ({@link #NONE}), always through one protocol's STARTTLS dialog, or through the
 * dialog that the target's port implies ({@link #AUTO}; other ports get plain TLS).
 *
 * @param protocol the protocol for every target, or null
 * @param byPort whether the protocol comes from each target's port
 */
public record StartTlsMode(StartTls protocol, boolean byPort) {
  public static final StartTlsMode NONE = new StartTlsMode(null, false);
  public static final StartTlsMode AUTO = new StartTlsMode(null, true);

  public StartTlsMode {
    if (protocol != null && byPort) {
      throw new IllegalArgumentException("a fixed protocol (" + protocol.protocolName() + ") or by port, not both");
    }
  }

  public static StartTlsMode of(StartTls protocol) {
    return new StartTlsMode(java.util.Objects.requireNonNull(protocol), false);
  }

  /** {@code auto}, {@code none} or a protocol name. */
  public static StartTlsMode parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "auto" -> AUTO;
      case "none", "tls" -> NONE;
      default -> {
        try {
          yield of(StartTls.parse(text));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(e.getMessage().replace("expected one of", "expected auto, none or one of"));
        }
      }
    };
  }

  /** The dialog to run before TLS on this port, or empty for plain TLS. */
  public Optional<StartTls> forPort(int port) {
    return byPort ? StartTls.forPort(port) : Optional.ofNullable(protocol);
  }
}
