package io.heartguard.scan.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.Failure;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.DtlsHandshakeHeader;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.HelloVerifyRequest;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.DtlsRecord;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Misbehaving UDP servers, one policy each: every one ends INCONCLUSIVE with a one-line reason, within the deadline.
 */
class HostileDtlsServerTest {
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  static final ScanOptions OPTIONS = ScanOptions.defaults().withTimeout(TIMEOUT);
  /** Enough slack for a loaded build machine, well under what an unbounded loop would take. */
  static final long MAX_MILLIS = TIMEOUT.toMillis() + 1500;

  private final DtlsCheck check = new DtlsCheck(new Retransmission(Duration.ofMillis(50), 4));

  /** What a hostile server sends back for each datagram it receives. */
  enum Policy {
    /** Never answers: a UDP port with a listener that is not DTLS, or a firewall that drops. */
    SILENT(in -> List.of()),
    /** Answers every datagram with random bytes that are not DTLS records. */
    GARBAGE(in -> List.of(randomBytes(64))),
    /** Answers every hello with a HelloVerifyRequest carrying a new cookie, forever. */
    ENDLESS_COOKIES(in -> List.of(record(ContentType.HANDSHAKE, DtlsHandshakeFragment.whole(
        new HelloVerifyRequest(ProtocolVersion.DTLS1_0, Bytes.of(randomBytes(16))).toMessage(), 0).toByteArray()))),
    /** A handshake fragment declaring a 16 MiB message. */
    HUGE_FRAGMENT(in -> List.of(record(ContentType.HANDSHAKE, new DtlsHandshakeFragment(
        new DtlsHandshakeHeader(HandshakeType.CERTIFICATE.code(), 0xffffff, 1, 0, 4), Bytes.of(new byte[4])).toByteArray()))),
    /** The same partial ServerHello fragment over and over, as a server retransmitting without end. */
    ENDLESS_RETRANSMISSION(in -> {
      byte[] partial = record(ContentType.HANDSHAKE, new DtlsHandshakeFragment(
          new DtlsHandshakeHeader(HandshakeType.SERVER_HELLO.code(), 100, 0, 0, 10), Bytes.of(new byte[10])).toByteArray());
      List<byte[]> flood = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        flood.add(partial);
      }
      return flood;
    }),
    /** A whole flight with the heartbeat extension, then silence: heartbeats are never answered. */
    DEAF_TO_HEARTBEATS(in -> in[0] == ContentType.HANDSHAKE.code() ? List.of(heartbeatFlight()) : List.of()),
    /** A whole flight with the heartbeat extension, then a fatal alert for the heartbeats. */
    ALERT_ON_HEARTBEAT(in -> in[0] == ContentType.HANDSHAKE.code() ? List.of(heartbeatFlight())
        : List.of(record(ContentType.ALERT, new byte[] {2, 10})));

    final Function<byte[], List<byte[]>> answer;

