package io.heartguard.clienttest;

import io.heartguard.evidence.LeakFile;
import io.heartguard.scan.Failure;
import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.Verdict;
import io.heartguard.tlsserver.Ja3Fingerprint;
import io.heartguard.tlsserver.ServerHelloFlight;
import io.heartguard.tlsserver.SocketAddressText;
import io.heartguard.tlsserver.starttls.StartTlsDialogException;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordHeader;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import io.heartguard.wire.tls.TlsException;
import io.heartguard.wire.tls.TlsServerSession;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One client, checked on one connection: the STARTTLS dialog if any, its ClientHello, then — when it offers
 * heartbeats — scan's {@link HeartbeatOracle} turned around: the probe and the control go out right after the
 * ServerHello, before the Certificate, and the client's answers decide.
 *
 * <p>Why right after the ServerHello and not after ServerHelloDone: an OpenSSL 1.0.1f client answers heartbeats in
 * any state ({@code ssl3_read_bytes}), but after ServerHelloDone it sends ClientKeyExchange and ChangeCipherSpec
 * before it reads again, so its answer would be encrypted under keys we would have to finish the handshake to know.
 * Before the Certificate its write state is still plaintext, and a client that verifies certificates has not yet
 * rejected ours. Its answers go through its 4096-byte handshake buffer ({@code ssl3_connect} calls
 * {@code ssl_init_wbio_buffer} too), which is why the oracle's two answers are both over 4 KB.
 *
 * <p>With {@code --after-handshake} the flight goes out whole, the handshake is completed ({@link TlsServerSession},
 * RSA key exchange) and the same two requests go out protected, as {@code scan --after-handshake} sends them: this
 * finds clients that answer heartbeats only inside a session, and makes the encrypted attack heartleech made against
 * servers, turned on a client. Inside the session no buffer holds an answer back, so a dump's requests claim the
 * full 65535 bytes, their answers cut into records of at most 2^14 bytes and joined here.
 */
final class ClientCheck {
  /** The host name STARTTLS greetings announce; RFC 2606's .invalid resolves nowhere. */
  static final String SERVER_NAME = "client-test.heartguard.invalid";
  /** A ClientHello is at most 2^16 bytes in practice; nothing else is buffered before it. */
  private static final int MAX_HANDSHAKE_MESSAGE = 64 * 1024;
  /** Records after our flight that are not an answer (the client's own heartbeat requests) before we give up. */
  private static final int MAX_SKIPPED_RECORDS = 64;
  /** A dump's request: a 16-byte payload claiming a one-record answer, 2^14 − 3 − 16 (as scan's dump). */
  static final int DUMP_PAYLOAD_LENGTH = (1 << 14) - 3 - 16;
  /** A dump's request inside the session: the most payload_length can claim (RFC 6520 section 4: uint16). */
  static final int SESSION_DUMP_PAYLOAD_LENGTH = 0xffff;
  private static final int DUMP_SENT_BYTES = 16 + 16;

  private final Socket socket;
  private final ClientTestOptions options;
  private final SplittableRandom random;
  private final long deadlineNanos;
  private final RecordReader records = new RecordReader();
  private final byte[] chunk = new byte[16 * 1024];
  private InputStream in;
  private OutputStream out;
  private String address;
  private ClientHello hello;
  /** The ClientHello message, header included, for the handshake transcript. */
  private byte[] helloMessage;
  /** With --after-handshake, once the handshake is complete: every record from the client is opened through it. */
  private TlsServerSession session;

  ClientCheck(Socket socket, ClientTestOptions options, long seed) {
    this.socket = socket;
    this.options = options;
    this.random = new SplittableRandom(seed);
    this.deadlineNanos = System.nanoTime() + options.timeout().toNanos();
  }

