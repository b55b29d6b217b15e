package io.heartguard.guard;

import static io.heartguard.guard.TlsBytes.MISLEADING_AFTER_SSL2_HELLO;
import static io.heartguard.guard.TlsBytes.SSL2_COMPATIBLE_HELLO;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.RecordAction;
import io.heartguard.testkit.RealOpenSslServers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard in front of the real OpenSSL 1.0.1f (fixtures/openssl): the SSLv2-compatible hello evasion of issue 12
 * leaks from 1.0.1f when sent straight at it, and not through the guard under any blocking policy; a legitimate
 * SSLv2-compatible hello from 1.0.1f's own s_client still gets its page.
 */
class GuardAgainstOpenSsl101fTest {
  @RegisterExtension static final RealOpenSslServers openssl = RealOpenSslServers.vulnerableOnly();
  private static Endpoint server;

  @BeforeAll
  static void server() {
    server = new Endpoint(openssl.vulnerable().host(), openssl.vulnerable().port());
  }

  @Test
  void sslv2HelloEvasionLeaksFromOpenSsl101fDirectlyButNotThroughTheGuard() throws Exception {
    long direct = heartbeatBytesBack(server);
    assertThat(direct).as("1.0.1f answers the hidden payload_length 16384 with its memory").isGreaterThanOrEqualTo(16384);

    for (Set<Policy> policies : List.of(Policy.DEFAULT, EnumSet.of(Policy.BLOCK_MALFORMED, Policy.BLOCK_LEAK),
        EnumSet.of(Policy.BLOCK_LEAK), EnumSet.of(Policy.BLOCK_MALFORMED))) {
      try (GuardedLoopback guard = new GuardedLoopback(server, policies, Action.RESET,
          GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)))) {
        long guarded = heartbeatBytesBack(Endpoint.of(guard.address()));

        assertThat(guarded).as("%s", policies).isZero();
        assertThat(guard.alerts).as("%s", policies).extracting((Alert a) -> a.rule().id(), Alert::recordAction)
            .containsExactly(Tuple.tuple("heartbleed_request_overflow", RecordAction.RESET));
      }
    }
  }

  @Test
  void legitimateSslv2CompatibleHelloGetsItsPageThroughTheGuard() throws Exception {
    try (GuardedLoopback guard = new GuardedLoopback(server)) {
      // 1.0.1f's s_client sends its hello in SSLv2 form when SSLv2 ciphers are offered (s23_clnt.c).
      String out = openssl.vulnerable().fetchPage(guard.address().getHostString(), guard.address().getPort(), "-cipher", "ALL:SSLv2", "-msg");

      assertThat(out).contains(">>> SSL 2.0 [length", "CLIENT-HELLO", "HTTP/1.0 200 ok", "s_server -accept");
      assertThat(guard.alerts).isEmpty();
    }
  }

  /**
   * Sends the SSLv2-compatible hello and the misleading heartbeat record after it, in two writes (the second
   * starting with what looks like a record header), and returns how many bytes of heartbeat records came back
   * before the connection ended or the server went quiet for five seconds.
   */
  private static long heartbeatBytesBack(Endpoint target) throws IOException {
    try (Socket s = new Socket(target.host(), target.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(TlsBytes.concat(SSL2_COMPATIBLE_HELLO, Arrays.copyOf(MISLEADING_AFTER_SSL2_HELLO, 8)));
      out.flush();
      out.write(Arrays.copyOfRange(MISLEADING_AFTER_SSL2_HELLO, 8, MISLEADING_AFTER_SSL2_HELLO.length));
      DataInputStream in = new DataInputStream(s.getInputStream());
      long heartbeatBytes = 0;
      try {
        while (true) {
          int type = in.readUnsignedByte();
          in.readUnsignedShort();
          byte[] body = new byte[in.readUnsignedShort()];
          in.readFully(body); // leaked memory stays in this array, never printed
          if (type == 24) {
            heartbeatBytes += body.length;
            return heartbeatBytes;
          }
        }
      } catch (EOFException | SocketException | SocketTimeoutException ended) {
        return heartbeatBytes;
      }
    }
  }
}
