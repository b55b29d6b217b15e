package io.heartguard.wire.tls;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.ByteWriter;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;

/**
 * The client side of a full TLS 1.0, 1.1 or 1.2 handshake (RFC 5246 section 7.3), with no I/O: the caller sends
 * {@link #clientHello()}, feeds every record the server sends to {@link #receive}, and sends what it returns. Once
 * {@link #established()}, {@link #seal} protects any record, a malformed heartbeat included, and {@link #open}
 * reads the server's.
 *
 * <p>Made to reach a server's heartbeat code, not to authenticate it: the certificate and the ServerKeyExchange
 * signature are not verified, so a session proves nothing about whom it talks to.
 */
public final class TlsSession {
  /** RFC 4492 section 5.1.1: secp256r1, the one curve offered (OpenSSL 1.0.1's s_server default). */
  private static final int SECP256R1 = 23;
  /** RFC 4492 section 5.4: ECCurveType named_curve. */
  private static final int NAMED_CURVE = 3;
  /** RFC 4492 section 5.1.2: uncompressed points only. */
  private static final int UNCOMPRESSED = 4;

  private enum State { START, SERVER_HELLO, CERTIFICATE, KEY_EXCHANGE, HELLO_DONE, CHANGE_CIPHER_SPEC, FINISHED, ESTABLISHED }

  private final ProtocolVersion offered;
  private final List<TlsSuite> suites;
  private final String serverName;
  private final SecureRandom random;
  private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
  private final HandshakeReader handshakes = new HandshakeReader();
  private State state = State.START;
  private byte[] clientRandom;
  private ServerHello serverHello;
  private TlsSuite suite;
  private CertificateMessage certificate;
  private ECPublicKey serverEphemeral;
  private KeySchedule keys;
  private RecordProtection writer;
  private RecordProtection reader;

  /**
   * A session that offers {@code version} and {@code suites} (those the version allows), with SNI for
   * {@code serverName} when it is a DNS name, and the heartbeat extension.
   */
  public TlsSession(ProtocolVersion version, List<TlsSuite> suites, String serverName, SecureRandom random) {
    if (!version.equals(ProtocolVersion.TLS1_0) && !version.equals(ProtocolVersion.TLS1_1)
        && !version.equals(ProtocolVersion.TLS1_2)) {
      throw new IllegalArgumentException("a full handshake is TLS 1.0, 1.1 or 1.2, not " + version);
    }
    this.offered = version;
    this.suites = suites.stream().filter(s -> s.allowedIn(version)).toList();
    if (this.suites.isEmpty()) {
      throw new IllegalArgumentException("none of " + suites + " is allowed in " + version);
    }
    this.serverName = serverName;
    this.random = random;
  }

  /** Every suite this session can complete, strongest first. */
  public static List<TlsSuite> allSuites() {
    return List.of(TlsSuite.values());
  }

  /** The ClientHello record (record version TLS 1.0, as 2014 clients sent it), to send first. */
  public byte[] clientHello() {
    if (state != State.START) {
      throw new IllegalStateException("the ClientHello was already sent");
    }
    clientRandom = new byte[32];
    random.nextBytes(clientRandom);
    List<Extension> extensions = new ArrayList<>();
    String hostName = ClientHellos.sniHostName(serverName); // RFC 6066 section 3: never an address literal
    if (hostName != null) {
      extensions.add(ClientHellos.serverNameExtension(hostName));
    }
    extensions.add(new Extension(Extension.EC_POINT_FORMATS, Bytes.of((byte) 1, (byte) 0)));
    extensions.add(new Extension(Extension.SUPPORTED_GROUPS, new ByteWriter().writeUint16(2).writeUint16(SECP256R1).toBytes()));
    if (offered.equals(ProtocolVersion.TLS1_2)) {
      // RFC 5246 section 7.4.1.4.1: (sha256, rsa), (sha384, rsa), (sha1, rsa).
      extensions.add(new Extension(Extension.SIGNATURE_ALGORITHMS,
          new ByteWriter().writeUint16(6).writeUint16(0x0401).writeUint16(0x0501).writeUint16(0x0201).toBytes()));
    }
    extensions.add(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension());
    ClientHello hello = new ClientHello(offered, Bytes.of(clientRandom), Bytes.EMPTY, Bytes.EMPTY,
        suites.stream().map(TlsSuite::code).toList(), List.of(0), extensions);
    state = State.SERVER_HELLO;
    transcript.writeBytes(hello.toMessage().toByteArray());
    return handshakeRecord(ProtocolVersion.TLS1_0, hello.toMessage());
  }

