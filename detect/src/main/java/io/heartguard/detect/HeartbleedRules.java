package io.heartguard.detect;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.record.RecordHeader;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Heartbleed (CVE-2014-0160) detection on one TLS or DTLS connection, in reading order like Zeek's
 * policy/protocols/ssl/heartbleed.zeek: what it reports, the state it keeps, its thresholds and why, then the
 * handlers. Both directions are watched: a malicious server bleeds a client just as well.
 *
 * <p>The yardstick is OpenSSL itself. 1.0.1g's tls1_process_heartbeat and dtls1_process_heartbeat silently discard a
 * request whose record cannot hold its type, payload_length, the payload and 16 bytes of padding; 1.0.1f answers it
 * with 3 + payload_length + 16 bytes, copying payload_length bytes from where the payload began. So a request that
 * 1.0.1g would discard is an attack, and any answer to one proves the peer vulnerable, whether or not bytes beyond
 * the request came back (those bytes are reported as leaked).
 *
 * <p>Plaintext heartbeats (before ChangeCipherSpec, where most tools strike) are read. Encrypted ones show only their
 * record length, which {@link CipherLayout} turns into plaintext bounds under the negotiated suite: a request shorter
 * than any valid heartbeat, and a response longer than the longest honest answer to its own request, are found
 * exactly. Every response is paired with its own request, first in first out per direction; a response record with
 * no request pending (the rest of an answer spread over several records, or an answer to nothing) is a leak.
 *
 * <p>Alerts are raised once per rule and direction on a connection, except that a later finding of the same rule
 * that leaks bytes is still reported after one that leaked none.
 */
public final class HeartbleedRules {

  // ---- What it reports -------------------------------------------------------------------------------------------

  /** The named rules. Ids stay stable: they are the EVE signature_id. */
  public enum Rule implements AlertRule {
    REQUEST_PAYLOAD_OVERFLOW("heartbleed_request_overflow", 9_160_001, Severity.HIGH,
        "plaintext heartbeat request claims more payload than its record holds: the Heartbleed exploit"),
    REQUEST_SHORT_PADDING("heartbleed_request_short_padding", 9_160_002, Severity.HIGH,
        "plaintext heartbeat request without the 16 bytes of padding RFC 6520 section 4 requires (a record under 19"
            + " bytes among them): a Heartbleed attack that only a vulnerable peer answers"),
    RESPONSE_LEAK("heartbleed_response_leak", 9_160_003, Severity.HIGH,
        "plaintext heartbeat response whose payload runs past the record of the request it answers: memory leaked"),
    ENCRYPTED_BEFORE_APPLICATION_DATA("heartbeat_before_application_data", 9_160_004, Severity.MEDIUM,
        "encrypted heartbeat before any application data: how Heartbleed tools strike after the handshake"),
    ENCRYPTED_RESPONSE_LEAK("heartbleed_encrypted_response_leak", 9_160_005, Severity.HIGH,
        "encrypted heartbeat response longer than the longest honest answer to its own request under the negotiated"
            + " cipher: the peer answered a request OpenSSL 1.0.1g discards"),
    ENCRYPTED_REQUEST_TOO_SHORT("heartbeat_shorter_than_cipher_minimum", 9_160_006, Severity.MEDIUM,
        "encrypted heartbeat shorter than the smallest valid heartbeat under the negotiated cipher"),
    MANY_UNANSWERED("heartbeat_many_unanswered", 9_160_007, Severity.MEDIUM,
        "more heartbeat requests without responses than a well-behaved peer leaves in flight"),
    HEARTBEAT_TRUNCATED("heartbleed_truncated_heartbeat", 9_160_008, Severity.HIGH,
        "plaintext heartbeat record of 1 or 2 bytes, too short for its own type and payload_length: OpenSSL 1.0.1f"
            + " reads payload_length from stale bytes of its read buffer"),
    SHORT_PADDING_ANSWERED("heartbleed_short_padding_answered", 9_160_009, Severity.HIGH,
        "a peer answered a heartbeat request without 16 bytes of padding, which OpenSSL 1.0.1g discards: the peer is"
            + " vulnerable even though nothing beyond the request came back"),
    TRUNCATED_ANSWERED("heartbleed_truncated_heartbeat_answered", 9_160_010, Severity.HIGH,
        "a peer answered a heartbeat record too short for its own header: vulnerable, and what it echoed is memory"),
    SHORT_ENCRYPTED_REQUEST_ANSWERED("heartbleed_short_encrypted_request_answered", 9_160_011, Severity.HIGH,
        "a peer answered an encrypted heartbeat shorter than the cipher's minimum, which OpenSSL 1.0.1g discards:"
            + " the peer is vulnerable"),
    UNREQUESTED_RESPONSE_LEAK("heartbleed_unrequested_response_leak", 9_160_012, Severity.HIGH,
        "heartbeat response with no request pending (the rest of an answer spread over several records, or an"
            + " answer to nothing): memory leaked"),
    PENDING_OVERFLOW("heartbeat_pending_overflow", 9_160_013, Severity.MEDIUM,
        "more heartbeat requests pending in one direction than the rules pair exactly: later answers are judged"
            + " against the largest of the requests beyond"),
    CHANGE_CIPHER_SPEC_NOT_APPLIED("change_cipher_spec_not_applied", 9_160_014, Severity.MEDIUM,
        "ChangeCipherSpec that OpenSSL does not apply (empty, or not the single byte 1): the direction stays as it"
            + " was, whatever else reads it as switched"),
    FULL_RECORD_RESPONSE("heartbeat_full_record_response", 9_160_015, Severity.MEDIUM,
        "encrypted heartbeat response filling a whole 2^14-byte record: honest only for a request as large, which no"
            + " implementation sends; 1.0.1f's answer to a payload_length past 16365 begins so, the rest follows");

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

