package io.heartguard.wire.record;

/** A record or hello version as it appears on the wire: two bytes, major then minor. */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {
  public static final ProtocolVersion SSL3_0 = new ProtocolVersion(3, 0);
  public static final ProtocolVersion TLS1_0 = new ProtocolVersion(3, 1);
  public static final ProtocolVersion TLS1_1 = new ProtocolVersion(3, 2);
  public static final ProtocolVersion TLS1_2 = new ProtocolVersion(3, 3);
  /** DTLS versions are the one's complement of the TLS version they derive from (RFC 6347 section 4.1). */
  public static final ProtocolVersion DTLS1_0 = new ProtocolVersion(0xfe, 0xff);
  public static final ProtocolVersion DTLS1_2 = new ProtocolVersion(0xfe, 0xfd);

  public ProtocolVersion {
    if (major < 0 || major > 0xff || minor < 0 || minor > 0xff) {
      throw new IllegalArgumentException("version bytes must be 0..255, got " + major + "." + minor);
    }
  }

  public static ProtocolVersion fromCode(int code) {
    return new ProtocolVersion((code >>> 8) & 0xff, code & 0xff);
  }

  public int code() {
    return (major << 8) | minor;
  }

  public boolean isDtls() {
    return major == 0xfe;
  }

  /** SSLv3 to TLS 1.2, the versions Heartbleed can be reached through over TCP. */
  public boolean isTlsUpTo12() {
    return major == 3 && minor <= 3;
  }

  /** Orders TLS versions by age, and DTLS versions among themselves (a lower DTLS code is newer). */
  @Override
  public int compareTo(ProtocolVersion o) {
    return isDtls() && o.isDtls() ? Integer.compare(o.code(), code()) : Integer.compare(code(), o.code());
  }

  /** The name people use: "TLSv1.2", "SSLv3", "DTLSv1.0". */
  public String displayName() {
    return switch (code()) {
      case 0x0300 -> "SSLv3";
      case 0x0301 -> "TLSv1.0";
      case 0x0302 -> "TLSv1.1";
      case 0x0303 -> "TLSv1.2";
      case 0x0304 -> "TLSv1.3";
      case 0xfeff -> "DTLSv1.0";
      case 0xfefd -> "DTLSv1.2";
      default -> String.format("0x%04x", code());
    };
  }

  @Override
  public String toString() {
    return displayName();
  }
}
