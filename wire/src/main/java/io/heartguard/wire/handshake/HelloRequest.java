package io.heartguard.wire.handshake;

import io.heartguard.wire.Bytes;

/** HelloRequest (RFC 5246 section 7.4.1.1): "struct { } HelloRequest;", a server's request to renegotiate. */
public record HelloRequest() {
  public static final HelloRequest INSTANCE = new HelloRequest();

  /** Insists on the empty body: any byte in it is a framing error. */
  public static HelloRequest parse(Bytes body) throws HandshakeException {
    if (!body.isEmpty()) {
      throw new HandshakeException("HelloRequest has a body of " + body.size() + " bytes; expected none");
    }
    return INSTANCE;
  }

  public Bytes toBody() {
    return Bytes.EMPTY;
  }

  public HandshakeMessage toMessage() {
    return new HandshakeMessage(HandshakeType.HELLO_REQUEST, toBody());
  }
}
