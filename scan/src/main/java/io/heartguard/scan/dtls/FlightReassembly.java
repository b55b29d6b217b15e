package io.heartguard.scan.dtls;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.DtlsHandshakeHeader;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's flight put back together from DTLS handshake fragments (RFC 6347 section 4.2.3): fragments arrive in
 * any order, split over records and datagrams, duplicated by retransmission; each is placed by message_seq and
 * fragment_offset. The flight is whole when a ServerHello, a ServerHelloDone and every message_seq between them are.
 * Everything is bounded: a message's declared length, the number of messages, the bytes reserved in all.
 */
final class FlightReassembly {
  /** A certificate chain is at most a few tens of KB; TCP's limit for one message. */
  static final int MAX_MESSAGE_BYTES = 256 * 1024;
  /** Distinct message_seq values kept. */
  static final int MAX_MESSAGES = 32;
  /** Bytes reserved for all messages together. */
  static final long MAX_TOTAL_BYTES = 1L << 20;

  private final Map<Integer, Partial> bySeq = new TreeMap<>();
  private long reserved;

  /** One message being filled in. */
  private static final class Partial {
    final int typeCode;
    final byte[] body;
    final BitSet have;

    Partial(int typeCode, int length) {
      this.typeCode = typeCode;
      this.body = new byte[length];
      this.have = new BitSet(length);
    }

    boolean complete() {
      return have.cardinality() == body.length;
    }
  }

  /** Places one fragment; a duplicate or overlapping one keeps the bytes already placed. */
  void add(DtlsHandshakeFragment fragment) throws DtlsFailure {
    DtlsHandshakeHeader h = fragment.header();
    Partial partial = bySeq.get(h.messageSeq());
    if (partial == null) {
      if (h.length() > MAX_MESSAGE_BYTES) {
        throw new DtlsFailure(DtlsFailure.Kind.LIMIT, "handshake message_seq " + h.messageSeq() + " declares "
            + h.length() + " bytes, over the limit of " + MAX_MESSAGE_BYTES);
      }
      if (bySeq.size() >= MAX_MESSAGES) {
        throw new DtlsFailure(DtlsFailure.Kind.LIMIT, "more than " + MAX_MESSAGES
            + " handshake messages in the flight");
      }
      if (reserved + h.length() > MAX_TOTAL_BYTES) {
        throw new DtlsFailure(DtlsFailure.Kind.LIMIT, "the flight's messages declare more than " + MAX_TOTAL_BYTES
            + " bytes in all");
      }
      reserved += h.length();
      partial = new Partial(h.typeCode(), h.length());
      bySeq.put(h.messageSeq(), partial);
    } else if (partial.typeCode != h.typeCode() || partial.body.length != h.length()) {
      // RFC 6347 section 4.2.3: every fragment of a message repeats its msg_type and length.
      throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "message_seq " + h.messageSeq() + ": a fragment of type "
          + h.typeCode() + " and length " + h.length() + " after fragments of type " + partial.typeCode
          + " and length " + partial.body.length);
    }
    int from = h.fragmentOffset();
    byte[] bytes = fragment.body().toByteArray();
    for (int i = partial.have.nextClearBit(from); i < from + bytes.length; i = partial.have.nextClearBit(i + 1)) {
      partial.body[i] = bytes[i - from];
    }
    partial.have.set(from, from + bytes.length);
  }

  /** Whether a ServerHello has been received whole. */
  boolean hasServerHello() {
    return seqOf(HandshakeType.SERVER_HELLO) >= 0;
  }

  /** The flight from ServerHello to ServerHelloDone, in message_seq order, when all of it is here; null otherwise. */
  List<HandshakeMessage> flight() {
    int hello = seqOf(HandshakeType.SERVER_HELLO);
    int done = seqOf(HandshakeType.SERVER_HELLO_DONE);
    if (hello < 0 || done < hello) {
      return null;
    }
    List<HandshakeMessage> messages = new ArrayList<>();
    for (int seq = hello; seq <= done; seq++) {
      Partial p = bySeq.get(seq);
      if (p == null || !p.complete()) {
        return null;
      }
      messages.add(new HandshakeMessage(p.typeCode, Bytes.of(p.body)));
    }
    return messages;
  }

  /** A summary of what is missing, for a reason: "message_seq 2 at 1400 of 3021 bytes". */
  String progress() {
    List<String> parts = new ArrayList<>();
    bySeq.forEach((seq, p) -> parts.add("message_seq " + seq + " (type " + p.typeCode + ") "
        + p.have.cardinality() + " of " + p.body.length + " bytes"));
    return parts.isEmpty() ? "no handshake message" : String.join(", ", parts);
  }

  private int seqOf(HandshakeType type) {
    for (Map.Entry<Integer, Partial> e : bySeq.entrySet()) {
      if (e.getValue().typeCode == type.code() && e.getValue().complete()) {
        return e.getKey();
      }
    }
    return -1;
  }
}
