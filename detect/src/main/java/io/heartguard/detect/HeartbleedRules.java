package io.heartguard.detect;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;

/**
 * Heartbleed (CVE-2014-0160) detection on one TLS or DTLS connection, in reading order: what it reports, the state it
 * keeps, its thresholds and why, then the handlers. It follows Zeek's policy/protocols/ssl/heartbleed.zeek, in both
 * directions (a malicious server can bleed a client just as well).
 *
 * <p>Plaintext heartbeats (before ChangeCipherSpec, which is where most Heartbleed tools strike) can be read: the
 * request's payload_length is compared with its record, and a response with the requests that came before it.
 * Encrypted heartbeats only show their record length: they are judged by when they come (before any application
 * data), how long they are (shorter than the cipher allows; a response longer than its request) and how many go
 * unanswered. Every alert is raised at most once per rule and direction on a connection.
 */
public final class HeartbleedRules {

  // ---- What it reports -------------------------------------------------------------------------------------------

  /** The named rules. Ids stay stable: they are the EVE signature_id. */
  public enum Rule {
    REQUEST_PAYLOAD_OVERFLOW("heartbleed_request_overflow", 9_160_001, Severity.HIGH,
        "plaintext heartbeat request claims more payload than its record holds: the Heartbleed exploit"),
    REQUEST_SHORT_PADDING("heartbleed_request_short_padding", 9_160_002, Severity.HIGH,
        "plaintext heartbeat request without the 16 bytes of padding RFC 6520 section 4 requires: a Heartbleed"
            + " attack that only a vulnerable peer answers"),
    RESPONSE_LEAK("heartbleed_response_leak", 9_160_003, Severity.HIGH,
        "plaintext heartbeat response echoes more bytes than any request carried: memory leaked"),
    ENCRYPTED_BEFORE_APPLICATION_DATA("heartbeat_before_application_data", 9_160_004, Severity.MEDIUM,
        "encrypted heartbeat before any application data: how Heartbleed tools strike after the handshake"),
    ENCRYPTED_RESPONSE_LEAK("heartbleed_encrypted_response_leak", 9_160_005, Severity.HIGH,
        "encrypted heartbeat response much longer than the request it answers: memory probably leaked"),
    ENCRYPTED_REQUEST_TOO_SHORT("heartbeat_shorter_than_cipher_minimum", 9_160_006, Severity.MEDIUM,
        "encrypted heartbeat shorter than the smallest valid heartbeat under the negotiated cipher"),
    MANY_UNANSWERED("heartbeat_many_unanswered", 9_160_007, Severity.MEDIUM,
        "more heartbeat requests without responses than a well-behaved peer leaves in flight");

    private final String id;
    private final int signatureId;
    private final Severity severity;
    private final String summary;

    Rule(String id, int signatureId, Severity severity, String summary) {
      this.id = id;
      this.signatureId = signatureId;
      this.severity = severity;
      this.summary = summary;
    }

    /** The rule's name in alerts, e.g. "heartbleed_request_overflow". */
    public String id() {
      return id;
    }

    public int signatureId() {
      return signatureId;
    }

    public Severity severity() {
      return severity;
    }

    public String summary() {
      return summary;
    }
  }

  /** What the rules need to know about the connection beyond heartbeats; the ConnectionMonitor provides it. */
  public interface Connection {
    FlowInfo flow();

    /** Application data (non-empty) seen in either direction. */
    boolean applicationDataSeen();

    /** True when the capture began after the connection did, so "before application data" cannot be known. */
    boolean startedMidStream();

    /** The negotiated suite's layout, or null while unknown. */
    CipherLayout cipherLayout();

    /** TLS 1.1+ and DTLS carry an explicit CBC IV in every record. */
    boolean explicitIv();

    String versionName();

    String cipherName();
  }

  // ---- Thresholds ------------------------------------------------------------------------------------------------

  /**
   * RFC 6520 section 3 allows one request in flight; Zeek alerts above 3 unanswered, which leaves room for requests
   * lost with a capture's dropped packets.
   */
  static final int MAX_UNANSWERED_REQUESTS = 3;

  /**
   * A responder picks its own padding (at least 16 bytes, RFC 6520 section 4) and CBC rounds to whole blocks, so an
   * honest encrypted response can be a little longer than its request. A leak is kilobytes; 64 bytes covers any
   * padding choice a real implementation makes.
   */
  static final int ENCRYPTED_RESPONSE_SLACK = 64;

