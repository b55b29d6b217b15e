package io.heartguard.lab;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A minimal TLS client for the lab's socket tests: sends a 2014-style ClientHello, collects the flight up to
 * ServerHelloDone, then exchanges raw records. Every read is bounded by a socket timeout, so a test fails instead of
 * hanging.
 */
final class TestClient implements AutoCloseable {
  static final int TIMEOUT_MILLIS = 5000;

  final Socket socket;
  private final InputStream in;
  private final RecordReader records = new RecordReader();
  private ProtocolVersion version;

  TestClient(InetSocketAddress address) throws IOException {
    this(address, null);
  }

  /** Connects from {@code source} (127.0.0.2, say) so the server sees a different client address. */
  TestClient(InetSocketAddress address, java.net.InetAddress source) throws IOException {
    socket = new Socket();
    if (source != null) {
      socket.bind(new InetSocketAddress(source, 0));
    }
    socket.connect(address, TIMEOUT_MILLIS);
    socket.setSoTimeout(TIMEOUT_MILLIS);
    in = socket.getInputStream();
  }

  /** Sends a 2014-style hello for {@code offered} and returns the server's flight up to ServerHelloDone. */
  List<HandshakeMessage> handshake(ProtocolVersion offered) throws Exception {
    return handshake(ClientHellos.like2014(offered, null, new SplittableRandom(7)));
  }

  List<HandshakeMessage> handshake(ClientHello hello) throws Exception {
    ProtocolVersion recordVersion = hello.version().compareTo(ProtocolVersion.TLS1_0) > 0 ? ProtocolVersion.TLS1_0 : hello.version();
    send(new TlsRecord(ContentType.HANDSHAKE, recordVersion, Bytes.of(hello.toMessage().toByteArray())).toByteArray());
    HandshakeReader reader = new HandshakeReader();
    List<HandshakeMessage> flight = new ArrayList<>();
    while (true) {
      TlsRecord record = nextRecord();
      if (record == null) {
        throw new IOException("server closed after " + flight.size() + " handshake messages");
      }
      if (record.type() != ContentType.HANDSHAKE) {
        throw new IOException("expected a handshake record, got " + record.type() + " " + record.fragment());
      }
      version = record.version();
      reader.feed(record.fragment());
      for (HandshakeMessage m = reader.next(); m != null; m = reader.next()) {
        flight.add(m);
        if (m.type() == HandshakeType.SERVER_HELLO_DONE) {
          return flight;
        }
      }
    }
  }

  /** The record version the server used, i.e. the negotiated version. */
  ProtocolVersion version() {
    return version;
  }

  void sendHeartbeat(byte[] message) throws IOException {
    send(new TlsRecord(ContentType.HEARTBEAT, version, Bytes.of(message)).toByteArray());
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** The next record, or null when the server closed the connection. Fails on a read timeout. */
  TlsRecord nextRecord() throws Exception {
    return nextRecord(in, records);
  }

  /** The next record that {@code records} frames from {@code in}, or null when the peer closed the connection. */
  static TlsRecord nextRecord(InputStream in, RecordReader records) throws Exception {
    byte[] chunk = new byte[8192];
    while (true) {
      TlsRecord record = records.next();
      if (record != null) {
        return record;
      }
      int n = in.read(chunk);
      if (n < 0) {
        return null;
      }
      records.feed(chunk, 0, n);
    }
  }

  /** The next record from {@code in}; fails if the lab closed the connection instead. */
  static TlsRecord expectRecord(InputStream in, RecordReader records) throws Exception {
    TlsRecord record = nextRecord(in, records);
    org.assertj.core.api.Assertions.assertThat(record).as("the lab closed the connection").isNotNull();
    return record;
  }

  /**
   * Reads one heartbeat response of {@code messageLength} bytes, reassembled from as many heartbeat records as the
   * server cut it into.
   */
  byte[] readHeartbeatMessage(int messageLength) throws Exception {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (message.size() < messageLength) {
      TlsRecord record = nextRecord();
      if (record == null) {
        throw new IOException("server closed after " + message.size() + " of " + messageLength + " heartbeat bytes");
      }
      if (record.type() != ContentType.HEARTBEAT) {
        throw new IOException("expected a heartbeat record, got " + record.type() + " " + record.fragment());
      }
      message.writeBytes(record.fragment().toByteArray());
    }
    return message.toByteArray();
  }

  /** Whether the server closes within the socket timeout without sending anything more. */
  boolean closedByServerWithoutData() throws Exception {
    try {
      return nextRecord() == null;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