  /** Runs the check; every way a client can misbehave ends in a report, never an exception. */
  ClientReport run() {
    address = SocketAddressText.describe((InetSocketAddress) socket.getRemoteSocketAddress());
    try {
      in = socket.getInputStream();
      out = socket.getOutputStream();
      socket.setSoTimeout(remainingMillis());
      if (options.starttls() != null) {
        options.starttls().serve(in, out, SERVER_NAME);
      }
      hello = readClientHello();
      if (hello == null) {
        return report(Verdict.INCONCLUSIVE, "client closed before a complete ClientHello", 0);
      }
      return decide();
    } catch (StartTlsDialogException e) {
      return report(Verdict.INCONCLUSIVE, "STARTTLS " + options.starttls().label() + " dialog failed: " + e.getMessage(), 0);
    } catch (SocketTimeoutException e) {
      return report(Verdict.INCONCLUSIVE, (hello == null ? "no complete ClientHello" : "no answer")
          + " within " + options.timeout().toMillis() + " ms", 0);
    } catch (RecordException e) {
      return report(Verdict.INCONCLUSIVE, "client sent something that is not TLS: " + e.getMessage(), 0);
    } catch (HandshakeException e) {
      return report(Verdict.INCONCLUSIVE, "unreadable ClientHello: " + e.getMessage(), 0);
    } catch (IOException e) {
      return report(Verdict.INCONCLUSIVE, "I/O error: " + e.getMessage(), 0);
    }
  }

  private ClientReport decide() throws IOException, RecordException {
    ServerHelloFlight.Answer answer = ServerHelloFlight.answer(hello, options.identity(), random);
    if (!hello.offersHeartbeat()) {
      // RFC 6520 section 2: without the extension in its hello the client never agreed to answer heartbeats.
      sendAnswerWithoutProbe(answer);
      return report(Verdict.NOT_VULNERABLE, "client negotiated no heartbeat", 0);
    }
    if (answer instanceof ServerHelloFlight.Refusal refusal) {
      send(alertRecord(refusal.version(), refusal.alert()));
      return report(Verdict.INCONCLUSIVE, "client offers heartbeats but " + refusal.reason(), 0);
    }
    ServerHelloFlight.Flight flight = (ServerHelloFlight.Flight) answer;
    if (options.afterHandshake()) {
      return decideInSession(flight);
    }
    HeartbeatOracle oracle = new HeartbeatOracle(flight.version(), random);
    ByteArrayOutputStream write = new ByteArrayOutputStream();
    write.writeBytes(flight.records().get(0)); // ServerHello
    write.writeBytes(oracle.requests());
    write.writeBytes(flight.records().get(1)); // Certificate
    write.writeBytes(flight.records().get(2)); // ServerHelloDone
    send(write.toByteArray());
    HeartbeatOracle.ProbeOutcome outcome = readAnswers(oracle);
    if (outcome.verdict() == Verdict.VULNERABLE && options.dumpFile() != null) {
      String dumped = dump(flight.version());
      return report(outcome.verdict(), outcome.reason() + "; " + dumped, outcome.bytesLeaked());
    }
    return report(outcome.verdict(), outcome.reason(), outcome.bytesLeaked());
  }

  /**
   * --after-handshake: the whole flight, the rest of the handshake, then the oracle's two requests protected in one
   * write; the client's answers are opened and judged as before the handshake.
   */
  private ClientReport decideInSession(ServerHelloFlight.Flight flight) throws IOException, RecordException {
    sendAnswerWithoutProbe(flight);
    TlsServerSession handshake;
    try {
      handshake = TlsServerSession.afterServerHelloDone(flight.version(), flight.cipherSuite(),
          options.identity().privateKey(), hello.version(), hello.random(), flight.serverRandom(), helloMessage,
          flight.records(), new SecureRandom());
    } catch (TlsException e) {
      send(alertRecord(flight.version(), new Alert(Alert.FATAL, Alert.HANDSHAKE_FAILURE)));
      return report(Verdict.INCONCLUSIVE, "client offers heartbeats but " + e.getMessage(), 0);
    }
    String failed = completeHandshake(handshake, flight.version());
    if (failed != null) {
      return report(Verdict.INCONCLUSIVE, failed, 0);
    }
    session = handshake;
    HeartbeatOracle oracle = new HeartbeatOracle(flight.version(), random);
    List<byte[]> requests = oracle.requestMessages(true);
    ByteArrayOutputStream write = new ByteArrayOutputStream();
    write.writeBytes(session.seal(ContentType.HEARTBEAT, requests.get(0)));
    write.writeBytes(session.seal(ContentType.HEARTBEAT, requests.get(1)));
    send(write.toByteArray());
    HeartbeatOracle.ProbeOutcome outcome = readAnswers(oracle);
    String where = outcome.verdict() == Verdict.INCONCLUSIVE ? ""
        : " (encrypted, after a " + flight.version().displayName() + " handshake with " + session.suite().ianaName() + ")";
    if (outcome.verdict() == Verdict.VULNERABLE && options.dumpFile() != null) {
      String dumped = dump(flight.version());
      return report(outcome.verdict(), outcome.reason() + where + "; " + dumped, outcome.bytesLeaked());
    }
    return report(outcome.verdict(), outcome.reason() + where, outcome.bytesLeaked());
  }