  /**
   * Takes one record from the server during the handshake and returns the bytes to send in answer (empty when there
   * are none yet): after ServerHelloDone, ClientKeyExchange, ChangeCipherSpec and the protected Finished.
   */
  public byte[] receive(TlsRecord record) throws TlsException {
    if (state == State.START || state == State.ESTABLISHED) {
      throw new IllegalStateException("receive is for the handshake; use open once established");
    }
    switch (record.type()) {
      case ALERT -> throw new TlsException("the server sent alert " + describeAlert(reader == null
          ? record.fragment().toByteArray() : reader.open(record)) + " during the handshake");
      case CHANGE_CIPHER_SPEC -> {
        // RFC 5246 section 7.1: a single byte of value 1, after our Finished went out.
        if (state != State.CHANGE_CIPHER_SPEC || !record.fragment().equals(Bytes.of((byte) 1))) {
          throw new TlsException("unexpected ChangeCipherSpec (" + record.fragment().size() + " bytes) in state " + state);
        }
        reader = keys.protection(false);
        state = State.FINISHED;
        return new byte[0];
      }
      case HANDSHAKE -> {
        handshakes.feed(reader == null ? record.fragment() : Bytes.of(reader.open(record)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HandshakeMessage message;
        while ((message = nextMessage()) != null) {
          out.writeBytes(handle(message));
        }
        return out.toByteArray();
      }
      default -> throw new TlsException("unexpected " + record.type() + " record during the handshake, in state " + state);
    }
  }

  public boolean established() {
    return state == State.ESTABLISHED;
  }

  /** A protected record carrying {@code plaintext} as {@code type}: application data, a heartbeat, anything. */
  public byte[] seal(ContentType type, byte[] plaintext) {
    requireEstablished();
    return writer.seal(type, plaintext);
  }

  /** The plaintext of a protected record from the server. */
  public Bytes open(TlsRecord record) throws TlsException {
    requireEstablished();
    return Bytes.of(reader.open(record));
  }

  public ProtocolVersion version() {
    return serverHello == null ? offered : serverHello.version();
  }

  public ServerHello serverHello() {
    return serverHello;
  }

  public TlsSuite suite() {
    return suite;
  }

  public CertificateMessage certificate() {
    return certificate;
  }

  private HandshakeMessage nextMessage() throws TlsException {
    try {
      return handshakes.next();
    } catch (HandshakeException e) {
      throw new TlsException(e.getMessage());
    }
  }

  private byte[] handle(HandshakeMessage message) throws TlsException {
    HandshakeType type = message.type();
    if (type == HandshakeType.HELLO_REQUEST) {
      return new byte[0]; // RFC 5246 section 7.4.1.1: ignored during a handshake, and kept out of the hashes
    }
    try {
      switch (state) {
        case SERVER_HELLO -> {
          expect(type, HandshakeType.SERVER_HELLO);
          acceptServerHello(ServerHello.parse(message.body()));
          state = State.CERTIFICATE;
        }
        case CERTIFICATE -> {
          expect(type, HandshakeType.CERTIFICATE);
          certificate = CertificateMessage.parse(message.body());
          state = suite.keyExchange() == TlsSuite.KeyExchange.ECDHE_RSA ? State.KEY_EXCHANGE : State.HELLO_DONE;
        }
        case KEY_EXCHANGE -> {
          expect(type, HandshakeType.SERVER_KEY_EXCHANGE);
          serverEphemeral = parseEcdheParams(message.body());
          state = State.HELLO_DONE;
        }
        case HELLO_DONE -> {
          expect(type, HandshakeType.SERVER_HELLO_DONE);
          transcript.writeBytes(message.toByteArray());
          return clientFlight();
        }
        case FINISHED -> {
          expect(type, HandshakeType.FINISHED);
          byte[] expected = keys.verifyData(false, transcript.toByteArray());
          if (!MessageDigest.isEqual(expected, message.body().toByteArray())) {
            throw new TlsException("the server's Finished does not verify (RFC 5246 section 7.4.9)");
          }
          state = State.ESTABLISHED;
        }
        default -> throw new TlsException("unexpected " + name(message) + " in state " + state);
      }
    } catch (HandshakeException e) {
      throw new TlsException(e.getMessage());
    }
    transcript.writeBytes(message.toByteArray());
    return new byte[0];
  }

  private void acceptServerHello(ServerHello hello) throws TlsException {
    ProtocolVersion v = hello.version();
    if (v.compareTo(offered) > 0 || v.compareTo(ProtocolVersion.TLS1_0) < 0 || !v.isTlsUpTo12()) {
      throw new TlsException("ServerHello version " + v + " is not between TLSv1.0 and the offered " + offered);
    }
    TlsSuite chosen = TlsSuite.byCode(hello.cipherSuite());
    if (chosen == null || !suites.contains(chosen) || !chosen.allowedIn(v)) {
      throw new TlsException("ServerHello chose " + io.heartguard.wire.handshake.CipherSuite.nameOf(hello.cipherSuite())
          + ", not one offered for " + v);
    }
    if (hello.compressionMethod() != 0) {
      throw new TlsException("ServerHello chose compression " + hello.compressionMethod() + "; only null (0) was offered");
    }
    serverHello = hello;
    suite = chosen;
  }

  /** RFC 4492 section 5.4: ServerECDHParams (curve_type, named_curve, point), then a signature we do not check. */
  private ECPublicKey parseEcdheParams(Bytes body) throws TlsException {
    ByteReader<TlsException> r = new ByteReader<>(body.toByteArray(), 0, body.size(), TlsException::new);
    int curveType = r.readUint8("curve_type");
    int curve = r.readUint16("namedcurve");
    if (curveType != NAMED_CURVE || curve != SECP256R1) {
      throw new TlsException("ServerKeyExchange curve type " + curveType + " curve " + curve + "; offered named_curve 23 only");
    }
    byte[] point = r.readVector8("point").toByteArray();
    if (point.length != 65 || point[0] != UNCOMPRESSED) {
      throw new TlsException("ServerKeyExchange point of " + point.length + " bytes is not an uncompressed P-256 point");
    }
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      var params = ((ECPublicKey) g.generateKeyPair().getPublic()).getParams();
      ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)), new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, params));
    } catch (GeneralSecurityException e) {
      throw new TlsException("ServerKeyExchange point is not on secp256r1: " + e.getMessage());
    }
  }

  /** ClientKeyExchange, ChangeCipherSpec and Finished, in one write (RFC 5246 section 7.3, figure 1). */
  private byte[] clientFlight() throws TlsException {
    byte[] preMaster;
    Bytes exchange;
    try {
      if (suite.keyExchange() == TlsSuite.KeyExchange.RSA) {
        // RFC 5246 section 7.4.7.1: client_version (the offered one) and 46 random bytes, RSA-encrypted (PKCS #1 v1.5).
        preMaster = new byte[48];
        random.nextBytes(preMaster);
        preMaster[0] = (byte) offered.major();
        preMaster[1] = (byte) offered.minor();
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, serverRsaKey());
        exchange = new ByteWriter().writeVector16(Bytes.of(rsa.doFinal(preMaster))).toBytes();
      } else {
        // RFC 4492 section 5.7: our ephemeral point; the pre-master secret is the shared X coordinate (section 5.10).
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(serverEphemeral.getParams(), random);
        KeyPair ours = g.generateKeyPair();
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(ours.getPrivate());
        agreement.doPhase(serverEphemeral, true);
        preMaster = agreement.generateSecret();
        exchange = new ByteWriter().writeVector8(Bytes.of(encodePoint(((ECPublicKey) ours.getPublic()).getW()))).toBytes();
      }
    } catch (GeneralSecurityException e) {
      throw new TlsException("key exchange failed: " + e.getMessage());
    }
    HandshakeMessage clientKeyExchange = new HandshakeMessage(HandshakeType.CLIENT_KEY_EXCHANGE, exchange);
    transcript.writeBytes(clientKeyExchange.toByteArray());
    keys = KeySchedule.derive(serverHello.version(), suite, preMaster, clientRandom, serverHello.random().toByteArray());
    Arrays.fill(preMaster, (byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(handshakeRecord(version(), clientKeyExchange));
    out.writeBytes(new TlsRecord(ContentType.CHANGE_CIPHER_SPEC, version(), Bytes.of((byte) 1)).toByteArray());
    writer = keys.protection(true);
    HandshakeMessage finished = new HandshakeMessage(HandshakeType.FINISHED,
        Bytes.of(keys.verifyData(true, transcript.toByteArray())));
    transcript.writeBytes(finished.toByteArray());
    out.writeBytes(writer.seal(ContentType.HANDSHAKE, finished.toByteArray()));
    state = State.CHANGE_CIPHER_SPEC;
    return out.toByteArray();
  }

  private PublicKey serverRsaKey() throws TlsException {
    if (certificate == null || certificate.certificates().isEmpty()) {
      throw new TlsException("the server sent no certificate to encrypt the pre-master secret to");
    }
    try {
      PublicKey key = CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(certificate.certificates().getFirst().toByteArray())).getPublicKey();
      if (!(key instanceof RSAPublicKey)) {
        throw new TlsException("the server's certificate holds a " + key.getAlgorithm() + " key, not RSA");
      }
      return key;
    } catch (CertificateException e) {
      throw new TlsException("the server's certificate does not parse: " + e.getMessage());
    }
  }

  static byte[] encodePoint(ECPoint w) {
    byte[] out = new byte[65];
    out[0] = UNCOMPRESSED;
    fixed(w.getAffineX(), out, 1);
    fixed(w.getAffineY(), out, 33);
    return out;
  }

  private static void fixed(BigInteger v, byte[] out, int at) {
    byte[] b = v.toByteArray();
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, at + 32 - n, n);
  }

  private static byte[] handshakeRecord(ProtocolVersion recordVersion, HandshakeMessage message) {
    return TlsRecord.fragmentInto(ContentType.HANDSHAKE, recordVersion, Bytes.of(message.toByteArray()));
  }

  private static void expect(HandshakeType seen, HandshakeType wanted) throws TlsException {
    if (seen != wanted) {
      throw new TlsException("expected " + wanted + ", got " + (seen == null ? "an unknown handshake type" : seen));
    }
  }

  private static String name(HandshakeMessage m) {
    return m.type() == null ? "handshake type " + m.typeCode() : m.type().toString();
  }

  private static String describeAlert(byte[] fragment) {
    try {
      return Alert.parse(Bytes.of(fragment)).toString();
    } catch (AlertException e) {
      return "(malformed: " + e.getMessage() + ")";
    }
  }

  private void requireEstablished() {
    if (state != State.ESTABLISHED) {
      throw new IllegalStateException("the handshake has not finished (state " + state + ")");
    }
  }
}
