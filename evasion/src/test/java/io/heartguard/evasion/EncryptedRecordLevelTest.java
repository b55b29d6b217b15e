package io.heartguard.evasion;

import static io.heartguard.evasion.AttackBytes.APPLICATION_DATA;
import static io.heartguard.evasion.AttackBytes.CHANGE_CIPHER_SPEC;
import static io.heartguard.evasion.AttackBytes.HANDSHAKE;
import static io.heartguard.evasion.AttackBytes.HEARTBEAT;
import static io.heartguard.evasion.AttackBytes.concat;
import static io.heartguard.evasion.AttackBytes.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.RecordAction;
import io.heartguard.guard.Action;
import io.heartguard.guard.GuardServer;
import io.heartguard.guard.GuardedLoopback;
import io.heartguard.guard.Policy;
import io.heartguard.guard.Upstream;
import io.heartguard.sensor.Sensor;
import io.heartguard.wire.Bytes;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Encrypted heartbeats after a full handshake, at the record level: not against real 1.0.1f (that needs a client
 * that finishes a handshake and encrypts), but against a scripted upstream that completes a plausible handshake
 * (ServerHello with TLS_RSA_WITH_AES_128_CBC_SHA and the heartbeat extension, a Certificate, ServerHelloDone; then
 * ChangeCipherSpec 01 and a Finished each way) and answers each heartbeat record with records of the lengths 1.0.1f
 * would send: the request's payload_length plus padding, encrypted, cut into records of at most 2^14 plaintext
 * bytes. Record contents are random: neither the guard nor the sensor decrypts.
 */
class EncryptedRecordLevelTest {
  /** TLS 1.2 AES-128-CBC with HMAC-SHA1: 16-byte explicit IV, then plaintext + 20-byte MAC + padding to 16. */
  static int cbcSha1(int plaintext) {
    return 16 + (plaintext + 20 + 1 + 15) / 16 * 16;
  }

  /** The records 1.0.1f writes for a heartbeat response of {@code payloadLength}: 3 + payload + 16, 2^14 a record. */
  static List<Integer> answerRecords(int payloadLength) {
    List<Integer> records = new ArrayList<>();
    for (int left = 3 + payloadLength + 16; left > 0; left -= 1 << 14) {
      records.add(cbcSha1(Math.min(left, 1 << 14)));
    }
    return records;
  }

  /** One request: its record length on the wire, and the records the server answers with. */
  record Exchange(int requestRecord, List<Integer> answer, boolean leaks) {
    /** An honest request of {@code payload} bytes, answered by the same length. */
    static Exchange honest(int payload) {
      return new Exchange(cbcSha1(3 + payload + 16), answerRecords(payload), false);
    }

    /** A request carrying {@code sent} payload bytes that claims {@code claimed}: 1.0.1f answers the claim. */
    static Exchange overclaiming(int sent, int claimed) {
      return new Exchange(cbcSha1(3 + sent + 16), answerRecords(claimed), true);
    }
  }

  enum EncryptedCase {
    ANSWER_SPANS_SEVERAL_RECORDS("a 64-byte request claiming 65535 bytes, answered in five records",
        Exchange.overclaiming(0, 65535)),
    SMALL_MALICIOUS_REQUEST_BEFORE_AN_HONEST_ONE("a 64-byte request claiming 1000 bytes, then an honest 1000-byte"
        + " request, both pending: each answer is as long as the honest request",
        Exchange.overclaiming(0, 1000), Exchange.honest(1000)),
    SEVERAL_REQUESTS_PENDING_AT_ONCE("three requests at once, the middle one claiming 16384 bytes",
        Exchange.honest(3), Exchange.overclaiming(0, 16384), Exchange.honest(3)),
    LEAK_WITHIN_64_BYTES_OF_SLACK("a 64-byte request claiming 64 bytes: a 128-byte answer, 64 bytes more",
        Exchange.overclaiming(0, 64));

    final String does;
    final List<Exchange> exchanges;

    EncryptedCase(String does, Exchange... exchanges) {
      this.does = does;
      this.exchanges = List.of(exchanges);
    }

    /** The answer records that may reach the client: those before the first leaking answer. */
    List<Integer> honestPrefix() {
      List<Integer> prefix = new ArrayList<>();
      for (Exchange e : exchanges) {
        if (e.leaks()) {
          break;
        }
        prefix.addAll(e.answer());
      }
      return prefix;
    }
  }

