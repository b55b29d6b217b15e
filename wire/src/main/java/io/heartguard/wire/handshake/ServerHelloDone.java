package io.heartguard.wire.handshake;

import io.heartguard.wire.Bytes;

/** ServerHelloDone (RFC 5246 section 7.4.5): "struct { } ServerHelloDone;", the end of the server's first flight. */
public record ServerHelloDone() {
  public static final ServerHelloDone INSTANCE = new ServerHelloDone();

  /** Insists on the empty body: any byte in it is a framing error. */
  public static ServerHelloDone parse(Bytes body) throws HandshakeException {
    if (!body.isEmpty()) {
      throw new HandshakeException("ServerHelloDone has a body of " + body.size() + " bytes; expected none");
    }
    return INSTANCE;
  }

  public Bytes toBody() {
    return Bytes.EMPTY;
  }

  public HandshakeMessage toMessage() {
    return new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, toBody());
  }
}
