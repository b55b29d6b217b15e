package io.heartguard.scan;

import io.heartguard.scan.starttls.StartTlsException;
import io.heartguard.scan.starttls.Transport;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordHeader;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * One TCP connection to a target, read record by record, that cannot outlive its deadline: every read waits at most
 * the time left, and a watchdog closes the socket when the deadline passes, which also ends a write to a server
 * that stopped reading. It reads at most {@code readLimit} bytes in all, so an endless stream ends as a failure.
 */
final class TlsConnection implements AutoCloseable {
  /** One read takes at most a maximum record plus its header, which keeps the record buffer small. */
  private static final int READ_CHUNK = RecordHeader.LENGTH + RecordHeader.MAX_CIPHERTEXT;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Deadline deadline;
  private final Thread watchdog;
  private final RecordReader records = new RecordReader();
  private final byte[] chunk = new byte[READ_CHUNK];
  private long readLimit;
  /** Set by the watchdog before it closes the socket, so the blocked call reports a timeout, not a reset. */
  private volatile boolean expired;
  private long bytesRead;
  /** Bytes of a STARTTLS dialog before TLS began: the read limit counts them, {@link #bytesRead()} does not. */
  private long plaintextBytes;

  private TlsConnection(Socket socket, Deadline deadline, long readLimit) throws IOException {
    this.socket = socket;
    this.deadline = deadline;
    this.readLimit = readLimit;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.watchdog = Thread.ofVirtual().name("heartguard-scan-watchdog").start(() -> {
      try {
        Thread.sleep(Math.max(1, deadline.remainingMillis()));
        expired = true;
        socket.close();
      } catch (InterruptedException | IOException e) {
        // Interrupted: the connection ended in time. IOException: it is closed either way.
      }
    });
  }

