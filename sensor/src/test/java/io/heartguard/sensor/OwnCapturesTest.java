package io.heartguard.sensor;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.Direction;
import io.heartguard.detect.HeartbleedRules.Rule;
import io.heartguard.lab.LabClient;
import io.heartguard.lab.LabMode;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our own captures: the vulnerable lab server attacked by heartguard scan, nmap and testssl, and the vulnerable lab
 * client attacked by a server, each recorded by tcpdump on loopback; plus an encrypted Heartbleed written as a pcap,
 * for the lab never finishes a handshake. The sensor must find the attack and the leak in each, in the right
 * direction. Captures and their EVE alerts are kept in target/own-captures/.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OwnCapturesTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Path OUT = Path.of("target", "own-captures");
  private static final long TOOL_TIMEOUT_SECONDS = 90;

  @BeforeAll
  static void createOutputDirectory() throws IOException {
    Files.createDirectories(OUT);
  }

  // ---- The lab server attacked --------------------------------------------------------------------------------------

  @Test
  void heartguardScanProbeIsAnOverflowToTheServerAndItsAnswerALeakToTheClient() throws Exception {
    ScanResult[] result = new ScanResult[1];
    Attacked attacked = recordAttackOnLab("heartguard-scan", port -> result[0] =
        new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + port), ScanOptions.defaults()));
    assertThat(result[0].verdict()).as(result[0].reason()).isEqualTo(Verdict.VULNERABLE);

    Alert overflow = assertAttackAndLeakOnTheServer(attacked);
    // The probe claims exactly OVERREAD_BYTES more than its record's payload and padding hold.
    assertThat(overflow.payloadLength()).isEqualTo(overflow.recordLength() - 3 + HeartbeatOracle.OVERREAD_BYTES);
    assertThat(only(attacked.alerts(), Rule.RESPONSE_LEAK).bytesLeaked()).isEqualTo(HeartbeatOracle.OVERREAD_BYTES);
  }

  @Test
  void nmapSslHeartbleedIsAnOverflowToTheServerAndItsAnswerALeakToTheClient() throws Exception {
    String[] output = new String[1];
    Attacked attacked = recordAttackOnLab("nmap", port -> output[0] = runTool(
        "nmap", "-Pn", "-n", "-p", Integer.toString(port), "--script", "ssl-heartbleed", "127.0.0.1"));
    assertThat(output[0]).contains("ssl-heartbleed:", "State: VULNERABLE");

    Alert overflow = assertAttackAndLeakOnTheServer(attacked);
    // nmap's request, as captured: 18 0301 0016 | 01 4000 "Nmap ssl-heartbleed" — a heartbeat record of 22 bytes,
    // request (1), payload_length 16384, 19 bytes of payload and no padding.
    assertThat(overflow.payloadLength()).isEqualTo(16384);
    assertThat(overflow.recordLength()).isEqualTo(22);
    // The lab answers in a first record of 2^14 bytes (type, length, 16381 payload bytes) and a second of the rest;
    // the answer's payload_length past nmap's 19 bytes is the leak.
    assertThat(only(attacked.alerts(), Rule.RESPONSE_LEAK).bytesLeaked()).isEqualTo(16384 - 19);
  }

  @Test
  void testsslHeartbleedCheckIsAnOverflowToTheServerAndItsAnswerALeakToTheClient() throws Exception {
    String[] output = new String[1];
    Attacked attacked = recordAttackOnLab("testssl", port -> output[0] = runTool("testssl", "-H", "--quiet",
        "--color", "0", "--warnings", "batch", "--nodns", "min", "--ip", "one", "127.0.0.1:" + port));
    assertThat(output[0]).containsPattern("Heartbleed \\(CVE-2014-0160\\)\\s+VULNERABLE \\(NOT ok\\)");

    Alert overflow = assertAttackAndLeakOnTheServer(attacked);
    // testssl's request, as captured: 18 0303 0003 | 01 4000 — request (1), payload_length 16384, in a 3-byte record.
    assertThat(overflow.payloadLength()).isEqualTo(16384);
    assertThat(overflow.recordLength()).isEqualTo(3);
    // Nothing carried: all 16384 payload bytes of the lab's answer (2^14 bytes, then the rest) are leaked memory.
    assertThat(only(attacked.alerts(), Rule.RESPONSE_LEAK).bytesLeaked()).isEqualTo(16384);
  }

  private interface Attack {
    void run(int port) throws Exception;
  }

  private record Attacked(int port, List<Alert> alerts) {}

  /** A vulnerable lab on an ephemeral loopback port, recorded while {@code attack} runs against it. */
  private static Attacked recordAttackOnLab(String name, Attack attack) throws Exception {
    Path file = OUT.resolve(name + "-vs-lab.pcap");
    int port;
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
      port = lab.address().getPort();
      try (LoopbackRecording recording = LoopbackRecording.start(file, "tcp port " + port)) {
        attack.run(port);
        recording.finish();
      }
    }
    return new Attacked(port, alertsOf(file));
  }

  /**
   * Exactly two kinds of alert, on flows to the lab's port: the over-claiming request from the client and the
   * server's answer leaking memory back. Returns the request's alert.
   */
  private static Alert assertAttackAndLeakOnTheServer(Attacked attacked) {
    assertThat(attacked.alerts()).extracting(OwnCapturesTest::ruleAndDirection)
        .containsOnly("heartbleed_request_overflow to_server", "heartbleed_response_leak to_client")
        .contains("heartbleed_request_overflow to_server", "heartbleed_response_leak to_client");
    assertThat(attacked.alerts()).allSatisfy(a -> assertThat(a.flow().serverPort()).isEqualTo(attacked.port()));
    Alert overflow = only(attacked.alerts(), Rule.REQUEST_PAYLOAD_OVERFLOW);
    assertThat(overflow.payloadLength()).isGreaterThan(overflow.recordLength() - 3);
    Alert leak = only(attacked.alerts(), Rule.RESPONSE_LEAK);
    assertThat(leak.bytesLeaked()).isPositive();
    assertThat(leak.leakedBytes().isEmpty()).as("leaked bytes are not kept by default").isTrue();
    return overflow;
  }

  private static String runTool(String... command) throws Exception {
    Path output = OUT.resolve(command[0] + "-output.txt");
    Process process = new ProcessBuilder(command).directory(OUT.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try {
      if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", command) + " still running after " + TOOL_TIMEOUT_SECONDS + " s");
      }
    } finally {
      process.destroyForcibly();
    }
    return Files.readString(output);
  }

  // ---- The lab client attacked ------------------------------------------------------------------------------------

  /**
   * A malicious server's flight, all in one write: ServerHello with the heartbeat extension, a Heartbleed request,
   * then ServerHelloDone (at which the lab client gives up with a fatal alert and closes).
   */
  private static final byte[] MALICIOUS_SERVER_FLIGHT = HexFormat.of().parseHex(""
      // record: handshake (22), TLS 1.2, 49 bytes
      + "1603030031"
      // ServerHello (2), 45 bytes: version 3.3, 32 bytes of random, empty session id
      + "0200002d" + "0303" + "00".repeat(32) + "00"
      // cipher suite TLS_RSA_WITH_AES_128_CBC_SHA, no compression, 5 bytes of extensions:
      // heartbeat (15), 1 byte, peer_allowed_to_send (RFC 6520 section 2)
      + "002f" + "00" + "0005" + "000f000101"
      // record: heartbeat (24), TLS 1.2, 3 bytes: request (1), payload_length 16384, no payload, no padding
      + "1803030003" + "014000"
      // record: handshake, 4 bytes: ServerHelloDone (14), empty
      + "1603030004" + "0e000000");

  @Test
  void vulnerableLabClientAttackedByAServerIsAnOverflowToTheClientAndALeakToTheServer() throws Exception {
    Path file = OUT.resolve("server-vs-lab-client.pcap");
    LabClient.Outcome outcome;
    int port;
    ExecutorService clientThread = Executors.newSingleThreadExecutor();
    try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
      port = server.getLocalPort();
      try (LoopbackRecording recording = LoopbackRecording.start(file, "tcp port " + port)) {
        LabClient client = LabClient.of(LabMode.VULNERABLE, null, Duration.ofSeconds(10),
            OutputStream.nullOutputStream());
        Future<LabClient.Outcome> connected = clientThread.submit(
            () -> client.connect(new InetSocketAddress(LOOPBACK, port)));
        try (Socket socket = server.accept()) {
          socket.setSoTimeout(10_000);
          InputStream in = socket.getInputStream();
          readRecord(in); // the ClientHello
          socket.getOutputStream().write(MALICIOUS_SERVER_FLIGHT);
          in.transferTo(OutputStream.nullOutputStream()); // the leak and the alert, until the client closes
        }
        outcome = connected.get(30, TimeUnit.SECONDS);
        recording.finish();
      }
    } finally {
      clientThread.shutdownNow();
    }
    assertThat(outcome.heartbeatsAnswered()).as(outcome.reason()).isEqualTo(1);
    assertThat(outcome.bytesOverread()).isPositive();

    List<Alert> alerts = alertsOf(file);
    assertThat(alerts).extracting(OwnCapturesTest::ruleAndDirection)
        .containsExactlyInAnyOrder("heartbleed_request_overflow to_client", "heartbleed_response_leak to_server");
    assertThat(alerts).allSatisfy(a -> assertThat(a.flow().serverPort()).isEqualTo(port));
    Alert overflow = only(alerts, Rule.REQUEST_PAYLOAD_OVERFLOW);
    assertThat(overflow.payloadLength()).isEqualTo(16384);
    assertThat(overflow.recordLength()).isEqualTo(3);
    assertThat(only(alerts, Rule.RESPONSE_LEAK).bytesLeaked()).isEqualTo(16384);
  }

  private static void readRecord(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[5];
    data.readFully(header);
    data.readFully(new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)]);
  }

  // ---- Honest encrypted heartbeats between real OpenSSL 1.0.1f peers ----------------------------------------------

  /**
   * The exact bound for encrypted answers (CipherLayout.largestHonestResponse) against the real thing: 1.0.1f's
   * s_client sends heartbeats ("B") after some application data, 1.0.1f's s_server answers them, under suites of
   * every record layout. Not one alert: an honest answer is never longer than its request.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "AES128-SHA, -tls1_2", // CBC, explicit IV, SHA-1 MAC
      "AES128-SHA, -tls1", // CBC without explicit IV
      "AES256-SHA256, -tls1_2",
      "DES-CBC3-SHA, -tls1_1", // 8-byte blocks
      "RC4-SHA, -tls1_2", // stream
      "AES128-GCM-SHA256, -tls1_2", // AEAD: 8-byte explicit nonce, 16-byte tag
      "ECDHE-RSA-AES256-SHA384, -tls1_2",
  })
  void honestEncryptedHeartbeatsBetweenRealOpenSslPeersRaiseNothing(String cipher, String protocol) throws Exception {
    Path openssl = Captures.pcaps().resolveSibling("openssl").resolve("bin/openssl-1.0.1f");
    Path tools = realOpenSslTools();
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, LOOPBACK)) {
      port = free.getLocalPort();
    }
    Path file = OUT.resolve("openssl-1.0.1f-heartbeats-" + cipher + protocol + ".pcap");
    try (LoopbackRecording recording = LoopbackRecording.start(file, "tcp port " + port)) {
      ProcessBuilder serverCommand = new ProcessBuilder(openssl.toString(), "s_server", "-accept",
          Integer.toString(port), "-cert", tools.resolve("cert.pem").toString(), "-key",
          tools.resolve("key.pem").toString(), "-cipher", cipher).redirectErrorStream(true);
      serverCommand.environment().put("LD_PRELOAD", tools.resolve("bindlo.so").toString()); // 127.0.0.1 only
      Lines server = new Lines(serverCommand.start());
      Lines client = null;
      try {
        server.await("ACCEPT");
        client = new Lines(new ProcessBuilder(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + port,
            "-cipher", cipher, protocol, "-msg").redirectErrorStream(true).start());
        client.await("Verify return code");
        client.send("hello"); // application data first: no heartbeat_before_application_data
        server.await("hello");
        for (int i = 1; i <= 2; i++) {
          client.send("B");
          client.awaitCount("HeartbeatResponse", i);
        }
        client.process.getOutputStream().close(); // s_client quits at the end of its input
        assertThat(client.process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
      } finally {
        if (client != null) {
          client.process.destroyForcibly();
        }
        server.process.destroyForcibly();
      }
      recording.finish();
    }
    assertThat(alertsOf(file)).isEmpty();
  }

  /** bindlo.so (s_server on 127.0.0.1 only, fixtures/openssl/src) and a throwaway key and certificate. */
  private static Path realOpenSslTools() throws Exception {
    Path tools = OUT.resolve("openssl-tools");
    if (Files.exists(tools.resolve("bindlo.so")) && Files.exists(tools.resolve("cert.pem"))) {
      return tools;
    }
    Files.createDirectories(tools);
    Path source = Captures.pcaps().resolveSibling("openssl").resolve("src/bindlo.c");
    run("gcc", "-shared", "-fPIC", "-O2", "-o", tools.resolve("bindlo.so").toString(), source.toString(), "-ldl");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
        "-keyout", tools.resolve("key.pem").toString(), "-out", tools.resolve("cert.pem").toString());
    return tools;
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
  }

  /** A process's output lines as they come, to wait on; its input to type into. */
  private static final class Lines {
    final Process process;
    private final List<String> seen = new ArrayList<>();

    Lines(Process process) {
      this.process = process;
      Thread.ofVirtual().start(() -> {
        try (BufferedReader reader = process.inputReader(UTF_8)) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            synchronized (seen) {
              seen.add(line);
              seen.notifyAll();
            }
          }
        } catch (IOException e) {
          // the process ended; waiters time out with what was seen
        }
      });
    }

    void send(String line) throws IOException {
      process.getOutputStream().write((line + "\n").getBytes(US_ASCII));
      process.getOutputStream().flush();
    }

    void await(String text) throws InterruptedException {
      awaitCount(text, 1);
    }

    void awaitCount(String text, int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TOOL_TIMEOUT_SECONDS);
      synchronized (seen) {
        while (seen.stream().filter(l -> l.contains(text)).count() < count) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new AssertionError("no \"" + text + "\" (x" + count + ") in: " + seen);
          }
          seen.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        }
      }
    }
  }

  // ---- Encrypted Heartbleed, written in test code -----------------------------------------------------------------

  /** AES-128-CBC-SHA under TLS 1.2: 16-byte explicit IV, 20-byte MAC, padding to 16-byte blocks. */
  private static int cbcSha1Ciphertext(int plaintext) {
    return 16 + (plaintext + 20 + 1 + 15) / 16 * 16;
  }

  @Test
  void encryptedHeartbleedIsAHeartbeatBeforeApplicationDataAnsweredBy16KilobytesMoreThanItsRequest()
      throws Exception {
    SplittableRandom random = new SplittableRandom(20140407L);
    TcpConversation tcp = new TcpConversation(new byte[] {(byte) 192, 0, 2, 10}, 50_123,
        new byte[] {(byte) 192, 0, 2, 20}, 443);
    tcp.open();
    tcp.send(true, record(22, ClientHellos.like2014(ProtocolVersion.TLS1_2, "heartguard.test", random)
        .toMessage().toByteArray()));
    ByteArrayOutputStream flight = new ByteArrayOutputStream();
    flight.writeBytes(HexFormat.of().parseHex(""
        // ServerHello (2), 45 bytes: TLS 1.2, random, no session id, TLS_RSA_WITH_AES_128_CBC_SHA, no compression,
        // extensions: heartbeat peer_allowed_to_send (RFC 6520 section 2)
        + "0200002d" + "0303" + "11".repeat(32) + "00" + "002f" + "00" + "0005" + "000f000101"));
    byte[] certificate = bytes(random, 900); // the sensor does not read it; its framing is all that matters
    flight.writeBytes(handshake(11, concat(uint24(3 + certificate.length), uint24(certificate.length), certificate)));
    flight.writeBytes(handshake(14, new byte[0])); // ServerHelloDone
    tcp.send(false, record(22, flight.toByteArray()));
    // ClientKeyExchange (RSA: 2-byte length, 256 bytes of encrypted premaster), ChangeCipherSpec, Finished.
    int finished = cbcSha1Ciphertext(4 + 12);
    tcp.send(true, concat(record(22, handshake(16, concat(new byte[] {1, 0}, bytes(random, 256)))),
        record(20, new byte[] {1}), record(22, bytes(random, finished))));
    tcp.send(false, concat(record(20, new byte[] {1}), record(22, bytes(random, finished))));
    // The attack: a heartbeat request as short as a valid one can be (type, payload_length, 16 bytes of padding)...
    int request = cbcSha1Ciphertext(1 + 2 + 16);
    tcp.send(true, record(24, bytes(random, request)));
    // ...answered by a 16384-byte payload with its type, length and padding: 16448 bytes once encrypted.
    int response = cbcSha1Ciphertext(1 + 2 + 16_384 + 16);
    tcp.send(false, record(24, bytes(random, response)));
    tcp.close();
    Path file = OUT.resolve("encrypted-heartbleed.pcap");
    Files.write(file, tcp.pcap());

    List<Alert> alerts = alertsOf(file);
    assertThat(request).isEqualTo(64);
    assertThat(response).isEqualTo(16_448);
    assertThat(alerts).extracting(OwnCapturesTest::ruleAndDirection).containsExactlyInAnyOrder(
        "heartbeat_before_application_data to_server", "heartbeat_before_application_data to_client",
        "heartbleed_encrypted_response_leak to_client");
    Alert before = alerts.stream().filter(a -> a.rule() == Rule.ENCRYPTED_BEFORE_APPLICATION_DATA
        && a.direction() == Direction.TO_SERVER).findFirst().orElseThrow();
    assertThat(before.recordLength()).isEqualTo(request);
    Alert leak = only(alerts, Rule.ENCRYPTED_RESPONSE_LEAK);
    assertThat(leak.recordLength()).isEqualTo(response);
    assertThat(leak.requestRecordLength()).isEqualTo(request);
    // The answer's 16384-byte payload less the 16 bytes the request's record held after its header.
    assertThat(leak.bytesLeaked()).isEqualTo(response - request - 16);
    assertThat(leak.cipherSuite()).isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
  }

  private static byte[] record(int type, byte[] fragment) {
    return ByteBuffer.allocate(5 + fragment.length).put((byte) type).putShort((short) 0x0303)
        .putShort((short) fragment.length).put(fragment).array();
  }

  private static byte[] handshake(int type, byte[] body) {
    return concat(new byte[] {(byte) type}, uint24(body.length), body);
  }

  private static byte[] uint24(int n) {
    return new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  private static byte[] bytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  // ---- Recording and reading captures -----------------------------------------------------------------------------

  private static String ruleAndDirection(Alert alert) {
    return alert.rule().id() + " " + alert.direction().eveName();
  }

  private static Alert only(List<Alert> alerts, Rule rule) {
    List<Alert> matching = alerts.stream().filter(a -> a.rule() == rule).toList();
    assertThat(matching).as("alerts of rule " + rule.id()).hasSize(1);
    return matching.getFirst();
  }

  /** The sensor's alerts for one capture file; its EVE lines are kept beside it for the record. */
  private static List<Alert> alertsOf(Path capture) throws Exception {
    List<Alert> alerts = new ArrayList<>();
    Sensor sensor = new Sensor(alerts::add);
    sensor.read(capture);
    sensor.finish();
    Files.writeString(capture.resolveSibling(capture.getFileName() + ".eve.jsonl"), Captures.eve(capture));
    assertThat(sensor.stats().internalErrors).as("internal errors").isZero();
    return alerts;
  }

  /**
   * tcpdump on loopback, its pcap stream copied to a file. To know that every packet of the attack has been
   * written before tcpdump is stopped, {@link #finish} sends a UDP datagram of ours through the same filter and
   * waits for it to come out of tcpdump; it is left out of the file. tcpdump writes into a named pipe rather than
   * its stdout: the JDK closes a process's stdout stream under a concurrent reader when the process exits.
   */
  private static final class LoopbackRecording implements AutoCloseable {
    private final Path file;
    private final Path fifo;
    private final DatagramSocket markerSink;
    private final byte[] marker;
    private final Process tcpdump;
    private final StringBuffer stderr = new StringBuffer();
    private final CountDownLatch copierDoneOrMarkerSeen = new CountDownLatch(1);
    private final Thread copier;
    private volatile boolean markerSeen;
    private volatile IOException copyFailure;

    private LoopbackRecording(Path file, String filter) throws Exception {
      this.file = file;
      this.fifo = file.resolveSibling(file.getFileName() + ".fifo");
      Files.deleteIfExists(fifo);
      Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
      if (mkfifo.waitFor() != 0) {
        throw new IOException("mkfifo " + fifo + " exited with " + mkfifo.exitValue());
      }
      this.markerSink = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
      this.marker = ("heartguard end-of-capture marker for " + file.getFileName()).getBytes(US_ASCII);
      // Opening the pipe for reading waits for tcpdump to open it for writing, which it does before listening.
      this.copier = Thread.ofPlatform().daemon().name("tcpdump-copier").start(this::copy);
      // -U: every packet is flushed as it is written; --immediate-mode: delivered as captured; -Z root: no
      // dropping to the tcpdump user, who could not open the pipe.
      this.tcpdump = new ProcessBuilder("tcpdump", "-i", "lo", "-U", "--immediate-mode", "-Z", "root",
          "-w", fifo.toString(), "(" + filter + ") or (udp dst port " + markerSink.getLocalPort() + ")")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      BufferedReader errors = new BufferedReader(new InputStreamReader(tcpdump.getErrorStream(), UTF_8));
      boolean listening = false;
      for (String line = errors.readLine(); line != null; line = errors.readLine()) {
        stderr.append(line).append('\n');
        // Printed once the filter is set: from here on every packet is captured.
        if (line.contains("listening on lo")) {
          listening = true;
          break;
        }
      }
      if (!listening) {
        tcpdump.destroyForcibly();
        markerSink.close();
        throw new IOException("tcpdump ended before it was listening on lo: " + stderr.toString().strip());
      }
      Thread.ofVirtual().start(() -> errors.lines().forEach(line -> stderr.append(line).append('\n')));
    }

    static LoopbackRecording start(Path file, String filter) throws Exception {
      return new LoopbackRecording(file, filter);
    }

    private void copy() {
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(fifo)));
          OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
        byte[] header = new byte[24];
        in.readFully(header);
        // The magic is written in the writer's byte order: d4 c3 b2 a1 (or 4d 3c b2 a1) is little-endian.
        ByteOrder order = header[3] == (byte) 0xa1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        out.write(header);
        byte[] recordHeader = new byte[16];
        while (true) {
          try {
            in.readFully(recordHeader);
          } catch (EOFException e) {
            return;
          }
          byte[] data = new byte[ByteBuffer.wrap(recordHeader).order(order).getInt(8)];
          in.readFully(data);
          if (contains(data, marker)) {
            markerSeen = true;
            out.flush();
            copierDoneOrMarkerSeen.countDown();
            continue;
          }
          out.write(recordHeader);
          out.write(data);
        }
      } catch (IOException e) {
        copyFailure = e;
      } finally {
        copierDoneOrMarkerSeen.countDown();
      }
    }

    /** Sends the marker, waits until tcpdump has passed it on, then stops tcpdump and closes the file. */
    void finish() throws Exception {
      try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
        sender.send(new DatagramPacket(marker, marker.length, markerSink.getLocalSocketAddress()));
      }
      boolean arrived = copierDoneOrMarkerSeen.await(30, TimeUnit.SECONDS) && markerSeen;
      tcpdump.destroy(); // SIGTERM: tcpdump writes out what it holds and exits
      boolean exited = tcpdump.waitFor(10, TimeUnit.SECONDS);
      copier.join(Duration.ofSeconds(10));
      assertThat(arrived).as("tcpdump passed on our end marker within 30 s (copy failure: %s; tcpdump said: %s)",
          copyFailure, stderr.toString().strip()).isTrue();
      assertThat(exited).as("tcpdump exited on SIGTERM").isTrue();
      assertThat(copier.isAlive()).as("copier reached the end of tcpdump's output").isFalse();
      assertThat(copyFailure).as("copying tcpdump's output").isNull();
    }

    @Override
    public void close() throws IOException {
      tcpdump.destroyForcibly();
      markerSink.close();
      Files.deleteIfExists(fifo);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= haystack.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }
}
