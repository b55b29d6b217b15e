package io.heartguard.wire.handshake;

import io.heartguard.wire.Bytes;

/**
 * ServerKeyExchange (RFC 5246 section 7.4.3; RFC 4492 section 5.4 for ECDHE), kept opaque. Its layout depends on
 * the negotiated key exchange, which the heartbeat checks never need: the {@link HandshakeReader} frames it by its
 * length and callers skip it. Nothing in the wire core interprets the parameters.
 */
public record ServerKeyExchange(Bytes params) {
  public ServerKeyExchange {
    if (params.size() > 0xffffff) {
      throw new IllegalArgumentException("params of " + params.size() + " bytes exceed a handshake body (at most 2^24-1)");
    }
  }

  /** Takes the body as it is: any bytes are a ServerKeyExchange as far as framing goes. */
  public static ServerKeyExchange parse(Bytes body) {
    return new ServerKeyExchange(body);
  }

  public Bytes toBody() {
    return params;
  }

  public HandshakeMessage toMessage() {
    return new HandshakeMessage(HandshakeType.SERVER_KEY_EXCHANGE, toBody());
  }

  /** Size only: key-exchange parameters are of no use in a log. */
  @Override
  public String toString() {
    return "ServerKeyExchange[params=" + params.size() + " bytes]";
  }
}