    @Override
    public String id() {
      return id;
    }

    @Override
    public int signatureId() {
      return signatureId;
    }

    @Override
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

  // ---- Per-connection state, indexed by Direction.ordinal() of the sender ----------------------------------------

  /** Why 1.0.1g would discard a request; NONE for a request it answers. */
  private enum Discard { NONE, TRUNCATED, SHORT_PADDING, OVERFLOW, BELOW_CIPHER_MINIMUM }

  /**
   * A request waiting for its answer. {@code maxPlaintext} is its plaintext length, or for an encrypted one the most
   * its record can hold under the suite: an honest answer carries no more. {@code payloadLength} is -1 when unread.
   */
  private record Pending(int recordLength, boolean encrypted, int maxPlaintext, int payloadLength, Discard discard) {}

  private static final int RULES = Rule.values().length;

  private final Connection connection;
  private final AlertSink sink;
  private final boolean keepLeakedBytes;
  private final int[] requests = new int[2];
  private final int[] responses = new int[2];
  /** Requests of each sender, oldest first, not yet answered; created with the first (most flows have none). */
  @SuppressWarnings("unchecked")
  private final ArrayDeque<Pending>[] pending = new ArrayDeque[2];
  /**
   * Requests a fixed peer discards, passed over because a later request explained an answer (1.0.1g never answers
   * them); an answer that then finds nothing pending answers one of these. Kept until the other side sends
   * anything but a heartbeat.
   */
  @SuppressWarnings("unchecked")
  private final ArrayDeque<Pending>[] passedOver = new ArrayDeque[2];
  /** Requests beyond {@link #MAX_PENDING_REQUESTS}: how many, and the longest of their records. */
  private final int[] overflowed = new int[2];
  private final int[] longestOverflowed = new int[2];
  /**
   * Whether the sender's last record was an encrypted heartbeat response that may hold 2^14 bytes of plaintext:
   * ssl3_write_bytes fills every record of a longer answer to that size, so its next heartbeat may continue it.
   */
  private final boolean[] lastResponseFull = new boolean[2];
  /** Bytes of a plaintext answer still to come in the sender's next heartbeat records (ssl3_write_bytes split it). */
  private final int[] continuation = new int[2];
  /** At 2 * rule + direction: -1 before any alert, else the bytes leaked that the last alert reported. */
  private final long[] reportedLeak = new long[2 * RULES];
  private int alertCount;

