package io.heartguard.wire.record;

import io.heartguard.wire.WireException;

/** A TLS or DTLS record header or framing that breaks RFC 5246 section 6.2 / RFC 6347 section 4.1. */
public final class RecordException extends WireException {
  public RecordException(String message) {
    super(message);
  }
}
