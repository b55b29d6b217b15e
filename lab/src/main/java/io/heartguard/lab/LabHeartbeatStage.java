package io.heartguard.lab;

/** When the lab answers heartbeats: {@code lab --heartbeats any|after-handshake}. */
public enum LabHeartbeatStage {
  /** Plaintext heartbeats between ServerHelloDone and ClientKeyExchange, as 1.0.1f did; no handshake completes. */
  ANY,
  /**
   * Only inside a completed handshake (RSA key exchange), encrypted; plaintext heartbeats before it are ignored, as
   * a server or a filter that drops them would. Finds scanners that stop before the handshake.
   */
  AFTER_HANDSHAKE;

  /** "any" or "after-handshake", as the command line spells it. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static LabHeartbeatStage parse(String text) {
    for (LabHeartbeatStage s : values()) {
      if (s.label().equals(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("heartbeats must be any or after-handshake, got " + text);
  }
}
