package io.heartguard.wire.handshake;

import io.heartguard.wire.WireException;

/** A handshake message that breaks RFC 5246 section 7.4 (or RFC 6347 section 4.2 for DTLS). */
public final class HandshakeException extends WireException {
  public HandshakeException(String message) {
    super(message);
  }
}