  public HeartbleedRules(Connection connection, AlertSink sink, boolean keepLeakedBytes) {
    this.connection = connection;
    this.sink = sink;
    this.keepLeakedBytes = keepLeakedBytes;
    Arrays.fill(reportedLeak, -1);
  }

  // ---- Thresholds ------------------------------------------------------------------------------------------------

  /**
   * RFC 6520 section 3 allows one request in flight; Zeek alerts above 3 unanswered, which leaves room for requests
   * lost with a capture's dropped packets.
   */
  static final int MAX_UNANSWERED_REQUESTS = 3;

  /**
   * Requests kept for exact pairing, per direction. RFC 6520 section 3 allows one in flight; 16 leaves room for
   * peers that do not wait, and bounds memory. Beyond it {@link Rule#PENDING_OVERFLOW}.
   */
  static final int MAX_PENDING_REQUESTS = 16;

  /** RFC 6520 section 4 and tls1_process_heartbeat: type (1), payload_length (2), at least 16 bytes of padding. */
  static final int HEARTBEAT_OVERHEAD = HeartbeatFrame.HEADER_LENGTH + HeartbeatFrame.MIN_PADDING;

  /**
   * The largest plaintext record (RFC 5246 section 6.2.1). ssl3_write_bytes cuts a longer answer into records of
   * this size, so a plaintext response this long whose payload_length runs past it continues in the next records.
   */
  static final int MAX_PLAINTEXT_RECORD = RecordHeader.MAX_PLAINTEXT;

  /**
   * The shortest protected record with any content: every suite adds a MAC or tag of at least 16 bytes (MD5, or
   * CCM_8's 8-byte nonce and 8-byte tag). A shorter heartbeat record on a direction of unknown state is plaintext.
   */
  static final int MIN_PROTECTED_RECORD = 16 + 1;

  /**
   * Whether a heartbeat record on a direction of unknown state (picked up mid-stream) reads as plaintext: too short
   * to be protected, or type request with its payload inside the record, or type response padded as OpenSSL pads
   * (or the first 2^14-byte record of a longer answer). Encrypted bytes pass this by chance about once in 10^4.
   */
  public static boolean looksLikePlaintextHeartbeat(int recordLength, byte[] fragment, int offset, int available) {
    if (recordLength < MIN_PROTECTED_RECORD) {
      return true;
    }
    if (available < HeartbeatFrame.HEADER_LENGTH) {
      return false;
    }
    int type = fragment[offset] & 0xff;
    int payloadLength = ((fragment[offset + 1] & 0xff) << 8) | (fragment[offset + 2] & 0xff);
    return switch (type) {
      case 1 -> HeartbeatFrame.HEADER_LENGTH + payloadLength <= recordLength;
      case 2 -> HEARTBEAT_OVERHEAD + payloadLength <= recordLength
          || (recordLength == MAX_PLAINTEXT_RECORD && HeartbeatFrame.HEADER_LENGTH + payloadLength > recordLength);
      default -> false;
    };
  }

  // ---- Handlers --------------------------------------------------------------------------------------------------

  /** A record of another type, not empty: the sender's last heartbeat, if any, is no longer the one before. */
  public void onOtherRecord(Direction from) {
    lastResponseFull[from.ordinal()] = false;
    continuation[from.ordinal()] = 0;
    ArrayDeque<Pending> late = passedOver[from.opposite().ordinal()];
    if (late != null) {
      late.clear(); // the answers a vulnerable peer writes back to back are over
    }
  }

