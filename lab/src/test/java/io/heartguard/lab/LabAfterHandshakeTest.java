package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import io.heartguard.wire.tls.TlsSession;
import io.heartguard.wire.tls.TlsSuite;
import java.io.InputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lab --heartbeats after-handshake} at the record level: a plaintext heartbeat before the handshake gets no
 * answer, the handshake completes (RSA), an encrypted heartbeat is answered encrypted, and a record that fails its
 * MAC inside the session ends it with a protected bad_record_mac alert.
 */
class LabAfterHandshakeTest {
  @Test
  void plaintextHeartbeatIgnoredEncryptedOneAnsweredTamperedRecordAlertedInsideTheSession() throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog().withHeartbeats(LabHeartbeatStage.AFTER_HANDSHAKE));
        Socket socket = new Socket(lab.address().getAddress(), lab.address().getPort())) {
      socket.setSoTimeout(5_000);
      TlsSession session = new TlsSession(ProtocolVersion.TLS1_1, List.of(TlsSuite.RSA_WITH_AES_128_CBC_SHA), null,
          new SecureRandom());
      InputStream in = socket.getInputStream();
      RecordReader records = new RecordReader();
      socket.getOutputStream().write(session.clientHello());
      byte[] heartbeat = HeartbeatMessage.request(Bytes.ofAscii("are you there?")).toByteArray();
      boolean plaintextSent = false;
      while (!session.established()) {
        TlsRecord record = TestClient.expectRecord(in, records);
        assertThat(record.type()).as("no answer to the plaintext heartbeat").isNotEqualTo(ContentType.HEARTBEAT);
        byte[] answer = session.receive(record);
        if (!plaintextSent && answer.length > 0) {
          // Between ServerHelloDone and our ClientKeyExchange: where 1.0.1f answered, this lab stays silent.
          socket.getOutputStream().write(new TlsRecord(ContentType.HEARTBEAT, ProtocolVersion.TLS1_1, Bytes.of(heartbeat)).toByteArray());
          plaintextSent = true;
        }
        socket.getOutputStream().write(answer);
      }
      socket.getOutputStream().write(session.seal(ContentType.HEARTBEAT, heartbeat));
      TlsRecord response = TestClient.expectRecord(in, records);
      byte[] plaintext = session.open(response).toByteArray();

      assertThat(response.type()).isEqualTo(ContentType.HEARTBEAT);
      assertThat(HeartbeatMessage.parse(Bytes.of(plaintext)).payload()).isEqualTo(Bytes.ofAscii("are you there?"));

      byte[] tampered = session.seal(ContentType.APPLICATION_DATA, new byte[32]);
      tampered[tampered.length - 1] ^= 1;
      socket.getOutputStream().write(tampered);
      TlsRecord alert = TestClient.expectRecord(in, records);

      assertThat(alert.type()).isEqualTo(ContentType.ALERT);
      assertThat(Alert.parse(session.open(alert))).isEqualTo(new Alert(Alert.FATAL, Alert.BAD_RECORD_MAC));
    }
  }
}