  /**
   * The client's ClientKeyExchange, ChangeCipherSpec and Finished, and our answer; null once the session is
   * established, else why not. Plaintext heartbeats the client sends meanwhile are skipped, not answered.
   */
  private String completeHandshake(TlsServerSession handshake, ProtocolVersion version) throws IOException, RecordException {
    for (int skipped = 0; skipped <= MAX_SKIPPED_RECORDS; ) {
      TlsRecord record = nextRecord();
      if (record == null) {
        return "client closed the connection during the handshake";
      }
      switch (record.type()) {
        case HANDSHAKE, CHANGE_CIPHER_SPEC -> {
          try {
            send(handshake.receive(record));
          } catch (TlsException e) {
            send(alertRecord(version, new Alert(Alert.FATAL, Alert.HANDSHAKE_FAILURE)));
            return "full handshake failed: " + e.getMessage();
          }
          if (handshake.established()) {
            return null;
          }
        }
        case ALERT -> {
          return "client sent alert " + describeAlert(record.fragment()) + " during the handshake";
        }
        default -> skipped++;
      }
    }
    return "more than " + MAX_SKIPPED_RECORDS + " records from the client during the handshake, none completing it";
  }

  /** The client's records after our flight, in order, until one decides. */
  private HeartbeatOracle.ProbeOutcome readAnswers(HeartbeatOracle oracle) throws IOException, RecordException {
    for (int skipped = 0; skipped <= MAX_SKIPPED_RECORDS; skipped++) {
      TlsRecord record;
      try {
        record = nextRecord();
      } catch (SocketTimeoutException e) {
        return inconclusive(Failure.TIMEOUT,
            "no answer to either heartbeat request within " + options.timeout().toMillis() + " ms");
      }
      if (record == null) {
        return inconclusive(Failure.CLOSED, "client closed the connection answering neither heartbeat request");
      }
      if (session != null) {
        try {
          record = opened(record);
        } catch (TlsException e) {
          return inconclusive(Failure.PROTOCOL, "a protected record from the client does not open: " + e.getMessage());
        }
        if (record.type() == ContentType.APPLICATION_DATA) {
          continue; // written before the client read our requests (records are processed in order)
        }
        if (record.type() == ContentType.HANDSHAKE) {
          return inconclusive(Failure.PROTOCOL,
              "client sent a handshake message inside the session answering neither heartbeat request");
        }
      }
      switch (record.type()) {
        case HEARTBEAT -> {
          HeartbeatOracle.ProbeOutcome outcome = oracle.judge(record.fragment());
          if (outcome != null) {
            return outcome;
          }
        }
        case HANDSHAKE -> {
          // Records are processed in order: a handshake message after ServerHelloDone means the client read both
          // requests and went on without answering; its buffer would have been flushed with that message.
          return new HeartbeatOracle.ProbeOutcome(Verdict.NOT_VULNERABLE,
              "client ignored both heartbeat requests and continued the handshake", List.of(), 0, Failure.NONE);
        }
        case ALERT -> {
          return inconclusive(Failure.ALERT,
              "client sent alert " + describeAlert(record.fragment()) + " answering neither heartbeat request");
        }
        default -> {
          return inconclusive(Failure.PROTOCOL,
              "client sent a " + record.type() + " record answering neither heartbeat request");
        }
      }
    }
    return inconclusive(Failure.LIMIT, "more than " + MAX_SKIPPED_RECORDS + " records from the client, none an answer");
  }

