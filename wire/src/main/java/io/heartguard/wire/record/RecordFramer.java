package io.heartguard.wire.record;

/**
 * Where records begin, decided as OpenSSL 1.0.1f decides it: the one place heartguard's guard, sensor, scanner and
 * lab ask whether bytes start a TLS or DTLS record, and how a TLS stream opens. A monitor that frames a stream
 * differently from the server it protects can be shown one message while the server reads another (issue 12).
 *
 * <p>The rule for a TLS record header is {@code ssl3_get_record}'s: major version 3, a length the read buffer
 * holds. While the ClientHello is read ({@code first_packet}) OpenSSL takes any minor version, and it frames a record
 * of any content type before {@code ssl3_read_bytes} looks at the type, so this rule takes any minor and any type
 * too. A stream opens as {@code ssl23_get_client_hello} (s23_srvr.c) reads its first eleven bytes: a TLS record
 * carrying a ClientHello, or an SSLv2-compatible ClientHello with the 2-byte header, after which TLS records start
 * exactly at 2 + its length.
 *
 * <p>Where this framer and 1.0.1f can still differ, and why it does not matter:
 * <ul>
 *   <li>After the ClientHello, {@code ssl3_get_record} wants the negotiated version exactly; this rule takes any
 *       minor. OpenSSL stops the connection at such a record with a fatal alert and reads nothing after it, so
 *       framing on past it cannot show a monitor anything the server acts on.
 *   <li>{@code ssl3_get_record} refuses records over 2^14 + 1024 bytes (SSL3_RT_MAX_ENCRYPTED_LENGTH), fatally;
 *       this rule allows the 2^14 + 2048 of RFC 5246 section 6.2.3 so that other stacks are framed too. Same
 *       reasoning: nothing after such a record is read by 1.0.1f.
 *   <li>Zero-length records are framed here and skipped by {@code ssl3_get_record} ({@code goto again}); users of
 *       this framer must let them change no state.
 * </ul>
 */
public final class RecordFramer {
  /** {@code ssl23_get_client_hello} reads this many bytes before it decides how the stream opens (buf_space[11]). */
  public static final int OPENING_BYTES = 11;
  /** The SSLv2 record header's 2-byte form: length with the top bit set (SSLv2 spec, "record header"). */
  public static final int SSL2_HEADER_LENGTH = 2;
  /** s23_srvr.c: an SSLv2-compatible hello longer than 1024 * 4 is SSL_R_RECORD_TOO_LARGE. */
  public static final int SSL2_HELLO_MAX = 1024 * 4;
  /** s23_srvr.c: shorter than 9 is SSL_R_RECORD_LENGTH_MISMATCH (the three 2-byte lengths and type, version). */
  public static final int SSL2_HELLO_MIN = 9;
  /** The longest record this framer places: RFC 5246 section 6.2.3, 2^14 + 2048. */
  public static final int MAX_RECORD_LENGTH = RecordHeader.MAX_CIPHERTEXT;

  private static final int SSL2_MT_CLIENT_HELLO = 1;
  private static final int SSL3_MT_CLIENT_HELLO = 1;
  private static final int TLS_MAJOR = 3;
  private static final int DTLS_MAJOR = 0xfe;

  private RecordFramer() {}

  /**
   * The rule: whether the five bytes at {@code offset} are a TLS record header that {@code ssl3_get_record} reads
   * (major version 3, any minor, any content type, a length up to {@link #MAX_RECORD_LENGTH}). False when fewer than
   * five bytes remain.
   */
  public static boolean isTlsHeader(byte[] b, int offset) {
    return offset >= 0 && b.length - offset >= RecordHeader.LENGTH && b[offset + 1] == TLS_MAJOR
        && length(b, offset + 3) <= MAX_RECORD_LENGTH;
  }

