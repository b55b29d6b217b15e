package io.heartguard.lab;

import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.tlsserver.SocketAddressText;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordHeader;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A deliberately vulnerable TLS client that passes, before its handshake finishes, for an OpenSSL 1.0.1f client (or
 * 1.0.1g): it sends a 2014-style ClientHello offering heartbeats, reads the server's flight, and answers every
 * heartbeat request on the way the way {@code tls1_process_heartbeat} did, leaking a fake heap in vulnerable mode.
 *
 * <p>The write path is the client's: {@code ssl3_connect} puts the same 4096-byte buffering BIO in front of the socket
 * ({@code ssl_init_wbio_buffer}) and flushes it after the ClientHello, so a heartbeat answer of at most 4096 bytes
 * stays in the buffer until a later write pushes it out, exactly as on the server side.
 *
 * <p>Deviation: at ServerHelloDone it sends a fatal handshake_failure alert (which flushes the buffer) and closes,
 * instead of a ClientKeyExchange; it never finishes a handshake.
 */
public final class LabClient {
  /** Records kept while reading; a ClientHello's answer never needs more than one message this large. */
  private static final int MAX_HANDSHAKE_MESSAGE = 256 * 1024;
  private static final int READ_CHUNK = 8 * 1024;

  private final LabMode mode;
  private final FakeMemory memory;
  private final String serverName;
  private final Duration timeout;
  private final LabLog log;
  private final SplittableRandom random;

  /**
   * How the run ended: heartbeat requests answered (in vulnerable mode possibly with leaks), bytes read from past the
   * requests in all, and why it stopped.
   */
  public record Outcome(int heartbeatsAnswered, long bytesOverread, String reason) {}

  private LabClient(LabMode mode, long heapSeed, String serverName, Duration timeout, OutputStream logStream) {
    this.mode = Objects.requireNonNull(mode, "mode");
    // The client's "heap" holds what a 2014 client held: earlier requests with cookies and credentials, and a key.
    this.memory = FakeMemory.seeded(heapSeed, ServerIdentity.processDefault());
    this.serverName = serverName;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.log = new LabLog(Objects.requireNonNull(logStream, "logStream"), false, Clock.systemUTC(), mode);
    this.random = new SplittableRandom(heapSeed ^ 0x5DEECE66DL);
  }

  /**
   * A client in {@code mode}; {@code serverName} goes into SNI (null or an address literal sends none), every read
   * waits at most {@code timeout}, and heartbeat JSON lines (as the lab server writes them) go to {@code logStream}.
   */
  public static LabClient of(LabMode mode, String serverName, Duration timeout, OutputStream logStream) {
    return new LabClient(mode, LabOptions.DEFAULT_HEAP_SEED, serverName, timeout, logStream);
  }

  /** The cookies, passwords and tokens planted in this client's fake heap, for tests that look for them in a leak. */
  public java.util.List<String> plantedSecrets() {
    return memory.secrets();
  }