  /**
   * A plaintext heartbeat record of {@code recordLength} bytes; {@code available} of its bytes are at
   * {@code offset} (fewer when the capture lost the rest).
   */
  public void onPlaintextHeartbeat(Direction from, int recordLength, byte[] fragment, int offset, int available,
      long ts) {
    int i = from.ordinal();
    if (recordLength == 0) {
      return; // ssl3_get_record discards an empty record: no peer reads it
    }
    if (continuation[i] > 0) {
      continuation[i] = Math.max(0, continuation[i] - recordLength); // the rest of an answer already judged
      return;
    }
    if (available < Math.min(recordLength, HeartbeatFrame.HEADER_LENGTH)) {
      // Lost with the capture: nothing to judge, but a request still awaits its answer, of unknown content.
      if (available > 0 && fragment[offset] == 1) {
        lastResponseFull[i] = false;
        addRequest(from, new Pending(recordLength, true, recordLength, -1, Discard.NONE), ts);
      }
      return;
    }
    int type = fragment[offset] & 0xff;
    if (recordLength < HeartbeatFrame.HEADER_LENGTH) {
      onTruncated(from, type, recordLength, ts);
      return;
    }
    int payloadLength = ((fragment[offset + 1] & 0xff) << 8) | (fragment[offset + 2] & 0xff);
    HeartbeatFrame frame = new HeartbeatFrame(type, payloadLength, recordLength);
    if (type == 1) {
      onPlaintextRequest(from, frame, ts);
    } else if (type == 2) {
      onPlaintextResponse(from, frame, fragment, offset, available, ts);
    }
  }

  private void onTruncated(Direction from, int type, int recordLength, long ts) {
    report(Rule.HEARTBEAT_TRUNCATED, from, ts, recordLength, -1, -1, 0, Bytes.EMPTY,
        String.format("heartbeat record of %d byte%s from the %s (type %d) is too short for its own type and"
                + " payload_length: OpenSSL 1.0.1f reads payload_length from stale memory, 1.0.1g discards it",
            recordLength, recordLength == 1 ? "" : "s", from.sender(), type));
    if (type == 1) {
      lastResponseFull[from.ordinal()] = false;
      addRequest(from, new Pending(recordLength, false, recordLength, -1, Discard.TRUNCATED), ts);
    }
  }

  private void onPlaintextRequest(Direction from, HeartbeatFrame frame, long ts) {
    lastResponseFull[from.ordinal()] = false;
    int recordLength = frame.recordLength();
    int payloadLength = frame.declaredPayloadLength();
    Discard discard = Discard.NONE;
    if (!frame.payloadFits()) {
      discard = Discard.OVERFLOW;
      report(Rule.REQUEST_PAYLOAD_OVERFLOW, from, ts, recordLength, payloadLength, -1, 0, Bytes.EMPTY,
          String.format("heartbeat request from the %s: payload_length %d exceeds its %d-byte record by %d bytes"
                  + " (at most %d fit). Record length %d. Payload length %d",
              from.sender(), payloadLength, recordLength, frame.overclaimedBytes(), frame.maxPayloadLength(),
              recordLength, payloadLength));
    } else if (!frame.fitsWithPadding()) {
      // RFC 6520 section 4: such a message MUST be discarded silently; only a vulnerable peer answers it.
      discard = Discard.SHORT_PADDING;
      report(Rule.REQUEST_SHORT_PADDING, from, ts, recordLength, payloadLength, -1, 0, Bytes.EMPTY,
          String.format("heartbeat request from the %s: payload_length %d leaves %d bytes of padding in its %d-byte"
                  + " record, RFC 6520 section 4 requires 16. Record length %d. Payload length %d",
              from.sender(), payloadLength, frame.paddingLength(), recordLength, recordLength, payloadLength));
    }
    addRequest(from, new Pending(recordLength, false, recordLength, payloadLength, discard), ts);
  }

