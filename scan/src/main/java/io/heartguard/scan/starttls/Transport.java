package io.heartguard.scan.starttls;

/**
 * The connection as a dialog sees it: raw bytes before TLS. The scanner's implementation applies the check's
 * deadline and read limit, so a dialog cannot outlive the check or read without bound.
 */
public interface Transport {
  /**
   * Reads at least one and at most {@code length} bytes. Throws with kind {@code TRANSPORT} when the server closes,
   * resets, or is silent until the deadline, and with kind {@code LIMIT} past the read limit.
   */
  int read(byte[] buffer, int offset, int length) throws StartTlsException;

  void write(byte[] data) throws StartTlsException;
}
