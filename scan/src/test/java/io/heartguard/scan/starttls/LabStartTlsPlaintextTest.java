package io.heartguard.scan.starttls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import io.heartguard.tlsserver.ServerHelloFlight;
import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * vsftpd's "500 OOPS" and other plaintext where TLS should be, with the lab's own FTP dialog in front: a plaintext
 * reply is never read as a leak. The cases scan's {@code StartTlsCheckTest} already covers (500 OOPS as the greeting,
 * plaintext right after the positive reply, a plaintext answer to the ClientHello over SMTP) are not repeated; these
 * add the refusal to AUTH TLS, the plaintext answer to the ClientHello after 234, and the plaintext answer to the
 * heartbeat probe itself, after a real ServerHello ... ServerHelloDone flight.
 */
class LabStartTlsPlaintextTest {
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(Duration.ofSeconds(5))
      .withStartTls(StartTlsMode.of(StartTls.FTP));
  private static final String OOPS = "500 OOPS: SSL: cannot load RSA certificate\r\n";

  /** Where the server breaks into plaintext, in the order a real vsftpd could. */
  enum Oops {
    /** AUTH TLS itself is answered 500 OOPS: TLS is broken and the server says so before 234. */
    TO_AUTH_TLS,
    /** 234 Proceed, then the ClientHello is answered 500 OOPS in plaintext. */
    TO_CLIENT_HELLO,
    /** 234, a real 1.0.1f flight up to ServerHelloDone, then the heartbeat request is answered 500 OOPS. */
    TO_HEARTBEAT
  }

  /** One test server, one policy; each connection's end is queued so a test knows how far the scanner got. */
  private static final class OopsServer implements AutoCloseable {
    final ServerSocket socket;
    final BlockingQueue<String> ends = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    OopsServer(Oops oops) throws IOException {
      // The lab's RSA 2048 identity is generated once per process: before the scanner's clock starts, not during it.
      ServerIdentity identity = ServerIdentity.processDefault();
      socket = new ServerSocket();
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      acceptor = Thread.ofVirtual().start(() -> {
        while (!socket.isClosed()) {
          try (Socket connection = socket.accept()) {
            connection.setSoTimeout(5000);
            ends.add(serve(oops, identity, connection.getInputStream(), connection.getOutputStream()));
          } catch (Exception | Error e) {
            ends.add(socket.isClosed() ? "closed" : "server failed: " + e);
          }
        }
      });
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      acceptor.join(5000);
    }
  }

  private static String serve(Oops oops, ServerIdentity identity, InputStream in, OutputStream out) throws Exception {
    if (oops == Oops.TO_AUTH_TLS) {
      out.write("220 (vsFTPd 3.0.2)\r\n".getBytes(StandardCharsets.US_ASCII));
      while (in.read() != '\n') {
        // the AUTH TLS line, whatever it says
      }
      out.write(OOPS.getBytes(StandardCharsets.US_ASCII));
      return "answered AUTH TLS with 500 OOPS";
    }
    StartTlsProtocol.FTP.serve(in, out, "ftp.test");
    RecordReader records = new RecordReader();
    HandshakeReader handshake = new HandshakeReader();
    byte[] chunk = new byte[4096];
    boolean flightSent = false;
    while (true) {
      int n = in.read(chunk);
      if (n < 0) {
        return "scanner closed before the server's plaintext";
      }
      records.feed(chunk, 0, n);
      for (TlsRecord record = records.next(); record != null; record = records.next()) {
        if (oops == Oops.TO_CLIENT_HELLO) {
          out.write(OOPS.getBytes(StandardCharsets.US_ASCII));
          return "answered the ClientHello with 500 OOPS";
        }
        if (!flightSent) {
          handshake.feed(record.fragment());
          HandshakeMessage message = handshake.next();
          if (message == null) {
            continue;
          }
          ServerHelloFlight.Answer answer = ServerHelloFlight.answer(ClientHello.parse(message.body()),
              identity, new SplittableRandom(20140407));
          for (byte[] messageRecords : ((ServerHelloFlight.Flight) answer).records()) {
            out.write(messageRecords);
          }
          flightSent = true;
        } else if (record.type() == ContentType.HEARTBEAT) {
          out.write(OOPS.getBytes(StandardCharsets.US_ASCII));
          return "answered the heartbeat with 500 OOPS";
        }
      }
    }
  }

  private static ScanResult scan(OopsServer server) {
    return new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + server.port()), OPTIONS);
  }

  @Test
  void aFtpServerSaying500OopsToAuthTlsIsInconclusiveWithItsWords() throws Exception {
    try (OopsServer server = new OopsServer(Oops.TO_AUTH_TLS)) {
      ScanResult result = scan(server);

      assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.reason()).isEqualTo("server does not offer STARTTLS: 500 OOPS: SSL: cannot load RSA certificate");
      assertThat(result.bytesLeaked()).isZero();
      assertThat(server.ends.poll(5, TimeUnit.SECONDS)).isEqualTo("answered AUTH TLS with 500 OOPS");
    }
  }

  @Test
  void a500OopsInsteadOfTheServerHelloIsNotTlsAndNotALeak() throws Exception {
    try (OopsServer server = new OopsServer(Oops.TO_CLIENT_HELLO)) {
      ScanResult result = scan(server);

      assertThat(result.verdict()).isNotEqualTo(Verdict.VULNERABLE).isEqualTo(Verdict.INCONCLUSIVE);
      // "500 OOPS: SSL: c" in hex: the first bytes the scanner saw, quoted as what they are.
      assertThat(result.reason()).startsWith("not TLS: ").contains("353030204f4f50533a2053534c3a2063");
      assertThat(result.bytesLeaked()).isZero();
      assertThat(server.ends.poll(5, TimeUnit.SECONDS)).isEqualTo("answered the ClientHello with 500 OOPS");
    }
  }

  @Test
  void a500OopsAnsweringTheHeartbeatProbeIsNeverALeak() throws Exception {
    try (OopsServer server = new OopsServer(Oops.TO_HEARTBEAT)) {
      ScanResult result = scan(server);

      assertThat(result.verdict()).as(result.reason()).isNotEqualTo(Verdict.VULNERABLE).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.bytesLeaked()).isZero();
      assertThat(result.reason()).isEqualTo("after the heartbeat requests: not TLS: content type 53 is not one of 20..24"
          + " (first bytes 353030204f4f50533a2053534c3a2063 \"500 OOPS: SSL: c\")");
      assertThat(result.tlsVersion()).as("the handshake got as far as ServerHelloDone").isNotNull();
      assertThat(server.ends.poll(5, TimeUnit.SECONDS)).isEqualTo("answered the heartbeat with 500 OOPS");
    }
  }
}