  private static final int CERTIFICATE_BYTES = 900;
  private final SplittableRandom random = new SplittableRandom(20140407L);

  /**
   * The default and {@code block-leak} alone: an encrypted over-claim is seen only in its answer's length, which is
   * {@code block-leak}'s to judge; {@code block-malformed} alone only reports it.
   */
  static Stream<Arguments> guardedRuns() {
    return Stream.of(EncryptedCase.values()).flatMap(c -> Stream.of(GuardEvasionTest.Policies.DEFAULT,
        GuardEvasionTest.Policies.BLOCK_LEAK).map(policies -> Arguments.of(c, policies)));
  }

  @ParameterizedTest(name = "{0} through the guard ({1})")
  @MethodSource("guardedRuns")
  void theGuardCutsTheLeakBeforeOneByteOfItIsForwarded(EncryptedCase c, GuardEvasionTest.Policies policies)
      throws Exception {
    try (Upstream upstream = new Upstream(script(c.exchanges));
        GuardedLoopback guard = new GuardedLoopback(upstream.endpoint(), policies.set,
            Action.RESET, GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)))) {
      Session session = runSession(guard, c.exchanges);
      List<String> alerts = guard.alerts.stream().map(a -> a.rule().id() + "=" + a.recordAction()).toList();
      System.out.printf("guard %s %s: heartbeat records to the client %s, %s, alerts %s%n", c, policies,
          session.heartbeats(), session.outcome().ended(), alerts);

      List<Integer> prefix = c.honestPrefix();
      assertThat(session.heartbeats()).as("heartbeat records that reached the client, in order (alerts %s)", alerts)
          .hasSizeLessThanOrEqualTo(prefix.size())
          .isEqualTo(prefix.subList(0, Math.min(prefix.size(), session.heartbeats().size())));
      assertThat(guard.alerts).extracting(Alert::recordAction).anyMatch(v -> v != RecordAction.FORWARD);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(EncryptedCase.class)
  void theCaptureOfTheSessionMakesTheSensorReportTheLeak(EncryptedCase c) throws Exception {
    Session session;
    try (Upstream upstream = new Upstream(script(c.exchanges))) {
      session = runSession(upstream.endpoint().toSocketAddress(), c.exchanges);
    }
    List<Integer> all = c.exchanges.stream().flatMap(e -> e.answer().stream()).toList();
    assertThat(session.heartbeats()).as("the scripted server answered every request").isEqualTo(all);

    List<Alert> alerts = Sensor.alertsOf(c.name(),
        new ByteArrayInputStream(TcpCapture.of(session.segments(), 50_001)));
    List<String> rules = alerts.stream().map(a -> a.rule().id() + " " + a.direction().eveName()).toList();
    System.out.printf("sensor %s: %s%n", c, rules);
    assertThat(alerts).extracting(a -> a.rule().id()).anyMatch(id -> id.contains("leak") || id.contains("answered"));
  }

  static Stream<List<Exchange>> honestSessions() {
    return Stream.of(List.of(Exchange.honest(0)), List.of(Exchange.honest(3), Exchange.honest(1000)),
        List.of(Exchange.honest(16365)));
  }

  /** Under the precise policies: {@code restrict}, which the default may become, drops every heartbeat by design. */
  @ParameterizedTest
  @MethodSource("honestSessions")
  void honestEncryptedHeartbeatsPassTheGuardUnharmed(List<Exchange> exchanges) throws Exception {
    try (Upstream upstream = new Upstream(script(exchanges));
        GuardedLoopback guard = new GuardedLoopback(upstream.endpoint(),
            EnumSet.of(Policy.BLOCK_MALFORMED, Policy.BLOCK_LEAK),
            Action.RESET, GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1)))) {
      Session session = runSession(guard, exchanges);

      assertThat(session.heartbeats()).isEqualTo(exchanges.stream().flatMap(e -> e.answer().stream()).toList());
      assertThat(session.outcome().ended()).isEqualTo("eof");
      assertThat(guard.alerts).extracting(Alert::recordAction).allMatch(v -> v == RecordAction.FORWARD);
    }
  }

  private record Session(AttackClient.Outcome outcome, List<AttackClient.Segment> segments, List<Integer> heartbeats) {}

  private Session runSession(GuardedLoopback guard, List<Exchange> exchanges) throws Exception {
    return runSession(guard.address(), exchanges);
  }

  /**
   * The client's side: ClientHello; after ServerHelloDone, ClientKeyExchange, ChangeCipherSpec and Finished; after
   * the server's ChangeCipherSpec and Finished, one application_data record echoed; then every heartbeat request in
   * one write, all pending at once.
   */
  private Session runSession(java.net.InetSocketAddress target, List<Exchange> exchanges) throws Exception {
    try (AttackClient client = AttackClient.connect(target)) {
      client.send(AttackBytes.clientHello());
      client.readServerFlight();
      byte[] keyExchange = concat(new byte[] {16, 0, 1, 2, 1, 0}, bytes(256)); // RSA: 2-byte length, 256 bytes
      client.send(concat(record(HANDSHAKE, keyExchange), record(CHANGE_CIPHER_SPEC, new byte[] {1}),
          record(HANDSHAKE, bytes(cbcSha1(4 + 12)))));
      client.awaitRecords(3 + 2); // ServerHello, Certificate, ServerHelloDone, then ChangeCipherSpec and Finished
      client.send(record(APPLICATION_DATA, bytes(cbcSha1(18)))); // "GET / HTTP/1.0\r\n\r\n"
      client.awaitRecords(3 + 2 + 1);
      List<byte[]> requests = new ArrayList<>();
      for (Exchange e : exchanges) {
        requests.add(record(HEARTBEAT, bytes(e.requestRecord())));
      }
      client.send(concat(requests.toArray(byte[][]::new)));
      AttackClient.Outcome outcome = client.finish();
      List<Integer> heartbeats = outcome.records().stream().filter(r -> r.type() == HEARTBEAT)
          .map(AttackClient.RecordSeen::length).toList();
      return new Session(outcome, client.segments(), heartbeats);
    }
  }

  /**
   * The scripted server: a plausible handshake, application data echoed by length, and each heartbeat record answered,
   * first in first out, by the records of its exchange.
   */
  private Upstream.Behaviour script(List<Exchange> exchanges) {
    byte[] serverHello = Bytes.ofHex(""
        // ServerHello (2), 45 bytes: TLS 1.2, random, no session id, TLS_RSA_WITH_AES_128_CBC_SHA (002f), no
        // compression, extensions: heartbeat peer_allowed_to_send (RFC 6520 section 2)
        + "0200002d" + "0303" + "11".repeat(32) + "00" + "002f" + "00" + "0005" + "000f000101").toByteArray();
    byte[] certificate = bytes(CERTIFICATE_BYTES); // only its framing matters to the guard
    byte[] certificateMessage = concat(new byte[] {11}, uint24(6 + certificate.length),
        uint24(3 + certificate.length), uint24(certificate.length), certificate);
    byte[] flight = concat(record(HANDSHAKE, serverHello), record(HANDSHAKE, certificateMessage),
        record(HANDSHAKE, new byte[] {14, 0, 0, 0}));
    byte[] finished = concat(record(CHANGE_CIPHER_SPEC, new byte[] {1}), record(HANDSHAKE, bytes(cbcSha1(4 + 12))));
    List<byte[]> answers = new ArrayList<>();
    for (Exchange e : exchanges) {
      answers.add(concat(e.answer().stream().map(n -> record(HEARTBEAT, bytes(n))).toArray(byte[][]::new)));
    }
    return socket -> {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      Deque<byte[]> pending = new ArrayDeque<>(answers);
      int clientHandshakeRecords = 0;
      try {
        while (true) {
          int type = in.readUnsignedByte();
          in.readUnsignedShort();
          byte[] body = new byte[in.readUnsignedShort()];
          in.readFully(body);
          switch (type) {
            case HANDSHAKE -> {
              clientHandshakeRecords++;
              if (clientHandshakeRecords == 1) {
                out.write(flight);
              } else if (clientHandshakeRecords == 3) {
                out.write(finished); // after the client's Finished
              }
            }
            case APPLICATION_DATA -> out.write(record(APPLICATION_DATA, bytes(body.length)));
            case HEARTBEAT -> out.write(pending.isEmpty() ? new byte[0] : pending.removeFirst());
            default -> { } // the client's ChangeCipherSpec
          }
          out.flush();
        }
      } catch (EOFException | SocketException endOfSession) {
        // the client finished, or the guard reset the connection
      }
    };
  }

  private synchronized byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] uint24(int n) {
    return new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }
}
