package io.heartguard.lab.dtls;

import io.heartguard.lab.BufferingBio;
import io.heartguard.lab.LabHeartbeats;
import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.tlsserver.SocketAddressText;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.HelloVerifyRequest;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.DtlsRecord;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordHeader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code heartguard lab --dtls}: a UDP server that passes for OpenSSL 1.0.1f's DTLS (or 1.0.1g's) before its
 * handshake finishes. It answers a ClientHello without the right cookie with a stateless HelloVerifyRequest
 * (RFC 6347 section 4.2.1), one with it with ServerHello (heartbeat extension when asked), a Certificate fragmented to
 * the MTU and ServerHelloDone, and then, waiting for a ClientKeyExchange that never comes, answers plaintext
 * heartbeats at epoch 0 like dtls1_process_heartbeat: through the 4 KB buffering BIO, over-reading the fake heap when
 * vulnerable, discarding malformed ones when patched. A response over 2^14 bytes, on which the real 1.0.1f's
 * dtls1_write_bytes fails {@code OPENSSL_assert(len <= SSL3_RT_MAX_PLAIN_LENGTH)} and the process aborts, is
 * dropped with the association instead, and logged. One thread serves every peer; whatever a peer sends, the
 * server goes on.
 */
public final class LabDtlsServer implements AutoCloseable {
  /** The largest UDP payload (65535 less the 8-byte UDP and 20-byte IPv4 headers). */
  static final int MAX_DATAGRAM = 65507;
  /** Peers with a handshake in progress; the oldest is forgotten beyond this. */
  static final int MAX_ASSOCIATIONS = 256;

