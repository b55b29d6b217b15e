package io.heartguard.wire.alert;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.Bytes;

/**
 * A TLS alert (RFC 5246 section 7.2): level and description, two bytes. Names from RFC 5246 section 7.2, RFC 6066
 * section 9 and RFC 7507 section 2; the level is kept as its code so that a monitor can report odd ones.
 */
public record Alert(int level, int description) {
  public static final int WARNING = 1;
  public static final int FATAL = 2;

  public static final int CLOSE_NOTIFY = 0;
  public static final int UNEXPECTED_MESSAGE = 10;
  public static final int BAD_RECORD_MAC = 20;
  public static final int HANDSHAKE_FAILURE = 40;
  public static final int ILLEGAL_PARAMETER = 47;
  public static final int DECODE_ERROR = 50;
  public static final int PROTOCOL_VERSION = 70;
  public static final int INSUFFICIENT_SECURITY = 71;
  public static final int INTERNAL_ERROR = 80;
  public static final int UNRECOGNIZED_NAME = 112;

  public Alert {
    if (level < 0 || level > 0xff || description < 0 || description > 0xff) {
      throw new IllegalArgumentException("alert level " + level + " and description " + description + " must be 0..255");
    }
  }

  public static Alert parse(Bytes fragment) throws AlertException {
    ByteReader<AlertException> r = new ByteReader<>(fragment.toByteArray(), 0, fragment.size(), AlertException::new);
    Alert alert = new Alert(r.readUint8("alert level"), r.readUint8("alert description"));
    r.requireExhausted("alert");
    return alert;
  }

  public Bytes toBytes() {
    return Bytes.of((byte) level, (byte) description);
  }

  public boolean isFatal() {
    return level == FATAL;
  }

  /** "fatal handshake_failure(40)". */
  @Override
  public String toString() {
    String lvl = level == WARNING ? "warning" : level == FATAL ? "fatal" : "level " + level;
    return lvl + " " + descriptionName(description) + "(" + description + ")";
  }

  public static String descriptionName(int description) {
    return switch (description) {
      case 0 -> "close_notify";
      case 10 -> "unexpected_message";
      case 20 -> "bad_record_mac";
      case 21 -> "decryption_failed";
      case 22 -> "record_overflow";
      case 30 -> "decompression_failure";
      case 40 -> "handshake_failure";
      case 41 -> "no_certificate";
      case 42 -> "bad_certificate";
      case 43 -> "unsupported_certificate";
      case 44 -> "certificate_revoked";
      case 45 -> "certificate_expired";
      case 46 -> "certificate_unknown";
      case 47 -> "illegal_parameter";
      case 48 -> "unknown_ca";
      case 49 -> "access_denied";
      case 50 -> "decode_error";
      case 51 -> "decrypt_error";
      case 60 -> "export_restriction";
      case 70 -> "protocol_version";
      case 71 -> "insufficient_security";
      case 80 -> "internal_error";
      case 86 -> "inappropriate_fallback";
      case 90 -> "user_canceled";
      case 100 -> "no_renegotiation";
      case 110 -> "unsupported_extension";
      case 111 -> "certificate_unobtainable";
      case 112 -> "unrecognized_name";
      case 113 -> "bad_certificate_status_response";
      case 114 -> "bad_certificate_hash_value";
      case 115 -> "unknown_psk_identity";
      default -> "alert";
    };
  }
}
