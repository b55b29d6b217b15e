package io.heartguard.scan;

import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TLS-speaking server on loopback that plays one {@link ServerPolicy}. It does only what a scanner sees before
 * its ClientKeyExchange: it reads a ClientHello, sends ServerHello, Certificate and ServerHelloDone in the clear, then
 * handles heartbeat records. Exceptions other than a peer hanging up are kept and rethrown by {@link #close()}.
 */
final class FakeServer implements AutoCloseable {
  /** The memory a VULNERABLE server leaks: stale text and, further on, a PEM private-key header. */
  static final String MEMORY_SECRET = "Cookie: session=c0ffee; user=alice; password=hunter2\r\n";
  static final String MEMORY_KEY_HEADER = "-----BEGIN RSA PRIVATE KEY-----";
  /** OpenSSL's handshake-time buffering BIO (BIO_f_buffer, DEFAULT_BUFFER_SIZE). */
  static final int HANDSHAKE_BUFFER_BYTES = 4096;

  private final Config config;
  private final ServerSocket serverSocket;
  private final Thread acceptor;
  private final List<Thread> handlers = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentLinkedQueue<ProtocolVersion> offeredVersions = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> serverNames = new ConcurrentLinkedQueue<>();

  /**
   * @param maxVersion the newest version it speaks; a newer ClientHello gets {@code refusal}
   * @param refusal how it refuses a version it does not speak: an alert description, or -1 to hang up
   * @param chain the certificates it sends, leaf first
   * @param segmentBytes the size of each write of its flight, to split records across TCP segments
   * @param warningBeforeHello whether it sends a warning unrecognized_name alert before its ServerHello
   */
  record Config(ServerPolicy policy, ProtocolVersion maxVersion, int refusal, List<Bytes> chain, int segmentBytes,
      boolean warningBeforeHello, InetAddress bindAddress, Prelude prelude) {
    Config(ServerPolicy policy, ProtocolVersion maxVersion, int refusal, List<Bytes> chain, int segmentBytes,
        boolean warningBeforeHello, InetAddress bindAddress) {
      this(policy, maxVersion, refusal, chain, segmentBytes, warningBeforeHello, bindAddress, null);
    }

    static Config of(ServerPolicy policy) {
      return new Config(policy, ProtocolVersion.TLS1_2, Alert.PROTOCOL_VERSION, List.of(defaultCertificate()),
          Integer.MAX_VALUE, false, InetAddress.getLoopbackAddress());
    }

    /** Plays a plaintext dialog (a STARTTLS script) on each connection before TLS. */
    Config withPrelude(Prelude newPrelude) {
      return new Config(policy, maxVersion, refusal, chain, segmentBytes, warningBeforeHello, bindAddress, newPrelude);
    }

    Config withMaxVersion(ProtocolVersion version, int refusal) {
      return new Config(policy, version, refusal, chain, segmentBytes, warningBeforeHello, bindAddress, prelude);
    }

    Config withChain(List<Bytes> certificates, int segment) {
      return new Config(policy, maxVersion, refusal, certificates, segment, warningBeforeHello, bindAddress, prelude);
    }

    Config withWarningBeforeHello() {
      return new Config(policy, maxVersion, refusal, chain, segmentBytes, true, bindAddress, prelude);
    }

    Config boundTo(InetAddress address) {
      return new Config(policy, maxVersion, refusal, chain, segmentBytes, warningBeforeHello, address, prelude);
    }
  }

  /**
   * A plaintext dialog before TLS, on the connection's raw streams; it must read no byte past its own part, for the
   * TLS that follows reads the same stream. Returns false to end the connection there (a refusal).
   */
  @FunctionalInterface
  interface Prelude {
    boolean play(InputStream in, OutputStream out) throws IOException;
  }

  private static volatile Bytes defaultCertificate;

  /** A leaf issued after the disclosure; made once, it takes a few milliseconds. */
  static Bytes defaultCertificate() {
    if (defaultCertificate == null) {
      defaultCertificate = TestCertificates.selfSigned("localhost", Instant.parse("2020-01-01T00:00:00Z"),
          Instant.parse("2040-01-01T00:00:00Z"));
    }
    return defaultCertificate;
  }

  private FakeServer(Config config) throws IOException {
    this.config = config;
    this.serverSocket = new ServerSocket(0, 50, config.bindAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("fake-server-" + config.policy()).start(this::acceptLoop);
  }

  static FakeServer start(ServerPolicy policy) throws IOException {
    return new FakeServer(Config.of(policy));
  }

  static FakeServer start(Config config) throws IOException {
    return new FakeServer(config);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
  }

  /** host:port (with brackets for IPv6), to hand to {@link ScanTarget#parse}. */
  String target() {
    String host = serverSocket.getInetAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + serverSocket.getLocalPort();
  }

  int connections() {
    return connections.get();
  }

  List<ProtocolVersion> offeredVersions() {
    return List.copyOf(offeredVersions);
  }

  List<String> serverNames() {
    return List.copyOf(serverNames);
  }

  @Override
  public void close() throws Exception {
    serverSocket.close();
    for (Socket s : sockets) {
      s.close();
    }
    acceptor.join();
    for (Thread t : handlers) {
      t.join();
    }
    Throwable first = failures.peek();
    if (first != null) {
      throw new AssertionError("the fake server failed", first);
    }
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      try {
        Socket socket = serverSocket.accept();
        connections.incrementAndGet();
        sockets.add(socket);
        handlers.add(Thread.ofVirtual().start(() -> serve(socket)));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      new Connection(socket).run();
    } catch (IOException e) {
      // The scanner hung up or the test closed the server: both are how a connection ends here.
    } catch (Throwable t) {
      failures.add(t);
    }
  }

  /** One accepted connection. */
  private final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RecordReader records = new RecordReader();
    private final HandshakeReader handshake = new HandshakeReader();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    /** The server's read buffer (OpenSSL's rbuf): records land at its start, stale memory lies behind them. */
    private final byte[] readBuffer = staleMemory();
    private final Random random = new Random(7);
    private ProtocolVersion version;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    void run() throws Exception {
      if (config.prelude() != null && !config.prelude().play(in, out)) {
        return;
      }
      ServerPolicy policy = config.policy();
      switch (policy) {
        case DISCONNECT_AT_START -> {
          return;
        }
        case RESET_AT_START -> {
          socket.setSoLinger(true, 0);
          return;
        }
        default -> { }
      }
      ClientHello hello = readClientHello();
      if (hello == null) {
        return;
      }
      offeredVersions.add(hello.version());
      if (hello.serverName() != null) {
        serverNames.add(hello.serverName());
      }
      switch (policy) {
        case NO_RESPONSE -> {
          drain();
          return;
        }
        case GARBAGE -> {
          out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          drain();
          return;
        }
        case HUGE_RECORD_LENGTH -> {
          out.write(new byte[] {22, 3, 3, (byte) 0xff, (byte) 0xff, 2, 0});
          drain();
          return;
        }
        case REFUSE_ALL_VERSIONS -> {
          sendAlert(hello.version().compareTo(ProtocolVersion.TLS1_0) > 0 ? ProtocolVersion.TLS1_0 : hello.version(),
              Alert.HANDSHAKE_FAILURE);
          return;
        }
        default -> { }
      }
      if (hello.version().compareTo(config.maxVersion()) > 0) {
        if (config.refusal() >= 0) {
          sendAlert(config.maxVersion(), config.refusal());
        }
        return;
      }
      version = hello.version();
      byte[] serverHello = handshakeRecords(serverHello(hello).toMessage().toByteArray());
      switch (policy) {
        case EARLY_CLOSE -> {
          out.write(Arrays.copyOf(serverHello, serverHello.length / 2));
          return;
        }
        case HUGE_HANDSHAKE_LENGTH -> {
          out.write(serverHello);
          out.write(handshakeRecords(new byte[] {11, (byte) 0xff, (byte) 0xff, (byte) 0xff})); // type 11, length 2^24 - 1
          drain();
          return;
        }
        case ENDLESS_DATA -> {
          out.write(serverHello);
          byte[] message = new HandshakeMessage(99, Bytes.repeat(0x41, 200 * 1024)).toByteArray();
          byte[] chunk = handshakeRecords(message);
          while (true) {
            out.write(chunk);
          }
        }
        case ENDLESS_HANDSHAKE_RECORDS -> {
          out.write(serverHello);
          byte[] helloRequest = handshakeRecords(new HandshakeMessage(HandshakeType.HELLO_REQUEST, Bytes.EMPTY).toByteArray());
          while (true) {
            out.write(helloRequest);
          }
        }
        default -> { }
      }
      ByteWriter flight = new ByteWriter(4096);
      if (config.warningBeforeHello()) {
        flight.write(new TlsRecord(ContentType.ALERT, version, new Alert(Alert.WARNING, Alert.UNRECOGNIZED_NAME).toBytes()).toByteArray());
      }
      flight.write(serverHello);
      ByteWriter rest = new ByteWriter(4096);
      rest.write(new CertificateMessage(config.chain()).toMessage().toByteArray());
      rest.write(new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY).toByteArray());
      flight.write(handshakeRecords(rest.toByteArray()));
      sendFlight(flight.toByteArray(), policy == ServerPolicy.SLOW_DRIP ? 1 : config.segmentBytes());
      answerHeartbeats(policy);
    }

    private ClientHello readClientHello() throws Exception {
      while (true) {
        TlsRecord record;
        while ((record = records.next()) != null) {
          handshake.feed(record.fragment());
          HandshakeMessage message = handshake.next();
          if (message != null) {
            return ClientHello.parse(message.body());
          }
        }
        if (!readMore()) {
          return null;
        }
      }
    }

    private ServerHello serverHello(ClientHello hello) {
      List<Extension> extensions = new ArrayList<>();
      if (config.policy() != ServerPolicy.NO_HEARTBEAT && hello.offersHeartbeat()) {
        extensions.add(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension());
      }
      int suite = hello.cipherSuites().contains(0x0035) ? 0x0035 : hello.cipherSuites().getFirst();
      return new ServerHello(version, Bytes.repeat(0x42, 32), Bytes.EMPTY, suite, 0, extensions);
    }

    private void sendFlight(byte[] flight, int segmentBytes) throws Exception {
      for (int i = 0; i < flight.length; i += segmentBytes) {
        out.write(flight, i, Math.min(segmentBytes, flight.length - i));
        out.flush();
        if (segmentBytes == 1) {
          Thread.sleep(50); // the drip is the behaviour under test, not a synchronisation
        }
      }
    }

    private void answerHeartbeats(ServerPolicy policy) throws Exception {
      while (true) {
        TlsRecord record;
        while ((record = records.next()) != null) {
          if (record.type() != ContentType.HEARTBEAT) {
            continue;
          }
          byte[] fragment = record.fragment().toByteArray();
          HeartbeatFrame frame = HeartbeatFrame.peek(fragment, 0, fragment.length);
          switch (policy) {
            case SILENT_AFTER_PROBE -> { }
            case CLOSE_AFTER_PROBE -> {
              return;
            }
            case ALERT_AFTER_PROBE -> {
              sendAlert(version, Alert.UNEXPECTED_MESSAGE);
              return;
            }
            case WRONG_ECHO -> respond(Bytes.repeat(0x77, 4500));
            case CLAMPED_ECHO -> {
              int held = fragment.length - HeartbeatFrame.HEADER_LENGTH;
              respond(Bytes.of(fragment, HeartbeatFrame.HEADER_LENGTH, Math.min(held, frame.declaredPayloadLength())));
            }
            case PATCHED -> {
              // 1.0.1g: if (1 + 2 + payload + 16 > s->s3->rrec.length) return 0; (RFC 6520 section 4)
              if (frame != null && frame.fitsWithPadding()) {
                respond(Bytes.of(fragment, HeartbeatFrame.HEADER_LENGTH, frame.declaredPayloadLength()));
              }
            }
            default -> {
              // 1.0.1f: memcpy(bp, pl, payload) with pl inside the read buffer and payload as declared.
              System.arraycopy(fragment, 0, readBuffer, 5, fragment.length);
              respond(Bytes.of(readBuffer, 5 + HeartbeatFrame.HEADER_LENGTH, frame.declaredPayloadLength()));
            }
          }
        }
        if (!readMore()) {
          return;
        }
      }
    }

    /** A heartbeat response, split into records as ssl3_write_bytes does, through the handshake-time buffer. */
    private void respond(Bytes payload) throws IOException {
      byte[] padding = new byte[HeartbeatFrame.MIN_PADDING];
      random.nextBytes(padding);
      byte[] message = new ByteWriter(payload.size() + 19).writeUint8(2).writeVector16(payload).write(padding).toByteArray();
      bufferedWrite(TlsRecord.fragmentInto(ContentType.HEARTBEAT, version, Bytes.of(message)));
    }

    /** BIO_f_buffer: a write that fits in what is left of the buffer stays there; one that does not flushes all. */
    private void bufferedWrite(byte[] data) throws IOException {
      if (pending.size() + data.length < HANDSHAKE_BUFFER_BYTES) {
        pending.write(data);
        return;
      }
      pending.write(data);
      out.write(pending.toByteArray());
      out.flush();
      pending.reset();
    }

    private void sendAlert(ProtocolVersion recordVersion, int description) throws IOException {
      out.write(new TlsRecord(ContentType.ALERT, recordVersion, new Alert(Alert.FATAL, description).toBytes()).toByteArray());
      out.flush();
    }

    private byte[] handshakeRecords(byte[] messages) {
      return TlsRecord.fragmentInto(ContentType.HANDSHAKE, version == null ? ProtocolVersion.TLS1_2 : version, Bytes.of(messages));
    }

    private boolean readMore() throws IOException {
      byte[] buf = new byte[8192];
      int n = in.read(buf);
      if (n < 0) {
        return false;
      }
      records.feed(buf, 0, n);
      return true;
    }

    /** Reads and ignores everything until the scanner hangs up. */
    private void drain() throws IOException {
      byte[] buf = new byte[8192];
      while (in.read(buf) >= 0) {
        // nothing to answer
      }
    }
  }

  /** 70 KB of "memory": enough behind any record for a 65535-byte over-read, with a secret and a key header in it. */
  private static byte[] staleMemory() {
    byte[] memory = new byte[5 + 16384 + 2048 + 65536];
    byte[] secret = MEMORY_SECRET.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + secret.length <= memory.length; i += secret.length + 7) {
      System.arraycopy(secret, 0, memory, i, secret.length);
    }
    byte[] key = (MEMORY_KEY_HEADER + "\nMIIEpAIBAAKCAQEA").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(key, 0, memory, 10_000, key.length); // within the 16 KB a dump request reads
    return memory;
  }
}
