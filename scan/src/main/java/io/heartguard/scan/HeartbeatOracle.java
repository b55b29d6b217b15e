package io.heartguard.scan;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import io.heartguard.wire.heartbeat.HeartbeatProbe;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.TlsRecord;
import io.heartguard.wire.tls.TlsException;
import io.heartguard.wire.tls.TlsSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The Heartbleed oracle: two heartbeat requests written together on one connection after the server's flight, and
 * the rule that reads their answers. It needs positive evidence either way.
 *
 * <p>What is sent, in one write, before our ClientKeyExchange (the server waits for it and handles heartbeats
 * meanwhile, as OpenSSL 1.0.1 did):
 * <ol>
 *   <li>the probe: a request with {@value #PROBE_PAYLOAD_BYTES} bytes of a random marker and
 *       {@value #PROBE_PADDING_BYTES} bytes of padding, whose payload_length claims {@value #OVERREAD_BYTES} bytes
 *       more than the record holds. 1.0.1f copies the claimed length: it echoes our marker, our padding, then
 *       {@value #OVERREAD_BYTES} bytes of its own read buffer. 1.0.1g discards it silently (RFC 6520 section 4).
 *   <li>the control: a well-formed request with {@value #CONTROL_PAYLOAD_BYTES} bytes of a second marker, which
 *       every heartbeat-speaking server answers.
 * </ol>
 * Both answers are over 4 KB on purpose: before the handshake completes, OpenSSL writes through a 4096-byte
 * buffering BIO and only flushes a heartbeat response that does not fit in it; a smaller answer sits there unsent,
 * which looks exactly like a discarded request.
 *
 * <p>How answers are read, in arrival order: the probe's marker echoed with more bytes than its record held is
 * VULNERABLE (the extra bytes are counted, never kept); the control's marker first means the malformed request was
 * discarded: NOT_VULNERABLE, with no timeout to wait out. Anything else (alert, close, timeout, an echo that is
 * neither) is INCONCLUSIVE with what was seen.
 */
public final class HeartbeatOracle {
  /** Over the 4096-byte buffer by a margin, so the answer (payload + 3 + 16 + 5 header bytes) is flushed at once. */
  public static final int PROBE_PAYLOAD_BYTES = 4096 + 512;
  /** RFC 6520 section 4's minimum, so the only thing wrong with the probe is its payload_length. */
  static final int PROBE_PADDING_BYTES = HeartbeatFrame.MIN_PADDING;
  /** A few bytes past the record: proof of the over-read while leaking almost nothing. */
  public static final int OVERREAD_BYTES = 16;
  /** Also over 4096 bytes once framed, and a different length than the probe so the two answers never mix up. */
  public static final int CONTROL_PAYLOAD_BYTES = 4096 + 256;
  /** Heartbeat requests the server may send us, and other records to skip, before we give up on an answer. */
  static final int MAX_SKIPPED_RECORDS = 64;

  /** The first bytes of each payload, compared to tell the two answers apart. */
  private static final int MARKER_PREFIX = 16;

  private final ProtocolVersion version;
  private final Bytes probePayload;
  private final Bytes probePadding;
  private final Bytes controlPayload;
  private final List<String> evidence = new ArrayList<>();
  private int skipped;

  /** Records of {@code version}; {@code random} draws the two markers and the probe's padding. */
  public HeartbeatOracle(ProtocolVersion version, RandomGenerator random) {
    this.version = version;
    this.probePayload = randomBytes(random, PROBE_PAYLOAD_BYTES);
    this.probePadding = randomBytes(random, PROBE_PADDING_BYTES);
    Bytes control = randomBytes(random, CONTROL_PAYLOAD_BYTES);
    if (control.startsWith(probePayload.slice(0, MARKER_PREFIX))) {
      control = Bytes.repeat(0x5a, CONTROL_PAYLOAD_BYTES); // astronomically unlikely; keeps the markers apart
    }
    this.controlPayload = control;
  }

  /** The probe record followed by the control record, to be written in one go. */
  public byte[] requests() {
    List<byte[]> messages = requestMessages(false);
    byte[] probeRecord = new TlsRecord(ContentType.HEARTBEAT, version, Bytes.of(messages.get(0))).toByteArray();
    byte[] controlRecord = new TlsRecord(ContentType.HEARTBEAT, version, Bytes.of(messages.get(1))).toByteArray();
    byte[] both = Arrays.copyOf(probeRecord, probeRecord.length + controlRecord.length);
    System.arraycopy(controlRecord, 0, both, probeRecord.length, controlRecord.length);
    return both;
  }

  /**
   * The probe's and the control's heartbeat messages, unframed, for a caller that protects each in its own record
   * after the handshake ({@code encrypted} says so in the evidence).
   */
  public List<byte[]> requestMessages(boolean encrypted) {
    HeartbeatMessage probe = new HeartbeatMessage(HeartbeatMessageType.REQUEST, probePayload, probePadding);
    byte[] malformed = HeartbeatProbe.withDeclaredPayloadLength(probe, declaredProbeLength());
    byte[] control = HeartbeatMessage.request(controlPayload).toByteArray();
    evidence.add((encrypted ? "after the handshake, encrypted, sent" : "sent") + " a heartbeat request in a "
        + malformed.length + "-byte record declaring payload_length " + declaredProbeLength() + " (" + OVERREAD_BYTES
        + " bytes past the record), then a well-formed one with a " + CONTROL_PAYLOAD_BYTES + "-byte payload");
    return List.of(malformed, control);
  }

  /** payload_length of the probe: our payload and padding, then bytes that only the server's memory can supply. */
  public static int declaredProbeLength() {
    return PROBE_PAYLOAD_BYTES + PROBE_PADDING_BYTES + OVERREAD_BYTES;
  }

  /** Reads answers until one decides; a connection failure becomes INCONCLUSIVE of the failure's kind. */
  ProbeOutcome read(TlsConnection connection) {
    return read(connection, null);
  }

  /**
   * Reads answers inside {@code session}, opening each protected record before judging it (null: plaintext
   * records, before the handshake).
   */
  ProbeOutcome read(TlsConnection connection, TlsSession session) {
    while (true) {
      TlsRecord record;
      try {
        record = connection.readRecord();
        if (session != null) {
          record = new TlsRecord(record.type(), record.version(), session.open(record));
        }
      } catch (TlsException e) {
        return inconclusive(Failure.PROTOCOL,
            "after the heartbeat requests, a protected record that does not open: " + e.getMessage());
      } catch (ScanFailure f) {
        return unanswered(f.failure(), switch (f.failure()) {
          case TIMEOUT -> "no answer to either heartbeat request before the deadline (" + f.getMessage() + ")";
          case CLOSED -> "the server closed the connection after the heartbeat requests, answering neither";
          default -> "after the heartbeat requests: " + f.getMessage();
        });
      }
      ProbeOutcome outcome = answer(record.type(), record.fragment());
      if (outcome != null) {
        return outcome;
      }
    }
  }

  /**
   * The read rule for one record that came after the requests, over TLS or DTLS: a heartbeat is judged
   * ({@link #judge}); an alert, application data or a ChangeCipherSpec ends the probe without a verdict; a handshake
   * record (a HelloRequest, a retransmitted flight) is no answer, and null says to read on, up to
   * {@value #MAX_SKIPPED_RECORDS} such records.
   */
  public ProbeOutcome answer(ContentType type, Bytes fragment) {
    ProbeOutcome outcome = switch (type) {
      case HEARTBEAT -> judge(fragment);
      case ALERT -> inconclusive(Failure.ALERT,
          "the server answered the heartbeat requests with alert " + describeAlert(fragment));
      case APPLICATION_DATA, CHANGE_CIPHER_SPEC ->
          inconclusive(Failure.PROTOCOL, "the server answered the heartbeat requests with a " + type + " record");
      case HANDSHAKE -> null;
    };
    return outcome != null ? outcome : notAnAnswer();
  }

  /**
   * Counts a record that is no answer and that the caller skipped itself (DTLS: a record of an epoch we never
   * agreed); null to read on, or INCONCLUSIVE once more than {@value #MAX_SKIPPED_RECORDS} came.
   */
  public ProbeOutcome notAnAnswer() {
    if (++skipped > MAX_SKIPPED_RECORDS) {
      return inconclusive(Failure.LIMIT,
          "more than " + MAX_SKIPPED_RECORDS + " records after the heartbeat requests, none an answer");
    }
    return null;
  }

  /** Reading ended before an answer decided: INCONCLUSIVE of {@code failure}'s kind, with the reason. */
  public ProbeOutcome unanswered(Failure failure, String reason) {
    return inconclusive(failure, reason);
  }

  /**
   * Decides on one heartbeat record's fragment, or returns null when it is the peer's own request (not an answer).
   * For callers that read records themselves (client-test reads a client's records); they own the other record types.
   */
  public ProbeOutcome judge(Bytes fragment) {
    byte[] bytes = fragment.toByteArray();
    HeartbeatFrame frame = HeartbeatFrame.peek(bytes, 0, bytes.length);
    if (frame == null) {
      return inconclusive(Failure.PROTOCOL,
          "a heartbeat record of " + bytes.length + " bytes, too short for a heartbeat message");
    }
    if (frame.type() == HeartbeatMessageType.REQUEST) {
      return null;
    }
    if (frame.type() != HeartbeatMessageType.RESPONSE) {
      return inconclusive(Failure.PROTOCOL, "a heartbeat record of unknown type " + frame.typeCode());
    }
    int present = Math.min(frame.declaredPayloadLength(), bytes.length - HeartbeatFrame.HEADER_LENGTH);
    String shape = "a heartbeat response declaring payload_length " + frame.declaredPayloadLength() + " in a "
        + bytes.length + "-byte record";
    if (echoes(bytes, probePayload, MARKER_PREFIX)) {
      return judgeProbeAnswer(bytes, frame, present, shape);
    }
    if (echoes(bytes, controlPayload, MARKER_PREFIX)) {
      if (frame.declaredPayloadLength() == CONTROL_PAYLOAD_BYTES && present == CONTROL_PAYLOAD_BYTES
          && echoes(bytes, controlPayload, CONTROL_PAYLOAD_BYTES)) {
        evidence.add(shape + ": the well-formed request's payload, exactly; the malformed request got no answer");
        return new ProbeOutcome(Verdict.NOT_VULNERABLE,
            "well-formed heartbeat answered, malformed one discarded: the 1.0.1g fix", List.copyOf(evidence), 0,
            Failure.NONE);
      }
      return inconclusive(Failure.PROTOCOL, shape + " echoing the well-formed request, but not exactly its "
          + CONTROL_PAYLOAD_BYTES + "-byte payload");
    }
    return inconclusive(Failure.PROTOCOL, shape + " echoing neither request");
  }

  private ProbeOutcome judgeProbeAnswer(byte[] bytes, HeartbeatFrame frame, int present, String shape) {
    int sent = PROBE_PAYLOAD_BYTES + PROBE_PADDING_BYTES;
    boolean echoedAllSent = present >= sent && echoes(bytes, probePayload, PROBE_PAYLOAD_BYTES)
        && echoesAt(bytes, HeartbeatFrame.HEADER_LENGTH + PROBE_PAYLOAD_BYTES, probePadding);
    if (!echoedAllSent) {
      return inconclusive(Failure.PROTOCOL,
          shape + " that starts like the malformed request but does not echo all " + sent + " bytes we sent");
    }
    int pastRecord = present - sent;
    // The answer must be shaped like a response (payload, then padding: RFC 6520 section 4), or the "extra" bytes
    // could be the server's own padding behind a mislabelled length.
    boolean wellShaped = frame.declaredPayloadLength() == declaredProbeLength()
        && bytes.length >= HeartbeatFrame.HEADER_LENGTH + frame.declaredPayloadLength() + HeartbeatFrame.MIN_PADDING;
    if (pastRecord > 0 && wellShaped) {
      evidence.add(shape + ": the " + sent + " bytes we sent, then " + pastRecord
          + " bytes from past the end of our request (counted, not kept)");
      return new ProbeOutcome(Verdict.VULNERABLE,
          "returned " + pastRecord + " bytes of memory from past the heartbeat request (CVE-2014-0160)",
          List.copyOf(evidence), pastRecord, Failure.NONE);
    }
    if (pastRecord == 0) {
      return inconclusive(Failure.PROTOCOL, shape + ": the malformed request answered with only the bytes it held;"
          + " neither the 1.0.1f over-read nor the 1.0.1g discard");
    }
    return inconclusive(Failure.PROTOCOL, shape + ": more than we sent, but not shaped like a heartbeat response"
        + " (payload_length " + frame.declaredPayloadLength() + " expected " + declaredProbeLength() + " with 16 bytes of padding)");
  }

  private ProbeOutcome inconclusive(Failure failure, String reason) {
    evidence.add(reason);
    return new ProbeOutcome(Verdict.INCONCLUSIVE, reason, List.copyOf(evidence), 0, failure);
  }

  /** Whether the response's payload starts with the first {@code byteCount} bytes of {@code payload}. */
  private static boolean echoes(byte[] response, Bytes payload, int byteCount) {
    return echoesAt(response, HeartbeatFrame.HEADER_LENGTH, payload.slice(0, byteCount));
  }

  private static boolean echoesAt(byte[] response, int offset, Bytes expected) {
    if (response.length < offset + expected.size()) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      if ((response[offset + i] & 0xff) != expected.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static String describeAlert(Bytes fragment) {
    try {
      return Alert.parse(fragment).toString();
    } catch (AlertException e) {
      return "(malformed: " + e.getMessage() + ")";
    }
  }

  private static Bytes randomBytes(RandomGenerator random, int byteCount) {
    byte[] b = new byte[byteCount];
    random.nextBytes(b);
    return Bytes.of(b);
  }

  /**
   * What the oracle concluded: the verdict, its reason, what was seen, how many bytes leaked, and why there is no
   * verdict ({@link Failure#NONE} exactly when there is one), which the check passes on as its result's kind.
   */
  public record ProbeOutcome(Verdict verdict, String reason, List<String> evidence, long bytesLeaked, Failure failure) {
    public ProbeOutcome {
      if (failure == null || (failure == Failure.NONE) != (verdict != Verdict.INCONCLUSIVE)) {
        throw new IllegalArgumentException("a " + verdict + " outcome has failure kind " + failure);
      }
      evidence = List.copyOf(evidence);
    }

    /** The same outcome with {@code before} ahead of its evidence: what the caller saw before the oracle did. */
    public ProbeOutcome after(List<String> before) {
      List<String> all = new ArrayList<>(before);
      all.addAll(evidence);
      return new ProbeOutcome(verdict, reason, all, bytesLeaked, failure);
    }
  }
}