  private void onPlaintextResponse(Direction from, HeartbeatFrame frame, byte[] fragment, int offset, int available,
      long ts) {
    int i = from.ordinal();
    int payloadLength = frame.declaredPayloadLength();
    int recordLength = frame.recordLength();
    int total = HEARTBEAT_OVERHEAD + payloadLength;
    if (recordLength == MAX_PLAINTEXT_RECORD && total > recordLength) {
      continuation[i] = total - recordLength; // ssl3_write_bytes wrote the rest in the next records
    }
    Pending request = answeredRequest(from.opposite(), payloadLength, -1);
    responses[i]++;
    lastResponseFull[i] = false; // its continuation is counted exactly, above
    if (request == null) {
      onUnrequestedPlaintextResponse(from, frame, ts);
      return;
    }
    int carried = Math.max(0, request.maxPlaintext() - HeartbeatFrame.HEADER_LENGTH);
    long leaked = Math.max(0, payloadLength - carried);
    // A request of known content is answered honestly only when 1.0.1g accepts it; one seen encrypted, only with
    // no more payload than its record could hold with padding.
    boolean discarded = request.encrypted() ? total > request.maxPlaintext() : request.discard() != Discard.NONE;
    if (!discarded && leaked == 0) {
      return;
    }
    Bytes leakedBytes = Bytes.EMPTY;
    if (keepLeakedBytes && leaked > 0) {
      int start = HeartbeatFrame.HEADER_LENGTH + carried;
      int end = Math.min(available, HeartbeatFrame.HEADER_LENGTH + payloadLength);
      if (end > start) {
        leakedBytes = Bytes.of(fragment, offset + start, end - start);
      }
    }
    Rule rule = answeredRule(request, leaked, Rule.RESPONSE_LEAK);
    report(rule, from, ts, recordLength, payloadLength, request.recordLength(), leaked, leakedBytes,
        String.format("heartbeat response from the %s with payload_length %d answers a %d-byte %s request%s: %d"
                + " bytes beyond the request leaked", from.sender(), payloadLength, request.recordLength(),
            request.encrypted() ? "encrypted" : "plaintext", discardNote(request), leaked));
  }

  private void onUnrequestedPlaintextResponse(Direction from, HeartbeatFrame frame, long ts) {
    int payloadLength = frame.declaredPayloadLength();
    int echoed = Math.min(payloadLength, frame.recordLength() - HeartbeatFrame.HEADER_LENGTH);
    long leaked = echoed;
    if (requests[from.opposite().ordinal()] == 0 && connection.startedMidStream()) {
      // The request may predate the capture; only a payload no request could carry with its padding is a leak.
      int largestHonestPayload = MAX_PLAINTEXT_RECORD - HEARTBEAT_OVERHEAD;
      if (payloadLength <= largestHonestPayload) {
        return;
      }
      leaked = payloadLength - largestHonestPayload;
    }
    report(Rule.UNREQUESTED_RESPONSE_LEAK, from, ts, frame.recordLength(), payloadLength, -1, leaked, Bytes.EMPTY,
        String.format("heartbeat response from the %s with payload_length %d answers no pending request: %d bytes"
            + " leaked", from.sender(), payloadLength, leaked));
  }