  /** Connects to {@code server} and runs the handshake up to ServerHelloDone. */
  public Outcome connect(InetSocketAddress server) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) timeout.toMillis());
      return run(socket);
    }
  }

  /**
   * Runs the handshake on a connected socket (after a STARTTLS dialog, say); the caller closes it. Protocol and I/O
   * failures of the peer end the run with their reason, they are not thrown.
   */
  public Outcome run(Socket socket) throws IOException {
    String peer = SocketAddressText.describe((InetSocketAddress) socket.getRemoteSocketAddress());
    Session session = new Session(socket);
    String reason;
    try {
      reason = session.handshake();
    } catch (RecordException e) {
      reason = "server sent something that is not a TLS record stream: " + e.getMessage();
    } catch (HandshakeException e) {
      reason = "unreadable handshake from the server: " + e.getMessage();
    } catch (SocketTimeoutException e) {
      reason = "no bytes from the server for " + timeout.toMillis() + " ms";
    } catch (IOException e) {
      reason = "I/O error: " + e.getMessage();
    }
    log.connectionClosed(peer, reason);
    return new Outcome(session.answered, session.overread, reason);
  }

  /** One connection's state, as ssl3_connect keeps it. */
  private final class Session {
    private final Socket socket;
    private final BufferingBio bio = new BufferingBio();
    private final RecordReader records = new RecordReader();
    private final HandshakeReader handshake = new HandshakeReader(MAX_HANDSHAKE_MESSAGE);
    private final HeartbeatResponder responder = new HeartbeatResponder(mode, memory, random);
    private final String peer;
    private OutputStream out;
    /** Null until the ServerHello arrived; from then on every record must carry it (ssl3_get_record). */
    private ProtocolVersion version;
    private int answered;
    private long overread;

    Session(Socket socket) {
      this.socket = socket;
      this.peer = SocketAddressText.describe((InetSocketAddress) socket.getRemoteSocketAddress());
    }

    String handshake() throws IOException, RecordException, HandshakeException {
      socket.setSoTimeout((int) timeout.toMillis());
      InputStream in = socket.getInputStream();
      out = socket.getOutputStream();
      ClientHello hello = ClientHellos.like2014(ProtocolVersion.TLS1_2, serverName, random);
      // Clients of 2014 framed their first hello in a TLS 1.0 record, for servers that choke on a newer one.
      send(bio.write(new TlsRecord(ContentType.HANDSHAKE, ProtocolVersion.TLS1_0,
          Bytes.of(hello.toMessage().toByteArray())).toByteArray()));
      send(bio.flush()); // SSL3_ST_CW_FLUSH after the ClientHello; the buffer stays in place.
      byte[] chunk = new byte[READ_CHUNK];
      while (true) {
        int n = in.read(chunk);
        if (n < 0) {
          return version == null ? "server closed before its ServerHello" : "server closed before ServerHelloDone";
        }
        records.feed(chunk, 0, n);
        for (TlsRecord record = records.next(); record != null; record = records.next()) {
          String end = onRecord(record);
          if (end != null) {
            return end;
          }
        }
      }
    }

    private String onRecord(TlsRecord record) throws IOException, HandshakeException {
      if (version != null && !record.version().equals(version)) {
        return fatal(Alert.PROTOCOL_VERSION, "record version " + record.version() + " differs from the negotiated " + version);
      }
      return switch (record.type()) {
        // ssl3_read_bytes answers a heartbeat whatever the handshake state; 1.0.1f did not check it was negotiated.
        case HEARTBEAT -> heartbeat(record.fragment().toByteArray());
        case HANDSHAKE -> handshakeRecord(record);
        case ALERT -> alert(record.fragment());
        default -> fatal(Alert.UNEXPECTED_MESSAGE, record.type() + " record before the handshake finished");
      };
    }

    private String handshakeRecord(TlsRecord record) throws IOException, HandshakeException {
      handshake.feed(record.fragment());
      for (HandshakeMessage message = handshake.next(); message != null; message = handshake.next()) {
        if (version == null) {
          if (message.type() != HandshakeType.SERVER_HELLO) {
            return fatal(Alert.UNEXPECTED_MESSAGE, "first handshake message has type " + message.typeCode()
                + ", expected server_hello (2)");
          }
          version = ServerHello.parse(message.body()).version();
        } else if (message.type() == HandshakeType.SERVER_HELLO_DONE) {
          return fatal(Alert.HANDSHAKE_FAILURE, "server sent ServerHelloDone; the lab client ends every handshake there");
        }
      }
      return null;
    }

    private String alert(Bytes fragment) {
      try {
        Alert alert = Alert.parse(fragment);
        // ssl3_read_bytes: a warning other than close_notify is noted and reading goes on.
        if (alert.level() == Alert.WARNING && alert.description() != Alert.CLOSE_NOTIFY) {
          return null;
        }
        return "server sent alert " + alert;
      } catch (AlertException e) {
        return "unreadable alert from the server: " + e.getMessage();
      }
    }

    private String heartbeat(byte[] fragment) throws IOException {
      if (version == null) {
        return fatal(Alert.UNEXPECTED_MESSAGE, "heartbeat record before the ServerHello");
      }
      HeartbeatResponder.Reply reply = responder.respond(fragment);
      int sent = 0;
      if (reply.answered()) {
        answered++;
        overread += reply.overreadBytes();
        byte[] message = reply.message();
        for (int offset = 0; offset < message.length; offset += RecordHeader.MAX_PLAINTEXT) {
          int n = Math.min(RecordHeader.MAX_PLAINTEXT, message.length - offset);
          sent += send(bio.write(new TlsRecord(ContentType.HEARTBEAT, version, Bytes.of(message, offset, n)).toByteArray()));
        }
      }
      log.heartbeat(peer, reply, sent);
      return null;
    }

    private String fatal(int description, String reason) throws IOException {
      Alert alert = new Alert(Alert.FATAL, description);
      ProtocolVersion recordVersion = version != null ? version : ProtocolVersion.TLS1_0;
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
}