  static TlsConnection open(InetSocketAddress address, Deadline deadline, int connectTimeoutMillis, long readLimit)
      throws ScanFailure {
    int wait = Math.min(connectTimeoutMillis, deadline.remainingMillis());
    if (wait <= 0) {
      throw new ScanFailure(Failure.TIMEOUT, "no time left to connect");
    }
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, wait);
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      throw new ScanFailure(Failure.CONNECT_TIMEOUT, "connect timed out after " + wait + " ms");
    } catch (IOException e) {
      closeQuietly(socket);
      Failure kind = ScanFailure.connectFailure(e);
      if (kind == Failure.RESET) {
        // The server accepted, then reset before connect() returned: a refusal of the client, as a hang-up is.
        throw new ScanFailure(Failure.RESET, "connection reset as it opened: " + e.getMessage()).beforeServerHello();
      }
      throw new ScanFailure(kind, "connect failed: " + e.getMessage());
    }
    try {
      return new TlsConnection(socket, deadline, readLimit);
    } catch (IOException e) {
      // Accepted, then reset before we sent anything: how some servers refuse a client, as a hang-up would.
      closeQuietly(socket);
      throw new ScanFailure(Failure.RESET, "connection broke right after connect: " + e.getMessage())
          .beforeServerHello();
    }
  }

  void write(byte[] data) throws ScanFailure {
    try {
      out.write(data);
      out.flush();
    } catch (IOException e) {
      throw ioFailure("while sending", e);
    }
  }

  /** Lets a dump read this many more bytes than the limit the connection was opened with. */
  void raiseReadLimit(long moreBytes) {
    readLimit += moreBytes;
  }

  /** Bytes of TLS read so far: a STARTTLS dialog's plaintext does not count, so "nothing sent yet" still means TLS. */
  long bytesRead() {
    return bytesRead - plaintextBytes;
  }

  /**
   * The connection before TLS, for a STARTTLS dialog: the same deadline, watchdog and read limit apply. Failures
   * carry this connection's own words (timed out, closed, broke) with kind TRANSPORT, or LIMIT.
   */
  Transport plaintext() {
    return new Transport() {
      @Override
      public int read(byte[] buffer, int offset, int length) throws StartTlsException {
        try {
          return readPlain(buffer, offset, length);
        } catch (ScanFailure f) {
          throw new StartTlsException(f.failure() == Failure.LIMIT
              ? StartTlsException.Kind.LIMIT : StartTlsException.Kind.TRANSPORT, f.getMessage());
        }
      }

      @Override
      public void write(byte[] data) throws StartTlsException {
        try {
          TlsConnection.this.write(data);
        } catch (ScanFailure f) {
          throw new StartTlsException(StartTlsException.Kind.TRANSPORT, f.getMessage());
        }
      }
    };
  }

  /** Marks the end of the STARTTLS dialog: what follows is TLS. */
  void startTls() {
    plaintextBytes = bytesRead;
  }

  private int readPlain(byte[] buffer, int offset, int length) throws ScanFailure {
    if (bytesRead >= readLimit) {
      throw new ScanFailure(Failure.LIMIT, "server sent more than the " + readLimit + " bytes we read");
    }
    int wait = deadline.remainingMillis();
    if (wait == 0) {
      throw timeout();
    }
    int n;
    try {
      socket.setSoTimeout(wait);
      n = in.read(buffer, offset, (int) Math.min(length, readLimit - bytesRead));
    } catch (SocketTimeoutException e) {
      throw timeout();
    } catch (IOException e) {
      throw ioFailure("while reading", e);
    }
    if (n < 0) {
      throw new ScanFailure(Failure.CLOSED, "server closed the connection");
    }
    bytesRead += n;
    return n;
  }

  /** The next complete record; fails on timeout, close, reset, bytes that are not TLS, or the read limit. */
  TlsRecord readRecord() throws ScanFailure {
    while (true) {
      TlsRecord record;
      try {
        record = records.next();
      } catch (RecordException e) {
        throw new ScanFailure(Failure.PROTOCOL,
            "not TLS: " + e.getMessage() + " (first bytes " + preview(records.peekBuffered(16)) + ")");
      }
      if (record != null) {
        return record;
      }
      if (bytesRead >= readLimit) {
        throw new ScanFailure(Failure.LIMIT, "server sent more than the " + readLimit + " bytes we read");
      }
      int wait = deadline.remainingMillis();
      if (wait == 0) {
        throw timeout();
      }
      int n;
      try {
        socket.setSoTimeout(wait);
        n = in.read(chunk, 0, (int) Math.min(chunk.length, readLimit - bytesRead));
      } catch (SocketTimeoutException e) {
        throw timeout();
      } catch (IOException e) {
        throw ioFailure("while reading", e);
      }
      if (n < 0) {
        throw new ScanFailure(Failure.CLOSED, records.buffered() == 0
            ? "server closed the connection"
            : "server closed the connection in the middle of a record (" + records.buffered() + " bytes of it read)");
      }
      bytesRead += n;
      records.feed(chunk, 0, n);
    }
  }

  @Override
  public void close() {
    watchdog.interrupt();
    closeQuietly(socket);
  }

  private ScanFailure timeout() {
    return new ScanFailure(Failure.TIMEOUT, records.buffered() == 0
        ? "timed out waiting for the server"
        : "timed out in the middle of a record (" + records.buffered() + " bytes of it read)");
  }

  private ScanFailure ioFailure(String when, IOException e) {
    if (expired || deadline.expired()) {
      return timeout(); // the watchdog closed the socket under a blocked call
    }
    String what = e instanceof SocketException && e.getMessage() != null ? e.getMessage() : e.toString();
    return new ScanFailure(Failure.RESET, "connection broke " + when + ": " + what);
  }

  /** Hex and ASCII of the first bytes a non-TLS server sent (its own banner, not leaked memory). */
  static String preview(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x", b & 0xff));
    }
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return hex + " \"" + text + "\"";
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is all that is left to do with this socket.
    }
  }
}