  /** An encrypted heartbeat record: only its length and direction are known. */
  public void onEncryptedHeartbeat(Direction from, int recordLength, long ts) {
    if (recordLength == 0) {
      return; // ssl3_get_record discards an empty record
    }
    if (!connection.applicationDataSeen() && !connection.startedMidStream()) {
      report(Rule.ENCRYPTED_BEFORE_APPLICATION_DATA, from, ts, recordLength, -1, -1, 0, Bytes.EMPTY,
          String.format("encrypted heartbeat from the %s before any application data: probable attack or scan."
              + " Length: %d", from.sender(), recordLength));
    }
    int i = from.ordinal();
    CipherLayout layout = connection.cipherLayout();
    boolean explicitIv = connection.explicitIv();
    int maxPlaintext = layout == null ? recordLength : layout.maxPlaintext(recordLength, explicitIv);
    boolean full = maxPlaintext >= MAX_PLAINTEXT_RECORD;
    Pending request = answeredRequest(from.opposite(), -1, recordLength);
    if (request != null) {
      responses[i]++;
      lastResponseFull[i] = full;
      onEncryptedResponse(from, recordLength, request, layout, explicitIv, ts);
      return;
    }
    if (lastResponseFull[i]) {
      // Nothing pending, right after a 2^14-byte answer from this side: the answer goes on in another record.
      responses[i]++;
      lastResponseFull[i] = full;
      long leaked = layout == null ? recordLength : layout.maxPlaintext(recordLength, explicitIv);
      report(Rule.UNREQUESTED_RESPONSE_LEAK, from, ts, recordLength, -1, -1, leaked, Bytes.EMPTY,
          String.format("encrypted heartbeat of %d bytes from the %s right after its 2^14-byte answer, with no"
              + " request pending: the answer continues over several records, about %d more bytes leaked",
              recordLength, from.sender(), leaked));
      return;
    }
    int minimum = layout != null ? layout.minimumHeartbeatCiphertext(explicitIv) : CipherLayout.MIN_HEARTBEAT_PLAINTEXT;
    Discard discard = Discard.NONE;
    if (recordLength < minimum) {
      discard = Discard.BELOW_CIPHER_MINIMUM;
      report(Rule.ENCRYPTED_REQUEST_TOO_SHORT, from, ts, recordLength, -1, -1, 0, Bytes.EMPTY,
          String.format("encrypted heartbeat request from the %s of %d bytes is shorter than %d, the smallest valid"
              + " heartbeat under %s", from.sender(), recordLength, minimum, connection.cipherName()));
    }
    lastResponseFull[i] = false;
    addRequest(from, new Pending(recordLength, true, maxPlaintext, -1, discard), ts);
  }

  private void onEncryptedResponse(Direction from, int recordLength, Pending request, CipherLayout layout,
      boolean explicitIv, long ts) {
    int bound = largestHonestResponse(request, layout, explicitIv);
    if (recordLength <= bound && request.discard() == Discard.NONE) {
      if (lastResponseFull[from.ordinal()] && stillPending(from.opposite())) {
        // Its length cannot tell an honest answer to a full-size request from the first record of a longer answer,
        // and the next record would pair with the request still pending. With none pending, the next record is
        // caught as unrequested, so an honest full-size answer passes.
        report(Rule.FULL_RECORD_RESPONSE, from, ts, recordLength, -1, request.recordLength(), 0, Bytes.EMPTY,
            String.format("encrypted heartbeat response from the %s of %d bytes fills a 2^14-byte record (its"
                + " %d-byte request too): the first record of a longer answer looks the same", from.sender(),
                recordLength, request.recordLength()));
      }
      return;
    }
    // 1.0.1f answers with 3 + payload_length + 16 bytes: what runs past the request's record after its 3-byte header
    // is memory. Both lengths are estimated from the ciphertext, to within a cipher block.
    int responsePlaintext = layout == null ? recordLength : layout.maxPlaintext(recordLength, explicitIv);
    long leaked = Math.max(0, responsePlaintext - request.maxPlaintext() - HeartbeatFrame.MIN_PADDING);
    Rule rule = answeredRule(request, leaked, Rule.ENCRYPTED_RESPONSE_LEAK);
    report(rule, from, ts, recordLength, -1, request.recordLength(), leaked, Bytes.EMPTY,
        String.format("encrypted heartbeat response from the %s of %d bytes answers a %d-byte request%s; an honest"
                + " answer has at most %d under %s: about %d bytes beyond the request leaked", from.sender(),
            recordLength, request.recordLength(), discardNote(request), bound, connection.cipherName(), leaked));
  }

