package io.heartguard.wire.tls;

import io.heartguard.wire.WireException;

/**
 * A handshake or protected record that breaks RFC 5246 (or RFC 2246 / 4346 for TLS 1.0 / 1.1): an unexpected
 * message, a suite or curve we did not offer, a Finished that does not verify, a record whose MAC or tag fails.
 */
public final class TlsException extends WireException {
  public TlsException(String message) {
    super(message);
  }
}
