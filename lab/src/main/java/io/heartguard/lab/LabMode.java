package io.heartguard.lab;

/** Which OpenSSL the lab pretends to be. */
public enum LabMode {
  /** OpenSSL 1.0.1f: payload_length is never checked, so a response copies whatever memory follows the request. */
  VULNERABLE,
  /** OpenSSL 1.0.1g: a heartbeat whose payload_length leaves no room for 16 bytes of padding is discarded silently. */
  PATCHED;

  /** "vulnerable" or "patched", as the command line and the log spell it. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
