package io.heartguard.wire.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.record.ProtocolVersion;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientHellosTest {
  static Stream<ProtocolVersion> versions() {
    return Stream.of(ProtocolVersion.SSL3_0, ProtocolVersion.TLS1_0, ProtocolVersion.TLS1_1, ProtocolVersion.TLS1_2,
        ProtocolVersion.DTLS1_0, ProtocolVersion.DTLS1_2);
  }

  static ClientHello like2014(ProtocolVersion version, String serverName) {
    return ClientHellos.like2014(version, serverName, new Random(20140407L));
  }

  static boolean isTls12Only(int code) {
    CipherSuite suite = CipherSuite.byCode(code);
    return suite != null && suite.tls12Only();
  }

  @ParameterizedTest
  @MethodSource("versions")
  void parsesBackToItself(ProtocolVersion version) throws Exception {
    ClientHello hello = like2014(version, "example.com");
    assertThat(ClientHello.parse(hello.toBody())).isEqualTo(hello);
    assertThat(hello.version()).isEqualTo(version);
  }

  @ParameterizedTest
  @MethodSource("versions")
  void offersHeartbeatPeerAllowedToSend(ProtocolVersion version) {
    ClientHello hello = like2014(version, "example.com");
    assertThat(hello.offersHeartbeat()).isTrue();
    assertThat(hello.extension(Extension.HEARTBEAT).data().hex()).isEqualTo("01");
  }

  @ParameterizedTest
  @MethodSource("versions")
  void sendsServerNameForHostNamesExceptInSsl3(ProtocolVersion version) {
    String expected = version.equals(ProtocolVersion.SSL3_0) ? null : "example.com";
    assertThat(like2014(version, "example.com").serverName()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1", "[::1]", "fe80::1%eth0", ""})
  void sendsNoServerNameForAddressLiterals(String literal) {
    ClientHello hello = like2014(ProtocolVersion.TLS1_2, literal);
    assertThat(hello.extension(Extension.SERVER_NAME)).isNull();
  }

  @Test
  void sendsNoServerNameWhenNoneIsGiven() {
    assertThat(like2014(ProtocolVersion.TLS1_2, null).extension(Extension.SERVER_NAME)).isNull();
  }

  @Test
  void serverNameHasNoTrailingDotAndIsAsciiCompatible() {
    // RFC 6066 section 3: no trailing dot; an internationalised name travels as its A-label.
    assertThat(like2014(ProtocolVersion.TLS1_2, "example.com.").serverName()).isEqualTo("example.com");
    assertThat(like2014(ProtocolVersion.TLS1_2, "bücher.example").serverName()).isEqualTo("xn--bcher-kva.example");
  }

  @ParameterizedTest
  @MethodSource("versions")
  void offersTls12OnlySuitesOnlyInTls12Hellos(ProtocolVersion version) {
    ClientHello hello = like2014(version, "example.com");
    boolean tls12 = version.equals(ProtocolVersion.TLS1_2) || version.equals(ProtocolVersion.DTLS1_2);
    if (tls12) {
      assertThat(hello.cipherSuites()).anyMatch(ClientHellosTest::isTls12Only);
      assertThat(hello.extension(Extension.SIGNATURE_ALGORITHMS)).isNotNull();
    } else {
      assertThat(hello.cipherSuites()).noneMatch(ClientHellosTest::isTls12Only);
      assertThat(hello.extension(Extension.SIGNATURE_ALGORITHMS)).isNull();
    }
    assertThat(hello.cipherSuites()).endsWith(0x00ff);   // renegotiation SCSV (RFC 5746 section 3.3)
    assertThat(hello.compressionMethods()).containsExactly(0);
  }

  @ParameterizedTest
  @MethodSource("versions")
  void offersNoRc4OverDtls(ProtocolVersion version) {
    List<String> names = like2014(version, "example.com").cipherSuites().stream().map(CipherSuite::nameOf).toList();
    if (version.isDtls()) {
      assertThat(names).noneMatch(name -> name.contains("_RC4_"));
    } else {
      assertThat(names).contains("TLS_RSA_WITH_RC4_128_SHA");
    }
  }

  @Test
  void sameSeedGivesTheSameHello() {
    assertThat(like2014(ProtocolVersion.TLS1_1, "example.com")).isEqualTo(like2014(ProtocolVersion.TLS1_1, "example.com"));
    assertThat(ClientHellos.like2014(ProtocolVersion.TLS1_1, "example.com", new Random(1)).random())
        .isNotEqualTo(like2014(ProtocolVersion.TLS1_1, "example.com").random());
  }
}