  // ---- Per-connection state, indexed by Direction.ordinal() of the sender ----------------------------------------

  private final Connection connection;
  private final AlertSink sink;
  private final boolean keepLeakedBytes;
  private final int[] requests = new int[2];
  private final int[] responses = new int[2];
  /** Largest payload a plaintext request really carried (min of payload_length and the record), -1 when none. */
  private final int[] largestCarriedPayload = {-1, -1};
  private final int[] largestRequestRecord = {-1, -1};
  /** Record length of the last encrypted heartbeat not yet answered, -1 when none. */
  private final int[] pendingEncrypted = {-1, -1};
  private final boolean[][] reported = new boolean[Rule.values().length][2];
  private int alertCount;

  public HeartbleedRules(Connection connection, AlertSink sink, boolean keepLeakedBytes) {
    this.connection = connection;
    this.sink = sink;
    this.keepLeakedBytes = keepLeakedBytes;
  }

  // ---- Handlers --------------------------------------------------------------------------------------------------

  /**
   * A plaintext heartbeat record of {@code recordLength} bytes; {@code available} of its bytes are at
   * {@code offset} (fewer when the capture lost the rest).
   */
  public void onPlaintextHeartbeat(Direction from, int recordLength, byte[] fragment, int offset, int available,
      long timestampNanos) {
    if (available < HeartbeatFrame.HEADER_LENGTH) {
      return; // type and payload_length were lost with the capture: nothing to judge
    }
    int type = fragment[offset] & 0xff;
    int payloadLength = ((fragment[offset + 1] & 0xff) << 8) | (fragment[offset + 2] & 0xff);
    HeartbeatFrame frame = new HeartbeatFrame(type, payloadLength, recordLength);
    HeartbeatMessageType messageType = frame.type();
    if (messageType == HeartbeatMessageType.REQUEST) {
      onPlaintextRequest(from, frame, timestampNanos);
    } else if (messageType == HeartbeatMessageType.RESPONSE) {
      onPlaintextResponse(from, frame, fragment, offset, available, timestampNanos);
    }
  }

  private void onPlaintextRequest(Direction from, HeartbeatFrame frame, long ts) {
    int i = from.ordinal();
    requests[i]++;
    int recordLength = frame.recordLength();
    int payloadLength = frame.declaredPayloadLength();
    if (!frame.payloadFits()) {
      report(Rule.REQUEST_PAYLOAD_OVERFLOW, from, ts, recordLength, payloadLength, -1, 0, Bytes.EMPTY,
          String.format("heartbeat request from the %s: payload_length %d exceeds its %d-byte record by %d bytes"
                  + " (at most %d fit). Record length %d. Payload length %d",
              from.sender(), payloadLength, recordLength, frame.overclaimedBytes(),
              Math.max(0, recordLength - HeartbeatFrame.HEADER_LENGTH - HeartbeatFrame.MIN_PADDING),
              recordLength, payloadLength));
    } else if (!frame.fitsWithPadding()) {
      // RFC 6520 section 4: such a message MUST be discarded silently; only a vulnerable peer answers it.
      report(Rule.REQUEST_SHORT_PADDING, from, ts, recordLength, payloadLength, -1, 0, Bytes.EMPTY,
          String.format("heartbeat request from the %s: payload_length %d leaves %d bytes of padding in its %d-byte"
                  + " record, RFC 6520 section 4 requires 16. Record length %d. Payload length %d",
              from.sender(), payloadLength, frame.paddingLength(), recordLength, recordLength, payloadLength));
    }
    int carried = Math.min(payloadLength, recordLength - HeartbeatFrame.HEADER_LENGTH);
    largestCarriedPayload[i] = Math.max(largestCarriedPayload[i], carried);
    largestRequestRecord[i] = Math.max(largestRequestRecord[i], recordLength);
    checkUnanswered(from, ts, recordLength);
  }

