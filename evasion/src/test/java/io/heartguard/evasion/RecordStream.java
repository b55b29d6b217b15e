package io.heartguard.evasion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Frames a recorded byte stream into records from its first byte, as 1.0.1f's server does: a client's stream may
 * open with an SSLv2-compatible ClientHello (2-byte header with the top bit set, {@code ssl23_get_client_hello}),
 * everything else is TLS records. Test code only: it reads what a test sent or received, to count heartbeats.
 */
final class RecordStream {
  private RecordStream() {}

  /** A record; the last one may be cut short, so {@code fragment} can be shorter than {@code announcedLength}. */
  record Record(int type, int version, int announcedLength, byte[] fragment) {}

  static List<Record> records(byte[] stream, boolean fromClient) {
    List<Record> records = new ArrayList<>();
    int pos = 0;
    if (fromClient && stream.length >= 2 && (stream[0] & 0x80) != 0) {
      pos = 2 + (((stream[0] & 0x7f) << 8) | (stream[1] & 0xff));
    }
    while (pos + 5 <= stream.length) {
      int length = ((stream[pos + 3] & 0xff) << 8) | (stream[pos + 4] & 0xff);
      int end = Math.min(stream.length, pos + 5 + length);
      records.add(new Record(stream[pos] & 0xff, ((stream[pos + 1] & 0xff) << 8) | (stream[pos + 2] & 0xff), length,
          Arrays.copyOfRange(stream, pos + 5, end)));
      pos += 5 + length;
    }
    return records;
  }
}
