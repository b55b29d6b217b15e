package io.heartguard.scan.starttls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A server's side of a dialog, given in advance: what it sends is delivered at most {@code maxRead} bytes per read
 * (1 splits every message across reads); once it is all read, the server "closes". What the client writes is kept.
 */
final class ScriptedTransport implements Transport {
  private final Deque<byte[]> incoming = new ArrayDeque<>();
  private final int maxRead;
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();

  ScriptedTransport(int maxRead, byte[]... serverSends) {
    this.maxRead = maxRead;
    incoming.addAll(Arrays.asList(serverSends));
  }

  static ScriptedTransport text(String serverSends) {
    return new ScriptedTransport(1, serverSends.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws StartTlsException {
    byte[] next = incoming.poll();
    if (next == null) {
      throw new StartTlsException(StartTlsException.Kind.TRANSPORT, "server closed the connection");
    }
    int n = Math.min(Math.min(length, maxRead), next.length);
    System.arraycopy(next, 0, buffer, offset, n);
    if (n < next.length) {
      incoming.push(Arrays.copyOfRange(next, n, next.length));
    }
    return n;
  }

  @Override
  public void write(byte[] data) {
    written.writeBytes(data);
  }

  byte[] written() {
    return written.toByteArray();
  }

  String writtenText() {
    return written.toString(StandardCharsets.ISO_8859_1);
  }
}