  private void onPlaintextResponse(Direction from, HeartbeatFrame frame, byte[] fragment, int offset, int available,
      long ts) {
    responses[from.ordinal()]++;
    int requester = from.opposite().ordinal();
    if (requests[requester] == 0 && connection.startedMidStream()) {
      return; // the request may predate the capture
    }
    int carried = Math.max(0, largestCarriedPayload[requester]);
    int echoed = Math.min(frame.declaredPayloadLength(), frame.recordLength() - HeartbeatFrame.HEADER_LENGTH);
    int leaked = echoed - carried;
    if (leaked <= 0) {
      return;
    }
    Bytes leakedBytes = Bytes.EMPTY;
    if (keepLeakedBytes) {
      int from0 = HeartbeatFrame.HEADER_LENGTH + carried;
      int to = Math.min(available, HeartbeatFrame.HEADER_LENGTH + echoed);
      if (to > from0) {
        leakedBytes = Bytes.of(fragment, offset + from0, to - from0);
      }
    }
    report(Rule.RESPONSE_LEAK, from, ts, frame.recordLength(), frame.declaredPayloadLength(),
        largestRequestRecord[requester], leaked, leakedBytes,
        String.format("heartbeat response from the %s echoes %d payload bytes but the largest request carried %d:"
            + " %d bytes of memory leaked", from.sender(), echoed, carried, leaked));
  }

  /** An encrypted heartbeat record: only its length and direction are known. */
  public void onEncryptedHeartbeat(Direction from, int recordLength, long ts) {
    if (!connection.applicationDataSeen() && !connection.startedMidStream()) {
      report(Rule.ENCRYPTED_BEFORE_APPLICATION_DATA, from, ts, recordLength, -1, -1, 0, Bytes.EMPTY,
          String.format("encrypted heartbeat from the %s before any application data: probable attack or scan."
              + " Length: %d", from.sender(), recordLength));
    }
    int i = from.ordinal();
    int other = from.opposite().ordinal();
    if (pendingEncrypted[other] >= 0) {
      // The other side has a heartbeat outstanding: this one answers it.
      responses[i]++;
      int requestLength = pendingEncrypted[other];
      pendingEncrypted[other] = -1;
      int excess = recordLength - requestLength;
      if (excess > ENCRYPTED_RESPONSE_SLACK) {
        report(Rule.ENCRYPTED_RESPONSE_LEAK, from, ts, recordLength, -1, requestLength, excess, Bytes.EMPTY,
            String.format("encrypted heartbeat response from the %s of %d bytes answers a %d-byte request:"
                + " about %d bytes more than were sent", from.sender(), recordLength, requestLength, excess));
      }
      return;
    }
    requests[i]++;
    pendingEncrypted[i] = recordLength;
    CipherLayout layout = connection.cipherLayout();
    int minimum = layout != null ? layout.minimumHeartbeatCiphertext(connection.explicitIv())
        : CipherLayout.MIN_HEARTBEAT_PLAINTEXT;
    if (recordLength < minimum) {
      report(Rule.ENCRYPTED_REQUEST_TOO_SHORT, from, ts, recordLength, -1, -1, 0, Bytes.EMPTY,
          String.format("encrypted heartbeat request from the %s of %d bytes is shorter than %d, the smallest valid"
              + " heartbeat under %s", from.sender(), recordLength, minimum, connection.cipherName()));
    }
    checkUnanswered(from, ts, recordLength);
  }

  private void checkUnanswered(Direction from, long ts, int recordLength) {
    int unanswered = requests[from.ordinal()] - responses[from.opposite().ordinal()];
    if (unanswered > MAX_UNANSWERED_REQUESTS) {
      report(Rule.MANY_UNANSWERED, from, ts, recordLength, -1, -1, 0, Bytes.EMPTY,
          String.format("%d heartbeat requests from the %s and %d responses: more than %d unanswered",
              requests[from.ordinal()], from.sender(), responses[from.opposite().ordinal()],
              MAX_UNANSWERED_REQUESTS));
    }
  }

  private void report(Rule rule, Direction direction, long ts, int recordLength, int payloadLength,
      int requestRecordLength, long bytesLeaked, Bytes leakedBytes, String reason) {
    if (reported[rule.ordinal()][direction.ordinal()]) {
      return; // one alert per rule and direction on a connection, not one per record
    }
    reported[rule.ordinal()][direction.ordinal()] = true;
    alertCount++;
    sink.onAlert(new Alert(rule, direction, connection.flow(), ts, recordLength, payloadLength, requestRecordLength,
        bytesLeaked, reason, connection.versionName(), connection.cipherName(), leakedBytes));
  }

  // ---- Counters for summaries ------------------------------------------------------------------------------------

  public int requests(Direction from) {
    return requests[from.ordinal()];
  }

  public int responses(Direction from) {
    return responses[from.ordinal()];
  }

  public int alertCount() {
    return alertCount;
  }
}