  /**
   * Whether the first {@code available} bytes at {@code offset} (fewer than five) can still grow into a header
   * {@link #isTlsHeader} accepts, so that waiting for the rest is worth it.
   */
  public static boolean couldStartTlsHeader(byte[] b, int offset, int available) {
    if (available >= 2 && b[offset + 1] != TLS_MAJOR) {
      return false;
    }
    return available < 4 || (b[offset + 3] & 0xff) <= MAX_RECORD_LENGTH >>> 8;
  }

  /**
   * The rule, narrowed for a search without a known boundary (after a gap, mid-stream): a header {@link
   * #isTlsHeader} accepts whose content type TLS defines (20..24), whose version is SSLv3..TLS 1.2 and which carries
   * bytes. Records after the ClientHello carry the negotiated version, and 1.0.1f negotiates nothing newer than TLS
   * 1.2; the narrowing only keeps random bytes from being taken for a boundary, it never frames differently.
   */
  public static boolean isResyncCandidate(byte[] b, int offset) {
    if (!isTlsHeader(b, offset)) {
      return false;
    }
    int type = b[offset] & 0xff;
    return type >= 20 && type <= 24 && (b[offset + 2] & 0xff) <= 3 && length(b, offset + 3) > 0;
  }

  /**
   * The rule for one DTLS record header inside a datagram, as {@code dtls1_get_record} (d1_pkt.c) reads it: major
   * version 0xfe ({@code (version & 0xff00) != (s->version & 0xff00)} discards the rest of the datagram), any minor
   * (before the first record is read, {@code first_packet}), a length up to 2^14 + 2048, a content type 20..24
   * ({@code dtls1_read_bytes} sends unexpected_message on any other for DTLS). False when fewer than thirteen bytes
   * remain. 1.0.1f also discards a record the datagram does not hold whole and one over 2^14 + 1024; both end what
   * it reads of that datagram.
   */
  public static boolean isDtlsHeader(byte[] b, int offset) {
    if (offset < 0 || b.length - offset < DtlsRecordHeader.LENGTH) {
      return false;
    }
    int type = b[offset] & 0xff;
    return type >= 20 && type <= 24 && (b[offset + 1] & 0xff) == DTLS_MAJOR
        && length(b, offset + 11) <= MAX_RECORD_LENGTH;
  }

  /** How a client's byte stream opens, as {@code ssl23_get_client_hello} reads it. */
  public enum OpeningKind {
    /** Fewer bytes than the decision needs: wait (s23_srvr.c reads eleven). */
    MORE_BYTES_NEEDED,
    /** A TLS record holding a ClientHello: records from the first byte. */
    TLS_RECORDS,
    /** An SSLv3/TLS ClientHello in an SSLv2 2-byte header ("type 2"): TLS records follow at {@code length}. */
    SSL2_COMPATIBLE_HELLO,
    /** A real SSLv2 ClientHello (version 0x0002): the session, if any, is SSLv2, which has no heartbeat. */
    SSL2_HELLO,
    /** Anything else: 1.0.1f ends the connection (SSL_R_UNKNOWN_PROTOCOL, SSL_R_HTTP_REQUEST and kin). */
    REFUSED
  }

  /**
   * How a stream opens. {@code length} is, for {@link OpeningKind#SSL2_COMPATIBLE_HELLO}, the bytes of the hello
   * with its header (2 + its 15-bit length), where the first TLS record starts; 0 otherwise. {@code reason} says
   * why for {@link OpeningKind#REFUSED}, else it is empty.
   */
  public record Opening(OpeningKind kind, int length, String reason) {
    static final Opening MORE = new Opening(OpeningKind.MORE_BYTES_NEEDED, 0, "");
    static final Opening TLS = new Opening(OpeningKind.TLS_RECORDS, 0, "");

    static Opening refused(String reason) {
      return new Opening(OpeningKind.REFUSED, 0, reason);
    }
  }

