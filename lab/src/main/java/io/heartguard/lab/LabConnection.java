package io.heartguard.lab;

import io.heartguard.tlsserver.Ja3Fingerprint;
import io.heartguard.tlsserver.ServerHelloFlight;
import io.heartguard.tlsserver.starttls.StartTlsDialogException;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordHeader;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import io.heartguard.wire.tls.TlsException;
import io.heartguard.wire.tls.TlsServerSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * One client of the lab, served on its own (virtual) thread with blocking reads. It plays OpenSSL 1.0.1f's server
 * side up to ServerHelloDone and then waits for ClientKeyExchange, answering heartbeats meanwhile through the 4 KB
 * handshake write buffer; with a STARTTLS protocol set, its plaintext greeting and dialog come first. Whatever the
 * peer does, the connection ends with one log line and the server goes on. Memory is bounded: one record (at most
 * 5 + 2^14 + 2048 bytes), one handshake message (at most {@link #MAX_HANDSHAKE_MESSAGE}), one heartbeat response (at
 * most 3 + 65535 + 16 bytes), one STARTTLS line or message (see {@code io.heartguard.tlsserver.starttls}).
 */
final class LabConnection implements Runnable {
  /** A ClientHello is at most 2^16 bytes of body in practice; nothing else is buffered before the flight. */
  static final int MAX_HANDSHAKE_MESSAGE = 64 * 1024;
  private static final int READ_CHUNK = 8 * 1024;

  private final Socket socket;
  private final String peer;
  private final LabServer.Context context;
  private final long deadlineNanos;
  private final BufferingBio bio = new BufferingBio();
  private final RecordReader records = new RecordReader();
  private final HandshakeReader handshake = new HandshakeReader(MAX_HANDSHAKE_MESSAGE);
  private final SplittableRandom random;
  private final HeartbeatResponder responder;
  private OutputStream out;
  /** Null until the ServerHello went out; from then on every record must carry it. */
  private ProtocolVersion version;
  /** The client's hello, kept for the honeypot's JA3 and scanner guess. */
  private ClientHello hello;
  /** The description of the last warning alert before the first heartbeat, -1 if none (masscan sends one). */
  private int warningAlert = -1;
  /** Whether the connection deadline, not the read timeout, bounded the last read. */
  private boolean deadlineFirst;
  /** Decided on the first heartbeat, then kept for the connection. */
  private ScannerGuess guess;
  /** With heartbeats after the handshake only: the server half of the handshake, from ServerHelloDone on. */
  private TlsServerSession session;

  LabConnection(Socket socket, String peer, LabServer.Context context, long deadlineNanos, long seed) {
    this.socket = socket;
    this.peer = peer;
    this.context = context;
    this.deadlineNanos = deadlineNanos;
    this.random = new SplittableRandom(seed);
    FakeMemory memory = context.honeypot() == null ? context.memory()
        : context.honeypot().memoryFor(socket.getInetAddress());
    this.responder = new HeartbeatResponder(context.mode(), memory, random);
  }

  @Override
  public void run() {
    String reason;
    try (socket) {
      reason = serve();
    } catch (RecordException e) {
      reason = "not a TLS record stream: " + e.getMessage();
    } catch (HandshakeException e) {
      reason = "unreadable handshake: " + e.getMessage();
    } catch (IOException e) {
      reason = context.closing().get() ? "lab server closing" : "I/O error: " + e.getMessage();
    } catch (RuntimeException e) {
      reason = "internal error: " + e;
    }
    context.log().connectionClosed(peer, reason);
  }

  private String serve() throws IOException, RecordException, HandshakeException {
    InputStream in = socket.getInputStream();
    out = socket.getOutputStream();
    if (context.startTls() != null) {
      String refused = startTls(in);
      if (refused != null) {
        return refused;
      }
    }
    byte[] chunk = new byte[READ_CHUNK];
    while (true) {
      int n;
      try {
        n = read(in, chunk, 0, chunk.length);
      } catch (SocketTimeoutException e) {
        return timeoutReason();
      }
      if (n < 0) {
        return version == null ? "peer closed before a complete ClientHello" : "peer closed after ServerHelloDone";
      }
      records.feed(chunk, 0, n);
      for (TlsRecord record = records.next(); record != null; record = records.next()) {
        String end = version == null ? beforeServerHello(record)
            : session != null ? inSession(record) : afterServerHelloDone(record);
        if (end != null) {
          return end;
        }
      }
    }
  }

  /**
   * The plaintext greeting and STARTTLS dialog, under the same read timeout and deadline as the TLS that follows.
   * Returns null once the client may send its ClientHello, or why the connection ends.
   */
  private String startTls(InputStream in) throws IOException {
    String label = context.startTls().label();
    InputStream bounded = new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return LabConnection.this.read(in, b, off, len);
      }

      @Override
      public int available() throws IOException {
        return in.available();
      }
    };
    try {
      context.startTls().serve(bounded, out, StartTlsProtocol.DEFAULT_SERVER_NAME);
      return null;
    } catch (StartTlsDialogException e) {
      return "STARTTLS " + label + " dialog: " + e.getMessage();
    } catch (SocketTimeoutException e) {
      return timeoutReason() + " in the STARTTLS " + label + " dialog";
    }
  }

  /** One read, bounded by whichever comes first: the read timeout or the connection deadline. */
  private int read(InputStream in, byte[] b, int off, int len) throws IOException {
    long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
    deadlineFirst = remainingMillis < context.readTimeout().toMillis();
    if (remainingMillis <= 0) {
      throw new SocketTimeoutException("connection deadline passed");
    }
    socket.setSoTimeout((int) Math.min(context.readTimeout().toMillis(), remainingMillis));
    return in.read(b, off, len);
  }

  /** Why the last read timed out: the deadline or the read timeout, whichever bounded it. */
  private String timeoutReason() {
    return deadlineFirst
        ? "connection deadline of " + context.connectionDeadline().toMillis() + " ms passed"
        : "no bytes for " + context.readTimeout().toMillis() + " ms (read timeout)";
  }

  /** ssl23_get_client_hello: only a TLS record carrying a ClientHello is accepted, anything else ends silently. */
  private String beforeServerHello(TlsRecord record) throws IOException, HandshakeException {
    if (record.type() != ContentType.HANDSHAKE) {
      return "first record is " + record.type() + ", expected a handshake record with a ClientHello";
    }
    handshake.feed(record.fragment());
    HandshakeMessage message = handshake.next();
    if (message == null) {
      return null;
    }
    if (message.type() != HandshakeType.CLIENT_HELLO) {
      return fatal(record.version(), Alert.UNEXPECTED_MESSAGE, "first handshake message has type "
          + message.typeCode() + ", expected client_hello (1)");
    }
    try {
      hello = ClientHello.parse(message.body());
    } catch (HandshakeException e) {
      return fatal(record.version(), Alert.DECODE_ERROR, "unreadable ClientHello: " + e.getMessage());
    }
    ServerHelloFlight.Answer answer = ServerHelloFlight.answer(hello, context.identity(), random);
    if (answer instanceof ServerHelloFlight.Refusal refusal) {
      return fatal(refusal.version(), refusal.alert().description(), refusal.reason());
    }
    ServerHelloFlight.Flight flight = (ServerHelloFlight.Flight) answer;
    for (byte[] messageRecords : flight.records()) {
      send(bio.write(messageRecords));
    }
    // ssl3_accept's SSL3_ST_SW_FLUSH after ServerHelloDone; the buffer stays in place until the handshake ends.
    send(bio.flush());
    version = flight.version();
    if (context.heartbeats() == LabHeartbeatStage.AFTER_HANDSHAKE) {
      try {
        session = TlsServerSession.afterServerHelloDone(version, flight.cipherSuite(), context.identity().privateKey(),
            hello.version(), hello.random(), flight.serverRandom(), message.toByteArray(), flight.records(),
            new SecureRandom());
      } catch (TlsException e) {
        return fatal(version, Alert.HANDSHAKE_FAILURE, e.getMessage());
      }
    }
    return null;
  }

  /**
   * With heartbeats after the handshake only: the handshake goes on to Finished (RSA key exchange), plaintext
   * heartbeats before it are ignored, and once it is complete every record is opened and heartbeats are answered
   * protected, by the same path as plaintext ones (the honeypot's budgets, canary and attempt line included).
   */
  private String inSession(TlsRecord record) throws IOException, HandshakeException {
    try {
      if (!session.established()) {
        switch (record.type()) {
          case HEARTBEAT -> {
            if (context.honeypot() != null) {
              // ignored like any plaintext heartbeat here, but the honeypot still records who tried and with what
              byte[] fragment = record.fragment().toByteArray();
              honeypotAttempt(fragment, responder.respond(fragment), "ignored_before_handshake", 0, 0, null);
            }
            return null; // ignored: heartbeats count only inside the session
          }
          case HANDSHAKE, CHANGE_CIPHER_SPEC -> {
            send(session.receive(record));
            return null;
          }
          default -> {
            return afterServerHelloDone(record);
          }
        }
      }
      byte[] plaintext = session.open(record).toByteArray();
      switch (record.type()) {
        case HEARTBEAT -> {
          heartbeat(plaintext);
          return null;
        }
        case APPLICATION_DATA -> {
          return null; // read and dropped: the lab serves no content
        }
        case ALERT -> {
          return "peer sent alert " + Alert.parse(Bytes.of(plaintext)) + " inside the session";
        }
        default -> {
          return "peer sent a " + record.type() + " record inside the session; renegotiation is not supported";
        }
      }
    } catch (TlsException | AlertException e) {
      if (session.established()) {
        // Inside the session the alert is protected like any record (RFC 5246 section 7.2).
        Alert alert = new Alert(Alert.FATAL, Alert.BAD_RECORD_MAC);
        send(session.seal(ContentType.ALERT, alert.toBytes().toByteArray()));
        return "inside the session: " + e.getMessage() + " (sent " + alert + ")";
      }
      return fatal(version, Alert.HANDSHAKE_FAILURE, "full handshake: " + e.getMessage());
    }
  }

  /** ssl3_get_client_key_exchange waiting, while ssl3_read_bytes answers heartbeats on the side. */
  private String afterServerHelloDone(TlsRecord record) throws IOException, HandshakeException {
    if (!record.version().equals(version)) {
      // ssl3_get_record: after the first packet the record version must be the negotiated one.
      return fatal(record.version(), Alert.PROTOCOL_VERSION, "record version " + record.version()
          + " differs from the negotiated " + version);
    }
    switch (record.type()) {
      case HEARTBEAT -> {
        heartbeat(record.fragment().toByteArray());
        return null;
      }
      case HANDSHAKE -> {
        handshake.feed(record.fragment());
        HandshakeMessage message = handshake.next();
        if (message == null) {
          return null;
        }
        if (message.type() == HandshakeType.CLIENT_KEY_EXCHANGE) {
          return fatal(version, Alert.HANDSHAKE_FAILURE,
              "client sent ClientKeyExchange; the lab ends every handshake after ServerHelloDone");
        }
        return fatal(version, Alert.UNEXPECTED_MESSAGE, "handshake message of type " + message.typeCode()
            + " after ServerHelloDone, expected client_key_exchange (16)");
      }
      case ALERT -> {
        try {
          Alert alert = Alert.parse(record.fragment());
          // ssl3_read_bytes: a warning other than close_notify is noted and reading goes on (masscan sends one).
          if (alert.level() == Alert.WARNING && alert.description() != Alert.CLOSE_NOTIFY) {
            warningAlert = alert.description();
            return null;
          }
          return "peer sent alert " + alert;
        } catch (AlertException e) {
          return fatal(version, Alert.DECODE_ERROR, "unreadable alert: " + e.getMessage());
        }
      }
      default -> {
        return fatal(version, Alert.UNEXPECTED_MESSAGE, record.type() + " record before the handshake finished");
      }
    }
  }

  private void heartbeat(byte[] fragment) throws IOException {
    HeartbeatResponder.Reply reply = responder.respond(fragment);
    if (context.honeypot() != null) {
      honeypotHeartbeat(fragment, reply);
      return;
    }
    context.log().heartbeat(peer, reply, sendReply(reply));
  }

  /** The honeypot's heartbeat: guess the scanner, check the budgets, answer, and log the attempt with the canary. */
  private void honeypotHeartbeat(byte[] fragment, HeartbeatResponder.Reply reply) throws IOException {
    Honeypot honeypot = context.honeypot();
    java.net.InetAddress source = socket.getInetAddress();
    int served = reply.answered() ? reply.message().length : 0;
    String outcome = reply.outcome().name().toLowerCase(java.util.Locale.ROOT);
    int sent = 0;
    String canary = null;
    if (reply.answered()) {
      ServeBudget.Decision decision = honeypot.tryServe(source, served);
      if (decision == ServeBudget.Decision.SERVE) {
        sent = sendReply(reply);
        Canary issued = honeypot.canaryFor(source);
        if (Honeypot.servesCanary(reply.overreadBytes(), issued)) {
          canary = issued.text();
        }
      } else {
        boolean global = decision == ServeBudget.Decision.OVER_GLOBAL_LIMIT;
        outcome = global ? "rate_limited_global" : "rate_limited_source";
        served = 0;
        if (honeypot.firstRefusal(source, decision)) {
          context.log().rateLimited(peer, source.getHostAddress(), global ? "global" : "source", honeypot.limitsText());
        }
      }
    }
    honeypotAttempt(fragment, reply, outcome, served, sent, canary);
  }

  /** The honeypot's attempt line; the scanner is guessed on the connection's first heartbeat and kept. */
  private void honeypotAttempt(byte[] fragment, HeartbeatResponder.Reply reply, String outcome, int served, int sent,
      String canary) {
    if (guess == null) {
      guess = ScannerGuess.of(hello, fragment, version, warningAlert);
    }
    context.log().attempt(peer, socket.getInetAddress().getHostAddress(), Ja3Fingerprint.of(hello), guess, reply,
        outcome, served, sent, inSession(), canary);
  }

  /**
   * Frames an answered reply into records, plaintext through the handshake buffer or, inside a session, protected
   * and written at once (OpenSSL frees the 4 KB handshake buffer once the handshake is over); returns the bytes that
   * reached the wire now.
   */
  private int sendReply(HeartbeatResponder.Reply reply) throws IOException {
    int sent = 0;
    if (reply.answered()) {
      // ssl3_write_bytes cuts the response into records of at most 2^14 bytes, each a separate write to the BIO.
      byte[] message = reply.message();
      for (int offset = 0; offset < message.length; offset += RecordHeader.MAX_PLAINTEXT) {
        int n = Math.min(RecordHeader.MAX_PLAINTEXT, message.length - offset);
        sent += inSession()
            ? send(session.seal(ContentType.HEARTBEAT, java.util.Arrays.copyOfRange(message, offset, offset + n)))
            : send(bio.write(new TlsRecord(ContentType.HEARTBEAT, version, Bytes.of(message, offset, n)).toByteArray()));
      }
    }
    return sent;
  }

  private boolean inSession() {
    return session != null && session.established();
  }

  /** ssl3_send_alert: a fatal alert is written and the buffer flushed with it, then the connection ends. */
  private String fatal(ProtocolVersion recordVersion, int description, String reason) throws IOException {
    Alert alert = new Alert(Alert.FATAL, description);
    send(bio.write(new TlsRecord(ContentType.ALERT, recordVersion, alert.toBytes()).toByteArray()));
    send(bio.flush());
    return reason + " (sent " + alert + ")";
  }

  private int send(byte[] bytes) throws IOException {
    if (bytes.length > 0) {
      out.write(bytes);
      out.flush();
    }
    return bytes.length;
  }
}
