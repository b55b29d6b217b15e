package io.heartguard.lab.dtls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * OpenSSL 1.0.1f's buffering BIO ({@code BIO_f_buffer}, 4096 bytes) in front of a datagram socket, where every write
 * it passes on is one datagram. d1_srvr.c's dtls1_accept pushes it exactly as s3_srvr.c does for TLS
 * ({@code ssl_init_wbio_buffer(s, 1)}) and only flushes it after a flight, so a heartbeat answered before the
 * handshake ends is held unless it does not fit: a response record under 4096 bytes is never sent. A record that
 * does not fit first tops up the buffer, which goes out as one datagram holding the head of that record (bf_buff.c's
 * buffer_write knows nothing of records); a rest of 4096 bytes or more goes out directly as its own datagram.
 */
final class DatagramBufferingBio {
  /** DEFAULT_BUFFER_SIZE in bf_buff.c. */
  static final int SIZE = 4096;

  private final byte[] buffer = new byte[SIZE];
  private int buffered;

  /** Accepts {@code data}; returns the datagrams that go to the socket now, in order (often none). */
  List<byte[]> write(byte[] data) {
    List<byte[]> datagrams = new ArrayList<>();
    int in = 0;
    int remaining = data.length;
    while (true) {
      int free = SIZE - buffered;
      if (free >= remaining) {
        System.arraycopy(data, in, buffer, buffered, remaining);
        buffered += remaining;
        return datagrams;
      }
      if (buffered != 0) {
        System.arraycopy(data, in, buffer, buffered, free);
        in += free;
        remaining -= free;
        datagrams.add(buffer.clone());
        buffered = 0;
      }
      if (remaining >= SIZE) {
        datagrams.add(Arrays.copyOfRange(data, in, in + remaining));
        return datagrams;
      }
    }
  }

  /** Bytes held back from the wire. */
  int buffered() {
    return buffered;
  }
}