  /**
   * How the client's stream starting at {@code offset} opens, from its first {@code available} bytes. Decides as
   * soon as the bytes allow (a first byte that neither form has is refused at once) and never changes its answer
   * once given: more bytes only turn {@link OpeningKind#MORE_BYTES_NEEDED} into an answer.
   */
  public static Opening clientOpening(byte[] b, int offset, int available) {
    if (available < 1) {
      return Opening.MORE;
    }
    int first = b[offset] & 0xff;
    if ((first & 0x80) != 0) {
      return ssl2Opening(b, offset, available);
    }
    if (first != ContentType.HANDSHAKE.code()) {
      return Opening.refused(String.format("first byte 0x%02x starts neither a TLS handshake record (0x16) nor an"
          + " SSLv2 2-byte header (top bit set)%s", first, threeByteHeaderNote(first)));
    }
    if (available >= 2 && b[offset + 1] != TLS_MAJOR) {
      return Opening.refused(String.format("handshake record with major version 0x%02x (ssl23_get_client_hello"
          + " wants 3)", b[offset + 1] & 0xff));
    }
    if (available >= 6 && b[offset + 5] != SSL3_MT_CLIENT_HELLO) {
      return Opening.refused(String.format("first handshake message type %d is not ClientHello (1)",
          b[offset + 5] & 0xff));
    }
    if (available < OPENING_BYTES) {
      return Opening.MORE;
    }
    int recordLength = length(b, offset + 3);
    // s23_srvr.c: ((p[3] == 0 && p[4] < 5) || (p[9] >= p[1])), then p[3] == 0 && p[4] < 6 is SSL_R_RECORD_TOO_SMALL.
    if (recordLength < 6) {
      return Opening.refused("ClientHello record of " + recordLength + " bytes (s23_srvr.c wants at least 6)");
    }
    if ((b[offset + 9] & 0xff) < TLS_MAJOR) {
      return Opening.refused(String.format("ClientHello client_version major 0x%02x is below 3",
          b[offset + 9] & 0xff));
    }
    if (recordLength > MAX_RECORD_LENGTH) {
      return Opening.refused("ClientHello record of " + recordLength + " bytes exceeds 2^14 + 2048");
    }
    return Opening.TLS;
  }

  /** The 2-byte SSLv2 header form: {@code (p[0] & 0x80) && (p[2] == SSL2_MT_CLIENT_HELLO)} in s23_srvr.c. */
  private static Opening ssl2Opening(byte[] b, int offset, int available) {
    if (available < 3) {
      return Opening.MORE;
    }
    if (b[offset + 2] != SSL2_MT_CLIENT_HELLO) {
      return Opening.refused(String.format("SSLv2 header with message type %d, not CLIENT-HELLO (1)",
          b[offset + 2] & 0xff));
    }
    if (available < OPENING_BYTES) {
      return Opening.MORE;
    }
    int major = b[offset + 3] & 0xff;
    int minor = b[offset + 4] & 0xff;
    if (major == 0 && minor == 2) {
      return new Opening(OpeningKind.SSL2_HELLO, 0, "");
    }
    if (major != TLS_MAJOR) {
      return Opening.refused(String.format("SSLv2-format ClientHello with version 0x%02x%02x (neither SSLv2 nor"
          + " 3.x)", major, minor));
    }
    int n = ((b[offset] & 0x7f) << 8) | (b[offset + 1] & 0xff);
    if (n > SSL2_HELLO_MAX || n < SSL2_HELLO_MIN) {
      return Opening.refused("SSLv2-compatible ClientHello of " + n + " bytes (s23_srvr.c takes 9.." + SSL2_HELLO_MAX
          + ")");
    }
    return new Opening(OpeningKind.SSL2_COMPATIBLE_HELLO, SSL2_HEADER_LENGTH + n, "");
  }

  /**
   * A first byte with the top two bits clear may open an SSLv2 3-byte header (escape bit clear, message type at
   * byte 3), a form 1.0.1f's ssl23_get_client_hello never accepts: it tests the 2-byte form and TLS only. Named in
   * the reason, decided on the first byte alone so that the answer never changes as bytes arrive.
   */
  private static String threeByteHeaderNote(int first) {
    return (first & 0xc0) == 0 ? "; nor does ssl23_get_client_hello accept an SSLv2 3-byte header" : "";
  }

  private static int length(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }
}
