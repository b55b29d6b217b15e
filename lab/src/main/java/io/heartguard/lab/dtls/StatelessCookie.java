package io.heartguard.lab.dtls;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.ClientHello;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HelloVerifyRequest cookie (RFC 6347 section 4.2.1): an HMAC of the client's address, port and hello random
 * under a secret of this server, so the server keeps no state until a client proves it receives at its address.
 */
final class StatelessCookie {
  /** The size s_server's cookie callback produces (HMAC-SHA1); ours is HMAC-SHA256 cut to it. */
  static final int LENGTH = 20;

  private final SecretKeySpec key;

  StatelessCookie(SecureRandom random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  Bytes expected(InetSocketAddress peer, ClientHello hello) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(peer.getAddress().getAddress());
      mac.update(new byte[] {(byte) (peer.getPort() >>> 8), (byte) peer.getPort()});
      mac.update(hello.random().toByteArray());
      byte[] full = mac.doFinal();
      return Bytes.of(full, 0, LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK: " + e.getMessage(), e);
    }
  }
}
