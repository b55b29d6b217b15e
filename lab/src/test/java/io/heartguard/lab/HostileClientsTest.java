package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Misbehaving peers, one policy each: the lab closes that connection with one log line saying why, sends nothing a
 * real 1.0.1f would not, and goes on serving the next client.
 */
class HostileClientsTest {
  enum Misbehaviour {
    /** An HTTP request on the TLS port: content type 'G' (71) is not a TLS record. */
    GARBAGE("474554202f20485454502f312e310d0a0d0a", "not a TLS record stream: content type 71 is not one of 20..24"),
    /** A handshake record header declaring 65535 bytes, more than 2^14 + 2048. */
    HUGE_RECORD_LENGTH("160301ffff", "not a TLS record stream: record length 65535 exceeds the maximum of 2^14 + 2048 = 18432"),
    /** A ClientHello header claiming 16 MiB (01 ffffff) inside a small record. */
    HUGE_HANDSHAKE_LENGTH("1603010004 01ffffff",
        "unreadable handshake: handshake message of type 1 claims 16777215 bytes, more than the 65536 accepted"),
    /** An SSLv2-compatible hello (80 2e 01 ...): the lab takes only TLS record hellos. */
    SSLV2_HELLO("802e0103010015000000100000390000380000350000160000130000", "not a TLS record stream: content type 128 is not one of 20..24"),
    /** Two bytes of a record header, then silence past the read timeout. */
    SLOW_DRIP("1603", "no bytes for 300 ms (read timeout)"),
    /** Connects and closes without a byte. */
    EARLY_CLOSE("", "peer closed before a complete ClientHello");

    final String hex;
    final String reason;

    Misbehaviour(String hex, String reason) {
      this.hex = hex;
      this.reason = reason;
    }
  }

  @ParameterizedTest
  @EnumSource(Misbehaviour.class)
  void aMisbehavingPeerIsClosedWithOneLineAndTheNextClientIsServed(Misbehaviour misbehaviour) throws Exception {
    LogLines log = new LogLines();
    String hostilePeer;
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withReadTimeout(Duration.ofMillis(300)).withLog(log))) {
      try (TestClient hostile = new TestClient(lab.address())) {
        hostilePeer = "\"peer\":\"127.0.0.1:" + hostile.socket.getLocalPort() + "\"";
        if (misbehaviour == Misbehaviour.EARLY_CLOSE) {
          hostile.socket.close();
        } else {
          hostile.send(Bytes.ofHex(misbehaviour.hex).toByteArray());
          assertThat(hostile.closedByServerWithoutData()).isTrue();
        }
      }
      // The server's report on the hostile connection, written before the next client is even accepted.
      assertThat(log.await(hostilePeer, TestClient.TIMEOUT_MILLIS))
          .contains("\"event\":\"close\"", "\"reason\":\"" + misbehaviour.reason + "\"");
      try (TestClient next = new TestClient(lab.address())) {
        next.handshake(ProtocolVersion.TLS1_2);
        next.sendHeartbeat(HeartbeatProbe.withDeclaredPayloadLength(HeartbeatMessage.request(Bytes.ofAscii("x")), 16384));
        assertThat(next.readHeartbeatMessage(16384)).hasSize(16384);
      }
    }
    assertThat(log.lines().stream().filter(l -> l.contains(hostilePeer))).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = Misbehaviour.class, names = "SLOW_DRIP")
  void aDripThatKeepsTheReadTimeoutAtBayStillMeetsTheConnectionDeadline(Misbehaviour drip) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withReadTimeout(Duration.ofSeconds(30))
        .withConnectionDeadline(Duration.ofMillis(400)).withLog(log));
         TestClient hostile = new TestClient(lab.address())) {
      hostile.send(Bytes.ofHex(drip.hex).toByteArray());
      assertThat(hostile.closedByServerWithoutData()).isTrue();
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("\"reason\":\"connection deadline of 400 ms passed\"");
  }
}