  private final LabDtlsOptions options;
  private final ServerIdentity identity;
  private final DatagramChannel channel;
  private final LabHeartbeats heartbeats;
  private final StatelessCookie cookie;
  private final SplittableRandom random;
  private final Map<SocketAddress, Association> associations = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<SocketAddress, Association> eldest) {
      return size() > MAX_ASSOCIATIONS;
    }
  };
  private final Thread thread;
  private int dropReceived;
  private int dropSent;
  private int dropFlight;

  /** One peer past the cookie exchange: what OpenSSL keeps in its SSL object while it waits for ClientKeyExchange. */
  private static final class Association {
    final ProtocolVersion version;
    final Bytes clientRandom;
    final List<byte[]> flight;
    final ReplayWindow replay = new ReplayWindow();
    final BufferingBio bio = new BufferingBio();
    long nextSequence;

    Association(ProtocolVersion version, Bytes clientRandom, List<byte[]> flight, long nextSequence) {
      this.version = version;
      this.clientRandom = clientRandom;
      this.flight = flight;
      this.nextSequence = nextSequence;
    }
  }

  private LabDtlsServer(LabDtlsOptions options, DatagramChannel channel) {
    this.options = options;
    this.identity = options.identity() != null ? options.identity() : ServerIdentity.processDefault();
    this.channel = channel;
    SecureRandom secure = new SecureRandom();
    this.cookie = new StatelessCookie(secure);
    this.random = new SplittableRandom(secure.nextLong());
    this.heartbeats = LabHeartbeats.open(options.mode(), options.heapSeed(), identity,
        new SplittableRandom(secure.nextLong()), options.log(), options.closeLog());
    this.dropReceived = options.dropFirstReceived();
    this.dropSent = options.dropFirstSent();
    this.dropFlight = options.dropFirstFlightDatagrams();
    this.thread = new Thread(this::serve, "heartguard-lab-dtls");
    this.thread.setDaemon(true);
  }

  /** Binds {@code options.listen()} and starts serving on a thread of its own. */
  public static LabDtlsServer start(LabDtlsOptions options) throws IOException {
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.bind(options.listen());
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    LabDtlsServer server = new LabDtlsServer(options, channel);
    server.thread.start();
    return server;
  }

  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("the lab's channel is closed", e);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
      thread.join(5_000);
      heartbeats.close();
    } catch (IOException e) {
      // Closing a UDP channel and a log: nothing left to report to.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve() {
    ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM);
    while (true) {
      SocketAddress from;
      try {
        in.clear();
        from = channel.receive(in);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue; // an ICMP error of an earlier send surfaces here; the server goes on
      }
      if (dropReceived > 0) {
        dropReceived--;
        continue;
      }
      try {
        handle((InetSocketAddress) from, in.array(), in.position());
      } catch (IOException e) {
        if (!channel.isOpen()) {
          return;
        }
        heartbeats.logClosed(from.toString(), "cannot send: " + e.getMessage());
      } catch (RuntimeException e) {
        heartbeats.logClosed(from.toString(), "internal error: " + e);
      }
    }
  }

  private void handle(InetSocketAddress peer, byte[] datagram, int length) throws IOException {
    List<DtlsRecord> records;
    try {
      records = DtlsRecord.parseDatagram(datagram, length);
    } catch (RecordException e) {
      heartbeats.logClosed(SocketAddressText.describe(peer), "datagram of " + length + " bytes is not DTLS: " + e.getMessage());
      return;
    }
    for (DtlsRecord record : records) {
      switch (record.type()) {
        case HANDSHAKE -> handshake(peer, record);
        case HEARTBEAT -> heartbeat(peer, record);
        case ALERT -> {
          associations.remove(peer);
          heartbeats.logClosed(SocketAddressText.describe(peer), "peer sent alert " + describeAlert(record.fragment()));
        }
        default -> { } // ChangeCipherSpec or application data before any keys: nothing 1.0.1f acts on
      }
    }
  }

  private void handshake(InetSocketAddress peer, DtlsRecord record) throws IOException {
    List<DtlsHandshakeFragment> fragments;
    try {
      fragments = DtlsHandshakeFragment.parseAll(record.fragment());
    } catch (HandshakeException e) {
      heartbeats.logClosed(SocketAddressText.describe(peer), "bad handshake record: " + e.getMessage());
      return;
    }
    for (DtlsHandshakeFragment fragment : fragments) {
      if (fragment.header().type() != HandshakeType.CLIENT_HELLO) {
        continue; // a ClientKeyExchange would go on with the handshake; the lab never gets that far
      }
      HandshakeMessage message = fragment.asWholeMessage();
      if (message == null) {
        heartbeats.logClosed(SocketAddressText.describe(peer), "fragmented ClientHello; the lab reads only whole ones");
        continue;
      }
      ClientHello hello;
      try {
        hello = ClientHello.parse(message.body());
      } catch (HandshakeException e) {
        heartbeats.logClosed(SocketAddressText.describe(peer), "bad ClientHello: " + e.getMessage());
        continue;
      }
      clientHello(peer, record, fragment.header().messageSeq(), hello);
    }
  }

  private void clientHello(InetSocketAddress peer, DtlsRecord record, int messageSeq, ClientHello hello)
      throws IOException {
    if (!hello.version().isDtls()) {
      sendAlert(peer, ProtocolVersion.DTLS1_0, record.header().sequenceNumber(), Alert.PROTOCOL_VERSION);
      heartbeats.logClosed(SocketAddressText.describe(peer), "ClientHello version " + hello.version() + " is not DTLS");
      return;
    }
    Bytes expected = cookie.expected(peer, hello);
    if (!hello.cookie().equals(expected)) {
      // RFC 6347 section 4.2.1: stateless; the HelloVerifyRequest reuses the ClientHello's record sequence number,
      // and is sent as DTLS 1.0 whatever version will be negotiated.
      HelloVerifyRequest verify = new HelloVerifyRequest(ProtocolVersion.DTLS1_0, expected);
      DtlsHandshakeFragment fragment = DtlsHandshakeFragment.whole(verify.toMessage(), messageSeq);
      send(peer, DtlsRecord.of(ContentType.HANDSHAKE, ProtocolVersion.DTLS1_0, 0, record.header().sequenceNumber(),
          Bytes.of(fragment.toByteArray())).toByteArray());
      return;
    }
    Association known = associations.get(peer);
    if (known != null && known.clientRandom.equals(hello.random())) {
      // The client retransmitted its hello: our flight was lost (RFC 6347 section 4.2.4), send it again.
      sendFlight(peer, known.flight);
      return;
    }
    DtlsServerFlight.Flight flight = DtlsServerFlight.build(hello, options.maxVersion(), identity, options.mtu(),
        messageSeq, record.header().sequenceNumber(), random);
    if (flight.suite() < 0) {
      sendAlert(peer, flight.version(), record.header().sequenceNumber(), Alert.HANDSHAKE_FAILURE);
      heartbeats.logClosed(SocketAddressText.describe(peer), "no shared cipher: the client offered no RSA suite usable with "
          + flight.version());
      return;
    }
    associations.put(peer,
        new Association(flight.version(), hello.random(), flight.datagrams(), flight.nextSequence()));
    sendFlight(peer, flight.datagrams());
  }

  private void sendFlight(InetSocketAddress peer, List<byte[]> datagrams) throws IOException {
    for (byte[] datagram : datagrams) {
      if (dropFlight > 0) {
        dropFlight--;
        continue;
      }
      send(peer, datagram);
    }
  }

  private void heartbeat(InetSocketAddress peer, DtlsRecord record) throws IOException {
    Association association = associations.get(peer);
    // Only an association's epoch-0 records reach dtls1_process_heartbeat, each sequence number once.
    if (association == null || record.header().epoch() != 0
        || !association.replay.accept(record.header().sequenceNumber())) {
      return;
    }
    if (record.fragment().size() > RecordHeader.MAX_PLAINTEXT) {
      heartbeats.logClosed(SocketAddressText.describe(peer), "heartbeat record of " + record.fragment().size()
          + " bytes exceeds 2^14: record_overflow");
      associations.remove(peer);
      return;
    }
    LabHeartbeats.Answer answer = heartbeats.respond(record.fragment().toByteArray());
    if (!answer.answered()) {
      heartbeats.logHeartbeat(SocketAddressText.describe(peer), answer, 0);
      return;
    }
    if (answer.message().length > RecordHeader.MAX_PLAINTEXT) {
      heartbeats.logHeartbeat(SocketAddressText.describe(peer), answer, 0);
      associations.remove(peer);
      heartbeats.logClosed(SocketAddressText.describe(peer), "heartbeat response of " + answer.message().length + " bytes exceeds 2^14:"
          + " OpenSSL 1.0.1f's dtls1_write_bytes fails OPENSSL_assert(len <= SSL3_RT_MAX_PLAIN_LENGTH) and the process"
          + " aborts; the lab drops the association instead");
      return;
    }
    DtlsRecord response = DtlsRecord.of(ContentType.HEARTBEAT, association.version, 0, association.nextSequence++,
        Bytes.of(answer.message()));
    List<byte[]> datagrams = association.bio.writes(response.toByteArray());
    // Logged before sending, so that a peer that has the answer can already read its line.
    heartbeats.logHeartbeat(SocketAddressText.describe(peer), answer, datagrams.stream().mapToInt(d -> d.length).sum());
    for (byte[] datagram : datagrams) {
      send(peer, datagram);
    }
  }

  private void sendAlert(InetSocketAddress peer, ProtocolVersion version, long sequence, int description)
      throws IOException {
    send(peer, DtlsRecord.of(ContentType.ALERT, version, 0, sequence, new Alert(Alert.FATAL, description).toBytes())
        .toByteArray());
  }

  /** Sends one datagram, or throws it away while {@code dropFirstSent} lasts; returns the bytes put on the wire. */
  private int send(InetSocketAddress peer, byte[] datagram) throws IOException {
    if (dropSent > 0) {
      dropSent--;
      return 0;
    }
    return channel.send(ByteBuffer.wrap(datagram), peer);
  }

  private static String describeAlert(Bytes fragment) {
    try {
      return Alert.parse(fragment).toString();
    } catch (AlertException e) {
      return "(malformed: " + e.getMessage() + ")";
    }
  }
}