  /**
   * Authorized testing only: {@code dumpRequests} requests of a 16-byte payload claiming {@link #DUMP_PAYLOAD_LENGTH},
   * one at a time; each one-record answer's bytes past our payload and padding go to the dump file and nowhere else.
   */
  private String dump(ProtocolVersion version) throws IOException, RecordException {
    long written = 0;
    int answers = 0;
    int claimed = session == null ? DUMP_PAYLOAD_LENGTH : SESSION_DUMP_PAYLOAD_LENGTH;
    try (LeakFile file = LeakFile.create(options.dumpFile())) {
      for (int i = 0; i < options.dumpRequests(); i++) {
        byte[] payload = new byte[16];
        random.nextBytes(payload);
        HeartbeatMessage request = new HeartbeatMessage(HeartbeatMessageType.REQUEST, Bytes.of(payload),
            Bytes.repeat(0, HeartbeatFrame.MIN_PADDING));
        byte[] malformed = HeartbeatProbe.withDeclaredPayloadLength(request, claimed);
        send(session == null ? new TlsRecord(ContentType.HEARTBEAT, version, Bytes.of(malformed)).toByteArray()
            : session.seal(ContentType.HEARTBEAT, malformed));
        byte[] answer = session == null ? nextHeartbeatResponse(payload) : nextHeartbeatResponseInSession(payload);
        if (answer == null) {
          break;
        }
        int from = HeartbeatFrame.HEADER_LENGTH + DUMP_SENT_BYTES;
        int to = Math.min(answer.length, HeartbeatFrame.HEADER_LENGTH + claimed);
        if (to > from) {
          file.write(answer, from, to - from);
          written += to - from;
        }
        java.util.Arrays.fill(answer, (byte) 0);
        answers++;
      }
    } catch (SocketTimeoutException e) {
      // what was dumped so far stays in the file; the summary says how much
    }
    return "dumped " + written + " bytes from " + answers + " answers to " + options.dumpFile();
  }

  /**
   * The answer to the request that carried {@code payload}; other heartbeat records (the client's own requests, the
   * oracle's control answered after the probe decided) are skipped.
   */
  private byte[] nextHeartbeatResponse(byte[] payload) throws IOException, RecordException {
    for (int skipped = 0; skipped <= MAX_SKIPPED_RECORDS; skipped++) {
      TlsRecord record = nextRecord();
      if (record == null || record.type() != ContentType.HEARTBEAT) {
        return null;
      }
      byte[] bytes = record.fragment().toByteArray();
      if (answers(bytes, payload)) {
        return bytes;
      }
    }
    return null;
  }

  /** Whether {@code message} is a heartbeat response echoing {@code payload} first. */
  private static boolean answers(byte[] message, byte[] payload) {
    return message.length >= HeartbeatFrame.HEADER_LENGTH + payload.length
        && message[0] == HeartbeatMessageType.RESPONSE.code()
        && java.util.Arrays.equals(message, HeartbeatFrame.HEADER_LENGTH, HeartbeatFrame.HEADER_LENGTH + payload.length,
            payload, 0, payload.length);
  }

  /**
   * Inside the session: the answer to the request that carried {@code payload}, joined from its records
   * (ssl3_write_bytes cuts it at 2^14 bytes), or null when it does not come; at most 3 + 65535 + 16 + 2^14 bytes are
   * held.
   */
  private byte[] nextHeartbeatResponseInSession(byte[] payload) throws IOException, RecordException {
    byte[] message = null;
    int length = 0;
    for (int skipped = 0; skipped <= MAX_SKIPPED_RECORDS; ) {
      TlsRecord record = nextRecord();
      if (record == null) {
        return null;
      }
      byte[] plaintext;
      try {
        plaintext = opened(record).fragment().toByteArray();
      } catch (TlsException e) {
        return null;
      }
      if (record.type() != ContentType.HEARTBEAT) {
        skipped++;
        continue;
      }
      if (message == null) {
        if (!answers(plaintext, payload)) {
          skipped++; // the client's own request, or the oracle's control answered after the probe decided
          continue;
        }
        int declared = ((plaintext[1] & 0xff) << 8) | (plaintext[2] & 0xff);
        // RFC 6520 section 4: payload_length bytes of payload, then at least 16 of padding; one record more at most.
        message = new byte[HeartbeatFrame.HEADER_LENGTH + declared + HeartbeatFrame.MIN_PADDING + RecordHeader.MAX_PLAINTEXT];
      }
      if (length + plaintext.length > message.length) {
        java.util.Arrays.fill(message, (byte) 0);
        return null; // more than a response of that length can hold
      }
      System.arraycopy(plaintext, 0, message, length, plaintext.length);
      length += plaintext.length;
      java.util.Arrays.fill(plaintext, (byte) 0);
      int declared = ((message[1] & 0xff) << 8) | (message[2] & 0xff);
      if (length >= HeartbeatFrame.HEADER_LENGTH + declared + HeartbeatFrame.MIN_PADDING) {
        byte[] whole = java.util.Arrays.copyOf(message, length);
        java.util.Arrays.fill(message, (byte) 0);
        return whole;
      }
    }
    return null;
  }

