package io.heartguard.wire.handshake;

import io.heartguard.wire.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * One DTLS handshake fragment: its twelve-byte header (RFC 6347 section 4.2.2) and the message bytes from
 * fragment_offset to fragment_offset + fragment_length. A handshake record holds one or more of them back to back;
 * a message too large for one datagram is sent as several (RFC 6347 section 4.2.3).
 */
public record DtlsHandshakeFragment(DtlsHandshakeHeader header, Bytes body) {
  public DtlsHandshakeFragment {
    java.util.Objects.requireNonNull(header, "header");
    if (header.fragmentLength() != body.size()) {
      throw new IllegalArgumentException("fragment_length " + header.fragmentLength() + " but " + body.size()
          + " bytes given");
    }
  }

  /** The whole {@code message} as one fragment with {@code messageSeq}. */
  public static DtlsHandshakeFragment whole(HandshakeMessage message, int messageSeq) {
    int length = message.body().size();
    return new DtlsHandshakeFragment(
        new DtlsHandshakeHeader(message.typeCode(), length, messageSeq, 0, length), message.body());
  }

  /**
   * {@code message} cut into fragments of at most {@code maxBodyBytes} bytes each (at least one fragment, even for an
   * empty body), all with {@code messageSeq}: what a sender does to fit a message into its path MTU.
   */
  public static List<DtlsHandshakeFragment> split(HandshakeMessage message, int messageSeq, int maxBodyBytes) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("fragments must carry at least 1 byte, got " + maxBodyBytes);
    }
    Bytes body = message.body();
    List<DtlsHandshakeFragment> out = new ArrayList<>();
    int offset = 0;
    do {
      int n = Math.min(maxBodyBytes, body.size() - offset);
      out.add(new DtlsHandshakeFragment(new DtlsHandshakeHeader(message.typeCode(), body.size(), messageSeq, offset, n),
          body.slice(offset, offset + n)));
      offset += n;
    } while (offset < body.size());
    return out;
  }

  public int length() {
    return DtlsHandshakeHeader.LENGTH + body.size();
  }

  public byte[] toByteArray() {
    byte[] out = new byte[length()];
    header.writeTo(out, 0);
    body.copyTo(out, DtlsHandshakeHeader.LENGTH);
    return out;
  }

  /** The message this fragment is, when it is the whole of it; null for a partial fragment. */
  public HandshakeMessage asWholeMessage() {
    return header.isWholeMessage() ? new HandshakeMessage(header.typeCode(), body) : null;
  }

  /** Every fragment in a handshake record's fragment, in order; bytes that do not form whole fragments are refused. */
  public static List<DtlsHandshakeFragment> parseAll(Bytes recordFragment) throws HandshakeException {
    byte[] bytes = recordFragment.toByteArray();
    List<DtlsHandshakeFragment> out = new ArrayList<>();
    int at = 0;
    while (at < bytes.length) {
      DtlsHandshakeHeader header = DtlsHandshakeHeader.parse(bytes, at);
      int bodyAt = at + DtlsHandshakeHeader.LENGTH;
      if (header.fragmentLength() > bytes.length - bodyAt) {
        throw new HandshakeException("handshake fragment at offset " + at + " declares fragment_length "
            + header.fragmentLength() + " but the record holds only " + (bytes.length - bodyAt) + " more bytes");
      }
      out.add(new DtlsHandshakeFragment(header, Bytes.of(bytes, bodyAt, header.fragmentLength())));
      at = bodyAt + header.fragmentLength();
    }
    return out;
  }
}
