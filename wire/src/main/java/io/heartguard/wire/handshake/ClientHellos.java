package io.heartguard.wire.handshake;

import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * ClientHellos shaped like a real client of 2014 (OpenSSL 1.0.1's s_client): a broad cipher list, server_name,
 * elliptic-curve extensions, session tickets, heartbeat peer_allowed_to_send, and signature_algorithms for TLS 1.2.
 * A server that filters odd-looking clients sees nothing unusual.
 */
public final class ClientHellos {
  /** secp256r1, secp384r1, secp521r1 and the rest OpenSSL 1.0.1 listed (RFC 4492 section 5.1.1). */
  private static final int[] CURVES = {14, 13, 25, 11, 12, 24, 9, 10, 22, 23, 8, 6, 7, 20, 21, 4, 5, 18, 19, 1, 2, 3, 15, 16, 17};
  /** RFC 5246 section 7.4.1.4.1 pairs (hash, signature), as OpenSSL 1.0.1 sent them. */
  private static final int[] SIGNATURE_ALGORITHMS = {
      0x0601, 0x0602, 0x0603, 0x0501, 0x0502, 0x0503, 0x0401, 0x0402, 0x0403,
      0x0301, 0x0302, 0x0303, 0x0201, 0x0202, 0x0203};

  private ClientHellos() {}

  /**
   * A 2014-era ClientHello for {@code version}; {@code serverName} may be null (no SNI is sent for an IP literal,
   * as RFC 6066 section 3 forbids literal addresses).
   */
  public static ClientHello like2014(ProtocolVersion version, String serverName, RandomGenerator random) {
    boolean tls12 = version.equals(ProtocolVersion.TLS1_2) || version.equals(ProtocolVersion.DTLS1_2);
    List<Integer> suites = new ArrayList<>();
    for (CipherSuite s : CipherSuite.OPENSSL_1_0_1_CLIENT) {
      // RFC 6347 section 4.1.2.2: RC4 MUST NOT be used with DTLS (a stream cipher cannot survive lost records).
      boolean rc4 = s.name().contains("_RC4_");
      if ((!s.tls12Only() || tls12) && !(rc4 && version.isDtls())) {
        suites.add(s.code());
      }
    }
    List<Extension> extensions = new ArrayList<>();
    String hostName = sniHostName(serverName);
    if (hostName != null && !version.equals(ProtocolVersion.SSL3_0)) {
      extensions.add(serverNameExtension(hostName));
    }
    if (!version.equals(ProtocolVersion.SSL3_0)) {
      extensions.add(new Extension(Extension.EC_POINT_FORMATS, Bytes.of((byte) 3, (byte) 0, (byte) 1, (byte) 2)));
      ByteWriter curves = new ByteWriter();
      for (int c : CURVES) {
        curves.writeUint16(c);
      }
      extensions.add(new Extension(Extension.SUPPORTED_GROUPS, new ByteWriter().writeVector16(curves.toBytes()).toBytes()));
      extensions.add(new Extension(Extension.SESSION_TICKET, Bytes.EMPTY));
      if (version.equals(ProtocolVersion.TLS1_2) || version.equals(ProtocolVersion.DTLS1_2)) {
        ByteWriter algs = new ByteWriter();
        for (int a : SIGNATURE_ALGORITHMS) {
          algs.writeUint16(a);
        }
        extensions.add(new Extension(Extension.SIGNATURE_ALGORITHMS, new ByteWriter().writeVector16(algs.toBytes()).toBytes()));
      }
    }
    // Offered in an SSLv3 hello too: a 1.0.1 server parses hello extensions and answers heartbeats whatever the
    // version, and the extension lets it say whether it supports them.
    extensions.add(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension());
    byte[] rnd = new byte[32];
    random.nextBytes(rnd);
    return new ClientHello(version, Bytes.of(rnd), Bytes.EMPTY, Bytes.EMPTY, suites, List.of(0), extensions);
  }

  public static Extension serverNameExtension(String hostName) {
    Bytes name = Bytes.of(hostName.getBytes(StandardCharsets.US_ASCII));
    ByteWriter entry = new ByteWriter().writeUint8(0).writeVector16(name);
    return new Extension(Extension.SERVER_NAME, new ByteWriter().writeVector16(entry.toBytes()).toBytes());
  }

  static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
  }

  /**
   * The host_name to send for {@code serverName}, or null when none may be sent. RFC 6066 section 3: a fully
   * qualified DNS name in ASCII (an IDN as its A-label), without a trailing dot, and never a literal address.
   */
  public static String sniHostName(String serverName) {
    if (serverName == null) {
      return null;
    }
    String name = serverName.endsWith(".") ? serverName.substring(0, serverName.length() - 1) : serverName;
    if (name.isEmpty() || isIpLiteral(name)) {
      return null;
    }
    try {
      name = java.net.IDN.toASCII(name, java.net.IDN.ALLOW_UNASSIGNED);
    } catch (IllegalArgumentException notADnsName) {
      return null;
    }
    // A DNS name is at most 253 characters in text form (RFC 1035 section 2.3.4, less the root's dot and length).
    return name.isEmpty() || name.length() > 253 ? null : name;
  }
}
