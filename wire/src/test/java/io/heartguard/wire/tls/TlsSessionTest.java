package io.heartguard.wire.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The session's own hello and its state rules; the handshakes themselves are in TlsSessionAgainstOpenSslTest. */
class TlsSessionTest {
  private static ClientHello helloOf(TlsSession session) throws Exception {
    RecordReader records = new RecordReader();
    records.feed(session.clientHello());
    TlsRecord record = records.next();
    assertThat(record.type()).isEqualTo(ContentType.HANDSHAKE);
    assertThat(record.version()).as("2014 clients' first record version").isEqualTo(ProtocolVersion.TLS1_0);
    HandshakeReader reader = new HandshakeReader();
    reader.feed(record.fragment());
    return ClientHello.parse(reader.next().body());
  }

  @Test
  void theHelloOffersHeartbeatsAndOnlyTheSuitesItsVersionAllows() throws Exception {
    ClientHello tls10 = helloOf(new TlsSession(ProtocolVersion.TLS1_0, TlsSession.allSuites(), "example.org", new SecureRandom()));
    ClientHello tls12 = helloOf(new TlsSession(ProtocolVersion.TLS1_2, TlsSession.allSuites(), "example.org", new SecureRandom()));

    assertThat(tls10.offersHeartbeat()).isTrue();
    assertThat(tls10.cipherSuites()).containsExactly(0xc014, 0xc013, 0x0035, 0x002f);
    assertThat(tls12.cipherSuites()).hasSize(TlsSuite.values().length);
    assertThat(tls12.extension(Extension.SIGNATURE_ALGORITHMS)).isNotNull();
    assertThat(tls10.extension(Extension.SIGNATURE_ALGORITHMS)).isNull();
    assertThat(tls12.serverName()).isEqualTo("example.org");
  }

  @Test
  void anAddressLiteralGetsNoServerName() throws Exception {
    // RFC 6066 section 3: literal IPv4 and IPv6 addresses are not permitted in host_name; "cafe.be" is a name.
    assertThat(helloOf(new TlsSession(ProtocolVersion.TLS1_2, TlsSession.allSuites(), "127.0.0.1", new SecureRandom()))
        .serverName()).isNull();
    assertThat(helloOf(new TlsSession(ProtocolVersion.TLS1_2, TlsSession.allSuites(), "cafe.be", new SecureRandom()))
        .serverName()).isEqualTo("cafe.be");
  }

  @Test
  void sealingBeforeFinishedIsRefused() {
    TlsSession session = new TlsSession(ProtocolVersion.TLS1_2, TlsSession.allSuites(), null, new SecureRandom());

    assertThatThrownBy(() -> session.seal(ContentType.HEARTBEAT, new byte[20])).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the handshake has not finished");
  }

  @Test
  void sslv3AndSuitesTheVersionForbidsAreRefusedAtOnce() {
    assertThatThrownBy(() -> new TlsSession(ProtocolVersion.SSL3_0, TlsSession.allSuites(), null, new SecureRandom()))
        .hasMessage("a full handshake is TLS 1.0, 1.1 or 1.2, not SSLv3");
    assertThatThrownBy(() -> new TlsSession(ProtocolVersion.TLS1_1,
        java.util.List.of(TlsSuite.RSA_WITH_AES_128_GCM_SHA256), null, new SecureRandom()))
        .hasMessageContaining("is allowed in TLSv1.1");
  }
}