    Policy(Function<byte[], List<byte[]>> answer) {
      this.answer = answer;
    }
  }

  private static final SplittableRandom RANDOM = new SplittableRandom(20140407);

  private static synchronized byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    b[0] = 0x47; // 'G': never a DTLS content type
    return b;
  }

  private static byte[] record(ContentType type, byte[] fragment) {
    return DtlsRecord.of(type, ProtocolVersion.DTLS1_0, 0, 0, Bytes.of(fragment)).toByteArray();
  }

  /** ServerHello (heartbeat peer_allowed_to_send) and ServerHelloDone, whole, in one datagram. */
  private static byte[] heartbeatFlight() {
    ServerHello hello = new ServerHello(ProtocolVersion.DTLS1_0, Bytes.repeat(1, 32), Bytes.EMPTY, 0x002f, 0,
        List.of(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension()));
    byte[] a = record(ContentType.HANDSHAKE, DtlsHandshakeFragment.whole(hello.toMessage(), 0).toByteArray());
    byte[] b = record(ContentType.HANDSHAKE, DtlsHandshakeFragment.whole(
        new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY), 1).toByteArray());
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  /** A UDP server on loopback that answers by its policy until closed. */
  static final class HostileServer implements AutoCloseable {
    final DatagramChannel channel;
    final Thread thread;

    HostileServer(Policy policy) throws IOException {
      channel = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      thread = new Thread(() -> {
        ByteBuffer in = ByteBuffer.allocate(65535);
        try {
          while (true) {
            in.clear();
            SocketAddress from = channel.receive(in);
            byte[] datagram = java.util.Arrays.copyOf(in.array(), in.position());
            for (byte[] out : policy.answer.apply(datagram)) {
              channel.send(ByteBuffer.wrap(out), from);
            }
          }
        } catch (ClosedChannelException closed) {
          // the test is over
        } catch (IOException e) {
          throw new IllegalStateException("hostile server failed: " + e.getMessage(), e);
        }
      }, "hostile-dtls-" + policy);
      thread.start();
    }

    int port() throws IOException {
      return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    @Override
    public void close() throws Exception {
      channel.close();
      thread.join(5_000);
    }
  }

  private ScanResult scan(Policy policy) throws Exception {
    try (HostileServer server = new HostileServer(policy)) {
      long start = System.nanoTime();
      ScanResult result = check.check(ScanTarget.parse("127.0.0.1:" + server.port()), OPTIONS);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(result.verdict()).as(result.reason()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(result.reason()).doesNotContain("\n").doesNotContain("Exception");
      assertThat(millis).as("elapsed ms").isLessThan(MAX_MILLIS);
      return result;
    }
  }

  @Test
  void aSilentPortIsInconclusiveAfterTheRetransmissionsRunOut() throws Exception {
    ScanResult result = scan(Policy.SILENT);
    assertThat(result.reason()).matches("no answer on udp/\\d+ to 4 ClientHellos");
    assertThat(result.failure()).as("a lost datagram is worth another try").isEqualTo(Failure.TIMEOUT);
  }

  @Test
  void aClosedPortIsInconclusiveFromTheIcmpUnreachable() throws Exception {
    int port;
    try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
    ScanResult result = check.check(ScanTarget.parse("127.0.0.1:" + port), OPTIONS);
    assertThat(result.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(result.reason()).isEqualTo("ICMP port unreachable: nothing listens on udp/" + port);
    assertThat(result.failure()).as("UDP's connection refused").isEqualTo(Failure.REFUSED);
  }

  @Test
  void garbageIsNotDtls() throws Exception {
    assertThat(scan(Policy.GARBAGE)).returns(Failure.PROTOCOL, ScanResult::failure).extracting(ScanResult::reason).asString().startsWith("a datagram of 64 bytes that is not DTLS (content type 71 is not one of 20..24), starting 47");
  }

  @Test
  void aServerThatNeverAcceptsItsOwnCookieIsGivenUpOn() throws Exception {
    assertThat(scan(Policy.ENDLESS_COOKIES).reason())
        .isEqualTo("the server sent 5 HelloVerifyRequests, never accepting our cookie");
  }

  @Test
  void aHugeFragmentLengthIsRefusedBeforeAnythingIsReserved() throws Exception {
    assertThat(scan(Policy.HUGE_FRAGMENT).reason())
        .isEqualTo("handshake message_seq 1 declares 16777215 bytes, over the limit of 262144");
  }

  @Test
  void endlessRetransmissionsHitTheRecordLimit() throws Exception {
    ScanResult result = scan(Policy.ENDLESS_RETRANSMISSION);
    assertThat(result.reason()).isEqualTo("more than 512 records before the server's flight was complete");
    assertThat(result.failure()).isEqualTo(Failure.LIMIT);
  }

  @Test
  void unansweredHeartbeatsAreInconclusiveNotSafe() throws Exception {
    ScanResult result = scan(Policy.DEAF_TO_HEARTBEATS);
    assertThat(result.reason()).isEqualTo("no answer to either heartbeat request after 4 transmissions");
    assertThat(result.failure()).isEqualTo(Failure.TIMEOUT);
  }

  @Test
  void anAlertForTheHeartbeatsIsInconclusive() throws Exception {
    ScanResult result = scan(Policy.ALERT_ON_HEARTBEAT);
    assertThat(result.reason()).startsWith("the server answered the heartbeat requests with alert");
    assertThat(result.failure()).isEqualTo(Failure.ALERT);
  }
}
