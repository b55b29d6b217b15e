package io.heartguard.sensor.flow;

import java.util.Locale;

/**
 * Whether IPv4 header and TCP checksums are checked, as Suricata's {@code checksum-checks}. A host drops a segment
 * whose checksum is wrong, so the sensor must too, or a segment no receiver read could stand in for the real one.
 * But a capture taken on the sending host sees its packets before the NIC fills their checksums in (checksum
 * offload; every packet on loopback): there every sent packet looks bad.
 */
public enum ChecksumMode {
  /** Decide from the capture's first TCP segments: mostly good, check them all; often bad, offload, check none. */
  AUTO,
  ON,
  OFF;

  public static ChecksumMode parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--checksums " + text + " is not one of auto, on, off");
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
