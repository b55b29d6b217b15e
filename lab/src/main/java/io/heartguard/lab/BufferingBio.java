package io.heartguard.lab;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OpenSSL's buffering BIO ({@code BIO_f_buffer}, crypto/bio/bf_buff.c) as 1.0.1f puts it in front of the socket for
 * the whole handshake. A write that fits in the free space of its 4096-byte buffer is kept and nothing reaches the
 * wire; a write that does not fit tops the buffer up, sends the full buffer, then sends the rest directly when it is
 * at least a buffer long, or keeps it. Only {@link #flush} (after ServerHelloDone, and before a fatal alert) empties it.
 * That is why a small heartbeat answered before the handshake finishes is never seen by the peer. DTLS servers
 * (d1_srvr.c) push the same buffer in front of their datagram socket.
 */
public final class BufferingBio {
  /** DEFAULT_BUFFER_SIZE in bf_buff.c. */
  public static final int SIZE = 4096;

  private final byte[] buffer = new byte[SIZE];
  private int buffered;

  /** Accepts {@code data} and returns the bytes that go to the socket now, in order; often none. */
  byte[] write(byte[] data) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (byte[] write : writes(data)) {
      wire.writeBytes(write);
    }
    return wire.toByteArray();
  }

  /**
   * Accepts {@code data} and returns the writes it passes on to the socket now, in order; often none. Over UDP each
   * is one datagram, so a record that tops up a held buffer is split across two (buffer_write knows nothing of
   * records).
   */
  public List<byte[]> writes(byte[] data) {
    List<byte[]> writes = new ArrayList<>();
    int in = 0;
    int remaining = data.length;
    while (true) {
      int free = SIZE - buffered;
      if (free >= remaining) {
        System.arraycopy(data, in, buffer, buffered, remaining);
        buffered += remaining;
        return writes;
      }
      if (buffered != 0) {
        // Fill the buffer up and send it whole, as buffer_write does before anything else.
        System.arraycopy(data, in, buffer, buffered, free);
        in += free;
        remaining -= free;
        writes.add(buffer.clone());
        buffered = 0;
      }
      if (remaining >= SIZE) {
        writes.add(Arrays.copyOfRange(data, in, in + remaining));
        return writes;
      }
      // Less than a buffer left: the loop keeps it, as buffer_write's "goto start" does.
    }
  }

  /** Empties the buffer: the bytes to send now. */
  byte[] flush() {
    byte[] out = Arrays.copyOf(buffer, buffered);
    buffered = 0;
    return out;
  }

  /** Bytes held back from the wire. */
  public int buffered() {
    return buffered;
  }
}
