package io.heartguard.lab;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.heartbeat.HeartbeatMessageType;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What OpenSSL's {@code tls1_process_heartbeat} does with one plaintext heartbeat record, in 1.0.1f and in 1.0.1g.
 * It only decides and builds the response message; framing it into records and the write buffer are the caller's.
 */
final class HeartbeatResponder {
  private final LabMode mode;
  private final FakeMemory memory;
  private final RandomGenerator paddingSource;

  HeartbeatResponder(LabMode mode, FakeMemory memory, RandomGenerator paddingSource) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.memory = Objects.requireNonNull(memory, "memory");
    this.paddingSource = Objects.requireNonNull(paddingSource, "paddingSource");
  }

  /** What happened to one heartbeat record. */
  enum Outcome {
    /** A request was answered with {@link Reply#message}. */
    ANSWERED,
    /** 1.0.1g: the record cannot hold type, payload_length and 16 bytes of padding at all. */
    DISCARDED_TOO_SHORT,
    /** 1.0.1g: payload_length leaves no room for 16 bytes of padding (RFC 6520 section 4). */
    DISCARDED_PAYLOAD_TOO_LONG,
    /** RFC 6520 section 3: a type other than request or response is discarded silently. */
    DISCARDED_UNKNOWN_TYPE,
    /** A heartbeat_response: we never sent a request, so there is nothing to match it with. */
    IGNORED_RESPONSE,
    /** A zero-length record, which 1.0.1f's record layer skips before heartbeat code sees it. */
    IGNORED_EMPTY
  }

  /**
   * The decision on one record: the type and payload_length as the code read them (in vulnerable mode possibly from
   * past the record), and the response message when answered. {@code overreadBytes} is how much of the response
   * came from outside the request record — memory the peer never sent.
   */
  record Reply(Outcome outcome, int typeCode, int declaredPayloadLength, int recordLength, byte[] message,
      int overreadBytes) {
    boolean answered() {
      return outcome == Outcome.ANSWERED;
    }
  }

  Reply respond(byte[] record) {
    return mode == LabMode.VULNERABLE ? respondLike101f(record) : respondLike101g(record);
  }

  /**
   * 1.0.1f: {@code hbtype = *p++; n2s(p, payload); pl = p;} then {@code memcpy(bp, pl, payload)} with no check at
   * all, so type, length and payload are read through memory that runs on past the record into the heap.
   */
  private Reply respondLike101f(byte[] record) {
    if (record.length == 0) {
      return new Reply(Outcome.IGNORED_EMPTY, -1, -1, 0, null, 0);
    }
    int type = memory.byteAt(record, 0);
    int payloadLength = (memory.byteAt(record, 1) << 8) | memory.byteAt(record, 2);
    if (type == HeartbeatMessageType.REQUEST.code()) {
      byte[] payload = memory.read(record, HeartbeatFrame.HEADER_LENGTH, payloadLength);
      byte[] message = encodeResponse(payload);
      int overread = Math.max(0, HeartbeatFrame.HEADER_LENGTH + payloadLength - record.length);
      return new Reply(Outcome.ANSWERED, type, payloadLength, record.length, message, overread);
    }
    return notARequest(type, payloadLength, record.length);
  }

  /** 1.0.1g: the two added checks from the fix, both ending in a silent discard (RFC 6520 section 4). */
  private Reply respondLike101g(byte[] record) {
    if (HeartbeatFrame.HEADER_LENGTH + HeartbeatFrame.MIN_PADDING > record.length) {
      HeartbeatFrame frame = HeartbeatFrame.peek(record, 0, record.length);
      return new Reply(Outcome.DISCARDED_TOO_SHORT, frame == null ? -1 : frame.typeCode(),
          frame == null ? -1 : frame.declaredPayloadLength(), record.length, null, 0);
    }
    HeartbeatFrame frame = HeartbeatFrame.peek(record, 0, record.length);
    if (!frame.fitsWithPadding()) {
      return new Reply(Outcome.DISCARDED_PAYLOAD_TOO_LONG, frame.typeCode(), frame.declaredPayloadLength(),
          record.length, null, 0);
    }
    if (frame.type() == HeartbeatMessageType.REQUEST) {
      byte[] payload = Bytes.of(record, HeartbeatFrame.HEADER_LENGTH, frame.declaredPayloadLength()).toByteArray();
      return new Reply(Outcome.ANSWERED, frame.typeCode(), frame.declaredPayloadLength(), record.length,
          encodeResponse(payload), 0);
    }
    return notARequest(frame.typeCode(), frame.declaredPayloadLength(), record.length);
  }

  private static Reply notARequest(int type, int payloadLength, int recordLength) {
    Outcome outcome = type == HeartbeatMessageType.RESPONSE.code() ? Outcome.IGNORED_RESPONSE : Outcome.DISCARDED_UNKNOWN_TYPE;
    return new Reply(outcome, type, payloadLength, recordLength, null, 0);
  }

  /**
   * type heartbeat_response, payload_length, the payload, 16 random padding bytes — built by hand because a leaked
   * payload may make the message longer than {@link HeartbeatMessage} allows; the caller splits it into records.
   */
  private byte[] encodeResponse(byte[] payload) {
    byte[] message = new byte[HeartbeatFrame.HEADER_LENGTH + payload.length + HeartbeatFrame.MIN_PADDING];
    message[0] = (byte) HeartbeatMessageType.RESPONSE.code();
    message[1] = (byte) (payload.length >>> 8);
    message[2] = (byte) payload.length;
    System.arraycopy(payload, 0, message, HeartbeatFrame.HEADER_LENGTH, payload.length);
    byte[] padding = new byte[HeartbeatFrame.MIN_PADDING];
    paddingSource.nextBytes(padding);
    System.arraycopy(padding, 0, message, HeartbeatFrame.HEADER_LENGTH + payload.length, padding.length);
    return message;
  }
}
