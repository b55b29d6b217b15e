package io.heartguard.detect;

import java.util.HexFormat;

/** Test fixtures: TLS records from hex, fed through a reader into a monitor. */
final class Records {
  static final FlowInfo FLOW = new FlowInfo(FlowInfo.Transport.TCP, "192.0.2.1", 51000, "192.0.2.2", 443, 7);

  private Records() {}

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s+|#[^\\n]*", ""));
  }
}