  /**
   * The longest record an honest peer answers this request with: {@link CipherLayout#largestHonestResponse} under a
   * known suite. With the suite unknown, the request's own length for an encrypted request (the bound every suite in
   * the table gives), and the plaintext plus the largest overhead of any suite for a plaintext one.
   */
  private static int largestHonestResponse(Pending request, CipherLayout layout, boolean explicitIv) {
    if (!request.encrypted()) {
      return layout == null ? request.maxPlaintext() + CipherLayout.LARGEST_OVERHEAD
          : layout.ciphertextLength(request.maxPlaintext(), explicitIv);
    }
    return layout == null ? request.recordLength() : layout.largestHonestResponse(request.recordLength(), explicitIv);
  }

  /**
   * The longest encrypted heartbeat record that {@code responder} may send next without it being reported as a leak:
   * the exact bound for the request it answers, as {@link #answeredRequest} pairs them. 0 when only requests a fixed
   * peer discards are pending (any answer proves a vulnerable peer); -1 when none is pending (its next heartbeat is
   * then a request, or the rest of an answer). A guard can cut a response on its record header alone with this.
   */
  public int largestHonestResponse(Direction responder) {
    int requester = responder.opposite().ordinal();
    CipherLayout layout = connection.cipherLayout();
    boolean explicitIv = connection.explicitIv();
    ArrayDeque<Pending> queue = pending[requester];
    if (queue == null || queue.isEmpty()) {
      return overflowed[requester] > 0 ? largestHonestResponse(overflowRequest(requester), layout, explicitIv) : -1;
    }
    Pending head = queue.peekFirst();
    if (head.discard() == Discard.NONE) {
      return largestHonestResponse(head, layout, explicitIv);
    }
    int largest = 0; // a discarded head is passed over for any later request that explains the answer
    for (Pending request : queue) {
      if (request.discard() == Discard.NONE) {
        largest = Math.max(largest, largestHonestResponse(request, layout, explicitIv));
      }
    }
    return largest;
  }

  private static Rule answeredRule(Pending request, long leaked, Rule leakRule) {
    return switch (request.discard()) {
      case TRUNCATED -> Rule.TRUNCATED_ANSWERED;
      case BELOW_CIPHER_MINIMUM -> Rule.SHORT_ENCRYPTED_REQUEST_ANSWERED;
      case SHORT_PADDING -> leaked > 0 ? leakRule : Rule.SHORT_PADDING_ANSWERED;
      case OVERFLOW, NONE -> leakRule;
    };
  }

  private static String discardNote(Pending request) {
    return switch (request.discard()) {
      case TRUNCATED -> " too short for its header";
      case SHORT_PADDING -> " without 16 bytes of padding";
      case OVERFLOW -> " whose payload_length exceeds its record";
      case BELOW_CIPHER_MINIMUM -> " below the cipher's minimum";
      case NONE -> "";
    };
  }

  private void addRequest(Direction from, Pending request, long ts) {
    int i = from.ordinal();
    requests[i]++;
    if (pending[i] == null) {
      pending[i] = new ArrayDeque<>(4);
    }
    if (pending[i].size() < MAX_PENDING_REQUESTS) {
      pending[i].addLast(request);
    } else {
      overflowed[i]++;
      longestOverflowed[i] = Math.max(longestOverflowed[i], request.recordLength());
      report(Rule.PENDING_OVERFLOW, from, ts, request.recordLength(), -1, -1, 0, Bytes.EMPTY,
          String.format("%d heartbeat requests from the %s pending at once, more than the %d paired exactly",
              pending[i].size() + overflowed[i], from.sender(), MAX_PENDING_REQUESTS));
    }
    checkUnanswered(from, ts, request.recordLength());
  }

