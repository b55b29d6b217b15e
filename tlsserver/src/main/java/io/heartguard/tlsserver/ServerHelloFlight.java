package io.heartguard.tlsserver;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordHeader;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How OpenSSL 1.0.1f answers a ClientHello as a plain-RSA server: the version, the cipher suite, the ServerHello
 * extensions, and the flight ServerHello, Certificate, ServerHelloDone, each message in its own record(s).
 */
public final class ServerHelloFlight {
  /**
   * Server preference, strongest first: RSA key exchange and RSA authentication only, so the flight needs no
   * ServerKeyExchange. The first four are TLS 1.2 suites (RFC 5246 appendix A.5) and are never chosen below it.
   */
  static final List<Integer> SUITES_TLS12 = List.of(0x009d, 0x003d, 0x009c, 0x003c);
  static final List<Integer> SUITES_ANY = List.of(0x0035, 0x0084, 0x002f, 0x0041, 0x0096, 0x0005, 0x0004, 0x000a);
  /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 section 3.3). */
  static final int RENEGOTIATION_SCSV = 0x00ff;

  private ServerHelloFlight() {}

  /** The lab's answer to a hello: a flight to send, or a fatal alert and the reason. */
  public sealed interface Answer permits Flight, Refusal {}

  /** {@code records}: one entry per handshake message, as OpenSSL writes them, each framed in its record(s). */
  public record Flight(ProtocolVersion version, int cipherSuite, boolean heartbeatAnnounced, List<byte[]> records)
      implements Answer {
    /** The random of the ServerHello the flight opens with (RFC 5246 section 7.4.1.3: after the 2-byte version). */
    public Bytes serverRandom() {
      return Bytes.of(records.getFirst(), RecordHeader.LENGTH + HandshakeMessage.HEADER_LENGTH + 2, 32);
    }
  }

  /** A fatal alert sent with the record version {@code version}, and why. */
  public record Refusal(ProtocolVersion version, Alert alert, String reason) implements Answer {}

  /**
   * OpenSSL 1.0.1f's answer to {@code hello} with {@code identity}'s chain. {@code Flight.records()} holds three
   * entries, ServerHello, Certificate and ServerHelloDone, each already framed in records of the chosen version.
   */
  public static Answer answer(ClientHello hello, ServerIdentity identity, RandomGenerator random) {
    ProtocolVersion offered = hello.version();
    if (offered.major() < 3) {
      return new Refusal(ProtocolVersion.SSL3_0, new Alert(Alert.FATAL, Alert.PROTOCOL_VERSION),
          "client_version " + offered + " is older than SSLv3");
    }
    // ssl3_get_client_hello / tls1 method selection: the client's version, capped at TLS 1.2.
    ProtocolVersion version = offered.compareTo(ProtocolVersion.TLS1_2) >= 0 ? ProtocolVersion.TLS1_2 : offered;
    int suite = chooseSuite(hello.cipherSuites(), version);
    if (suite < 0) {
      return new Refusal(version, new Alert(Alert.FATAL, Alert.HANDSHAKE_FAILURE),
          "no shared cipher: the client offered no RSA key exchange suite usable with " + version);
    }
    if (!hello.compressionMethods().contains(0)) {
      // RFC 5246 section 7.4.1.2: null compression MUST be offered.
      return new Refusal(version, new Alert(Alert.FATAL, Alert.DECODE_ERROR), "compression_methods lacks null (0)");
    }
    boolean secureRenegotiation = hello.cipherSuites().contains(RENEGOTIATION_SCSV)
        || hello.extension(Extension.RENEGOTIATION_INFO) != null;
    List<Extension> extensions = serverExtensions(hello, version, secureRenegotiation);
    boolean heartbeat = extensions.stream().anyMatch(e -> e.type() == Extension.HEARTBEAT);

    ServerHello serverHello = new ServerHello(version, serverRandom(random), randomBytes(random, 32), suite, 0, extensions);
    List<byte[]> records = new ArrayList<>();
    records.add(handshakeRecords(version, serverHello.toMessage()));
    records.add(handshakeRecords(version, new CertificateMessage(identity.chain()).toMessage()));
    records.add(handshakeRecords(version, new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY)));
    return new Flight(version, suite, heartbeat, records);
  }

  static int chooseSuite(List<Integer> offered, ProtocolVersion version) {
    return chooseSuite(offered, version.equals(ProtocolVersion.TLS1_2), true);
  }

  /**
   * The first of our suites the client offered, or -1: the 1.2-only suites first when {@code v12} (TLS or DTLS 1.2),
   * the RC4 suites only when {@code rc4} (DTLS forbids them, RFC 6347 section 4.1.2.2).
   */
  public static int chooseSuite(List<Integer> offered, boolean v12, boolean rc4) {
    if (v12) {
      for (int s : SUITES_TLS12) {
        if (offered.contains(s)) {
          return s;
        }
      }
    }
    for (int s : SUITES_ANY) {
      if (offered.contains(s) && (rc4 || !isRc4(s))) {
        return s;
      }
    }
    return -1;
  }

  private static boolean isRc4(int suite) {
    return suite == 0x0005 || suite == 0x0004; // TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_RC4_128_MD5
  }

  /**
   * ssl_add_serverhello_tlsext in 1.0.1f: nothing at all for SSLv3 unless secure renegotiation was signalled; else
   * renegotiation_info, session_ticket when the client sent one, heartbeat when the client sent one.
   */
  private static List<Extension> serverExtensions(ClientHello hello, ProtocolVersion version, boolean secureRenegotiation) {
    List<Extension> extensions = new ArrayList<>();
    if (version.equals(ProtocolVersion.SSL3_0) && !secureRenegotiation) {
      return extensions;
    }
    if (secureRenegotiation) {
      // RFC 5746 section 3.6: an initial handshake answers with an empty renegotiated_connection.
      extensions.add(new Extension(Extension.RENEGOTIATION_INFO, Bytes.of((byte) 0)));
    }
    if (hello.extension(Extension.SESSION_TICKET) != null) {
      extensions.add(new Extension(Extension.SESSION_TICKET, Bytes.EMPTY));
    }
    if (hello.offersHeartbeat()) {
      // RFC 6520 section 2: 1.0.1f always announced peer_allowed_to_send.
      extensions.add(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension());
    }
    return extensions;
  }

  private static byte[] handshakeRecords(ProtocolVersion version, HandshakeMessage message) {
    return TlsRecord.fragmentInto(ContentType.HANDSHAKE, version, Bytes.of(message.toByteArray()));
  }

  /** RFC 5246 section 7.4.1.2: gmt_unix_time then 28 random bytes, as 1.0.1f still filled it. */
  private static Bytes serverRandom(RandomGenerator random) {
    byte[] b = new byte[32];
    random.nextBytes(b);
    long seconds = System.currentTimeMillis() / 1000;
    for (int i = 0; i < 4; i++) {
      b[i] = (byte) (seconds >>> (24 - 8 * i));
    }
    return Bytes.of(b);
  }

  private static Bytes randomBytes(RandomGenerator random, int byteCount) {
    byte[] b = new byte[byteCount];
    random.nextBytes(b);
    return Bytes.of(b);
  }

  /** Concatenates the flight, for tests and for writers that do not care about record boundaries. */
  static byte[] concat(List<byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    records.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