  /** A record from the client opened through the session: same type and version, its plaintext as fragment. */
  private TlsRecord opened(TlsRecord record) throws TlsException {
    return new TlsRecord(record.type(), record.version(), session.open(record));
  }

  private void sendAnswerWithoutProbe(ServerHelloFlight.Answer answer) throws IOException {
    if (answer instanceof ServerHelloFlight.Flight flight) {
      ByteArrayOutputStream write = new ByteArrayOutputStream();
      flight.records().forEach(write::writeBytes);
      send(write.toByteArray());
    } else if (answer instanceof ServerHelloFlight.Refusal refusal) {
      send(alertRecord(refusal.version(), refusal.alert()));
    }
  }

  private ClientHello readClientHello() throws IOException, RecordException, HandshakeException {
    HandshakeReader handshake = new HandshakeReader(MAX_HANDSHAKE_MESSAGE);
    while (true) {
      TlsRecord record = nextRecord();
      if (record == null) {
        return null;
      }
      if (record.type() != ContentType.HANDSHAKE) {
        throw new HandshakeException("first record is " + record.type() + ", expected a handshake record with a ClientHello");
      }
      handshake.feed(record.fragment());
      HandshakeMessage message = handshake.next();
      if (message != null) {
        if (message.type() != HandshakeType.CLIENT_HELLO) {
          throw new HandshakeException("first handshake message has type " + message.typeCode() + ", expected client_hello (1)");
        }
        helloMessage = message.toByteArray();
        return ClientHello.parse(message.body());
      }
    }
  }

  /** The next record, or null at the client's close; every read waits at most until the deadline. */
  private TlsRecord nextRecord() throws IOException, RecordException {
    while (true) {
      TlsRecord record = records.next();
      if (record != null) {
        return record;
      }
      socket.setSoTimeout(remainingMillis());
      int n;
      try {
        n = in.read(chunk);
      } catch (EOFException e) {
        n = -1;
      }
      if (n < 0) {
        return null;
      }
      records.feed(chunk, 0, n);
    }
  }

  private int remainingMillis() throws SocketTimeoutException {
    long millis = (deadlineNanos - System.nanoTime()) / 1_000_000;
    if (millis <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    return (int) Math.min(Integer.MAX_VALUE, millis);
  }

  private void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private static byte[] alertRecord(ProtocolVersion version, Alert alert) {
    return new TlsRecord(ContentType.ALERT, version, alert.toBytes()).toByteArray();
  }

  private static String describeAlert(Bytes fragment) {
    try {
      return Alert.parse(fragment).toString();
    } catch (AlertException e) {
      return "(malformed: " + e.getMessage() + ")";
    }
  }

  private static HeartbeatOracle.ProbeOutcome inconclusive(Failure failure, String reason) {
    return new HeartbeatOracle.ProbeOutcome(Verdict.INCONCLUSIVE, reason, List.of(reason), 0, failure);
  }

  private ClientReport report(Verdict verdict, String reason, long bytesLeaked) {
    String starttls = options.starttls() == null ? null : options.starttls().label();
    if (hello == null) {
      return new ClientReport(address, null, null, List.of(), List.of(), null, false, starttls, verdict, reason, bytesLeaked);
    }
    Ja3Fingerprint ja3 = Ja3Fingerprint.of(hello);
    List<String> suites = new ArrayList<>();
    for (int suite : hello.cipherSuites()) {
      suites.add(String.format("0x%04x", suite));
    }
    return new ClientReport(address, ja3.text(), ja3.md5(), versions(hello), suites, hello.serverName(),
        hello.offersHeartbeat(), starttls, verdict, reason, bytesLeaked);
  }

  /** client_version, then the supported_versions list (RFC 8446 section 4.2.1) without GREASE, newest first as sent. */
  static List<String> versions(ClientHello hello) {
    List<String> out = new ArrayList<>();
    Extension supported = hello.extension(43);
    if (supported != null && supported.data().size() >= 1 && supported.data().get(0) == supported.data().size() - 1) {
      for (int i = 1; i + 1 < supported.data().size(); i += 2) {
        int code = (supported.data().get(i) << 8) | supported.data().get(i + 1);
        if (!Ja3Fingerprint.isGrease(code)) {
          out.add(ProtocolVersion.fromCode(code).displayName());
        }
      }
    }
    String legacy = hello.version().displayName();
    if (!out.contains(legacy)) {
      out.add(legacy);
    }
    return out;
  }
}