  /**
   * The request of {@code requester} that an answer (plaintext: its payload_length; encrypted: its record length)
   * answers, taken off the queue; null when there is none. First in first out, except that a request a fixed peer
   * discards is passed over when a later pending request explains the answer honestly: 1.0.1g never answers it, so
   * pairing it would accuse a fixed peer. If a vulnerable peer did answer it, its answer to the later request then
   * finds nothing pending and takes the passed-over one.
   */
  private Pending answeredRequest(Direction requester, int payloadLength, int recordLength) {
    int r = requester.ordinal();
    ArrayDeque<Pending> queue = pending[r];
    while (queue != null && !queue.isEmpty()) {
      Pending head = queue.peekFirst();
      if (head.discard() == Discard.NONE || !laterExplains(queue, payloadLength, recordLength)) {
        return queue.pollFirst();
      }
      queue.pollFirst();
      if (passedOver[r] == null) {
        passedOver[r] = new ArrayDeque<>(2);
      }
      if (passedOver[r].size() == MAX_PENDING_REQUESTS) {
        passedOver[r].pollFirst();
      }
      passedOver[r].addLast(head);
    }
    if (overflowed[r] > 0) {
      overflowed[r]--;
      return overflowRequest(r);
    }
    return passedOver[r] == null ? null : passedOver[r].pollFirst();
  }

  /** Whether a request from this side still awaits its answer, so that a continuation record could pair with it. */
  private boolean stillPending(Direction requester) {
    int r = requester.ordinal();
    return pending[r] != null && !pending[r].isEmpty() || overflowed[r] > 0
        || passedOver[r] != null && !passedOver[r].isEmpty();
  }

  /** Whether a request after the oldest would have this answer from an honest peer. */
  private boolean laterExplains(ArrayDeque<Pending> queue, int payloadLength, int recordLength) {
    CipherLayout layout = connection.cipherLayout();
    boolean explicitIv = connection.explicitIv();
    boolean first = true;
    for (Pending request : queue) {
      if (first) {
        first = false;
        continue;
      }
      if (request.discard() != Discard.NONE) {
        continue;
      }
      boolean honest = payloadLength >= 0
          ? (request.payloadLength() >= 0 ? request.payloadLength() == payloadLength
              : HEARTBEAT_OVERHEAD + payloadLength <= request.maxPlaintext())
          : recordLength <= largestHonestResponse(request, layout, explicitIv);
      if (honest) {
        return true;
      }
    }
    return false;
  }

  /** A request beyond the queue, judged as the longest of them (documented with {@link Rule#PENDING_OVERFLOW}). */
  private Pending overflowRequest(int requester) {
    CipherLayout layout = connection.cipherLayout();
    int length = longestOverflowed[requester];
    return new Pending(length, true, layout == null ? length : layout.maxPlaintext(length, connection.explicitIv()),
        -1, Discard.NONE);
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

  /** A ChangeCipherSpec that OpenSSL does not apply; the monitor decides which. */
  public void onChangeCipherSpecNotApplied(Direction from, int recordLength, String why, long ts) {
    report(Rule.CHANGE_CIPHER_SPEC_NOT_APPLIED, from, ts, recordLength, -1, -1, 0, Bytes.EMPTY,
        String.format("ChangeCipherSpec of %d byte%s from the %s %s: OpenSSL does not switch to encryption on it",
            recordLength, recordLength == 1 ? "" : "s", from.sender(), why));
  }

  private void report(Rule rule, Direction direction, long ts, int recordLength, int payloadLength,
      int requestRecordLength, long bytesLeaked, Bytes leakedBytes, String reason) {
    int key = 2 * rule.ordinal() + direction.ordinal();
    if (reportedLeak[key] >= 0 && !(reportedLeak[key] == 0 && bytesLeaked > 0)) {
      return; // one alert per rule and direction, unless this one leaks where the earlier did not
    }
    reportedLeak[key] = bytesLeaked;
    alertCount++;
    sink.onAlert(new Alert(rule, direction, connection.flow(), ts, recordLength, payloadLength, requestRecordLength,
        bytesLeaked, reason, connection.versionName(), connection.cipherName(), leakedBytes, null));
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
