package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import io.heartguard.wire.tls.TlsSession;
import io.heartguard.wire.tls.TlsSuite;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lab --honeypot --heartbeats after-handshake}: a plaintext heartbeat before the handshake is logged as an
 * attempt it did not answer; an encrypted one inside the session is answered protected, through the same budgets, and
 * its attempt line says encrypted and carries the source's canary, which the leak holds.
 */
class HoneypotAfterHandshakeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SECRET = "a fixed per-run secret for tests".getBytes(StandardCharsets.US_ASCII);
  /** nmap's request: type 1, payload_length 0x4000, then "Nmap ssl-heartbleed" (19 bytes). */
  private static final byte[] NMAP_REQUEST = Bytes.ofHex("014000" + Bytes.ofAscii("Nmap ssl-heartbleed").hex()).toByteArray();

  @Test
  void plaintextAttemptLoggedUnansweredEncryptedOneServedWithTheCanaryAndMarkedEncrypted() throws Exception {
    LogLines log = new LogLines();
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withLog(log).withHeartbeats(LabHeartbeatStage.AFTER_HANDSHAKE),
        HoneypotOptions.defaults().withSecret(SECRET));
        Socket socket = new Socket()) {
      InetAddress source = InetAddress.getByName("127.0.0.2");
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(lab.address(), 5_000);
      socket.setSoTimeout(5_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      RecordReader records = new RecordReader();
      TlsSession session = new TlsSession(ProtocolVersion.TLS1_2, List.of(TlsSuite.RSA_WITH_AES_128_GCM_SHA256), null,
          new SecureRandom());
      out.write(session.clientHello());
      boolean plaintextSent = false;
      while (!session.established()) {
        TlsRecord record = TestClient.expectRecord(in, records);
        assertThat(record.type()).as("no answer to the plaintext heartbeat").isNotEqualTo(ContentType.HEARTBEAT);
        byte[] answer = session.receive(record);
        if (!plaintextSent && answer.length > 0) {
          out.write(new TlsRecord(ContentType.HEARTBEAT, ProtocolVersion.TLS1_2, Bytes.of(NMAP_REQUEST)).toByteArray());
          plaintextSent = true;
        }
        out.write(answer);
      }
      JsonNode ignored = JSON.readTree(log.await("\"outcome\":\"ignored_before_handshake\"", 5000));
      assertThat(ignored.get("event").asText()).isEqualTo("attempt");
      assertThat(ignored.get("tool").asText()).isEqualTo("nmap");
      assertThat(ignored.get("encrypted").asBoolean()).isFalse();
      assertThat(ignored.get("bytes_sent").asInt()).isZero();
      assertThat(ignored.get("canary").isNull()).isTrue();

      out.write(session.seal(ContentType.HEARTBEAT, NMAP_REQUEST));
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      while (response.size() < 3 + 0x4000 + 16) {
        TlsRecord record = TestClient.expectRecord(in, records);
        assertThat(record.type()).isEqualTo(ContentType.HEARTBEAT);
        response.writeBytes(session.open(record).toByteArray());
      }
      String canary = lab.canaryFor(source);
      String leak = response.toString(StandardCharsets.ISO_8859_1);
      assertThat(leak).contains("username=" + canary.substring(0, canary.indexOf(':')));

      JsonNode served = JSON.readTree(log.await("\"encrypted\":true", 5000));
      assertThat(served.get("source").asText()).isEqualTo("127.0.0.2");
      assertThat(served.get("outcome").asText()).isEqualTo("answered");
      assertThat(served.get("tool").asText()).as("guessed on the first heartbeat, kept").isEqualTo("nmap");
      assertThat(served.get("bytes_served").asInt()).isEqualTo(3 + 0x4000 + 16);
      assertThat(served.get("bytes_sent").asInt()).as("protected records: more than the message").isGreaterThan(3 + 0x4000 + 16);
      assertThat(served.get("canary").asText()).isEqualTo(canary);
    }
  }
}
