package io.heartguard.wire.tls;

import io.heartguard.wire.ByteReader;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordReader;
import io.heartguard.wire.record.TlsRecord;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.Cipher;

/**
 * The server half of a full handshake with RSA key exchange, with no I/O, for a server that wrote its own flight
 * (ServerHello, Certificate, ServerHelloDone): it takes the client's ClientKeyExchange, ChangeCipherSpec and
 * Finished ({@link #receive}), answers with its own ChangeCipherSpec and Finished, then protects records both ways.
 */
public final class TlsServerSession {
  private enum State { KEY_EXCHANGE, CHANGE_CIPHER_SPEC, FINISHED, ESTABLISHED }

  private final ProtocolVersion version;
  private final TlsSuite suite;
  private final PrivateKey rsaKey;
  private final ProtocolVersion clientHelloVersion;
  private final byte[] clientRandom;
  private final byte[] serverRandom;
  private final SecureRandom random;
  private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
  private final HandshakeReader handshakes = new HandshakeReader();
  private State state = State.KEY_EXCHANGE;
  private KeySchedule keys;
  private RecordProtection reader;
  private RecordProtection writer;

  private TlsServerSession(ProtocolVersion version, TlsSuite suite, PrivateKey rsaKey, ProtocolVersion clientHelloVersion,
      byte[] clientRandom, byte[] serverRandom, SecureRandom random) {
    this.version = version;
    this.suite = suite;
    this.rsaKey = rsaKey;
    this.clientHelloVersion = clientHelloVersion;
    this.clientRandom = clientRandom;
    this.serverRandom = serverRandom;
    this.random = random;
  }

  /**
   * The session after the server's flight: {@code clientHello} is the ClientHello message (header included),
   * {@code flightRecords} the records the server sent, whose handshake fragments join the transcript in order.
   * Fails when the suite is not an RSA key exchange this engine completes.
   */
  public static TlsServerSession afterServerHelloDone(ProtocolVersion version, int cipherSuite, PrivateKey rsaKey,
      ProtocolVersion clientHelloVersion, Bytes clientRandom, Bytes serverRandom, byte[] clientHello,
      List<byte[]> flightRecords, SecureRandom random) throws TlsException {
    TlsSuite suite = TlsSuite.byCode(cipherSuite);
    if (suite == null || suite.keyExchange() != TlsSuite.KeyExchange.RSA || !suite.allowedIn(version)) {
      throw new TlsException("cannot complete a handshake with " + io.heartguard.wire.handshake.CipherSuite.nameOf(cipherSuite)
          + ": the server half does RSA key exchange with AES only");
    }
    TlsServerSession session = new TlsServerSession(version, suite, rsaKey, clientHelloVersion,
        clientRandom.toByteArray(), serverRandom.toByteArray(), random);
    session.transcript.writeBytes(clientHello);
    RecordReader records = new RecordReader();
    for (byte[] r : flightRecords) {
      records.feed(r);
    }
    try {
      for (TlsRecord r = records.next(); r != null; r = records.next()) {
        session.transcript.writeBytes(r.fragment().toByteArray());
      }
    } catch (RecordException e) {
      throw new TlsException("the server's own flight does not frame: " + e.getMessage());
    }
    return session;
  }

  /** One record from the client; returns what to send (ChangeCipherSpec and Finished once the client's verified). */
  public byte[] receive(TlsRecord record) throws TlsException {
    switch (record.type()) {
      case CHANGE_CIPHER_SPEC -> {
        // RFC 5246 section 7.1: one byte of value 1, between ClientKeyExchange and Finished.
        if (state != State.CHANGE_CIPHER_SPEC || !record.fragment().equals(Bytes.of((byte) 1))) {
          throw new TlsException("unexpected ChangeCipherSpec in state " + state);
        }
        reader = keys.protection(true);
        state = State.FINISHED;
        return new byte[0];
      }
      case HANDSHAKE -> {
        if (state == State.ESTABLISHED) {
          throw new TlsException("renegotiation is not supported");
        }
        handshakes.feed(reader == null ? record.fragment() : Bytes.of(reader.open(record)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
          for (HandshakeMessage m = handshakes.next(); m != null; m = handshakes.next()) {
            out.writeBytes(handle(m));
          }
        } catch (HandshakeException e) {
          throw new TlsException(e.getMessage());
        }
        return out.toByteArray();
      }
      default -> throw new TlsException("unexpected " + record.type() + " record during the handshake, in state " + state);
    }
  }

  private byte[] handle(HandshakeMessage message) throws TlsException {
    if (state == State.KEY_EXCHANGE && message.type() == HandshakeType.CLIENT_KEY_EXCHANGE) {
      keys = KeySchedule.derive(version, suite, preMasterSecret(message.body()), clientRandom, serverRandom);
      transcript.writeBytes(message.toByteArray());
      state = State.CHANGE_CIPHER_SPEC;
      return new byte[0];
    }
    if (state == State.FINISHED && message.type() == HandshakeType.FINISHED) {
      byte[] expected = keys.verifyData(true, transcript.toByteArray());
      if (!MessageDigest.isEqual(expected, message.body().toByteArray())) {
        throw new TlsException("the client's Finished does not verify (RFC 5246 section 7.4.9)");
      }
      transcript.writeBytes(message.toByteArray());
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(new TlsRecord(ContentType.CHANGE_CIPHER_SPEC, version, Bytes.of((byte) 1)).toByteArray());
      writer = keys.protection(false);
      HandshakeMessage finished = new HandshakeMessage(HandshakeType.FINISHED,
          Bytes.of(keys.verifyData(false, transcript.toByteArray())));
      out.writeBytes(writer.seal(ContentType.HANDSHAKE, finished.toByteArray()));
      state = State.ESTABLISHED;
      return out.toByteArray();
    }
    throw new TlsException("unexpected handshake message of type " + message.typeCode() + " in state " + state);
  }

  /**
   * RFC 5246 section 7.4.7.1: the encrypted pre-master secret; when it does not decrypt to 48 bytes, a random one
   * takes its place so that the failure shows only at Finished (the Bleichenbacher countermeasure).
   */
  private byte[] preMasterSecret(Bytes body) throws TlsException {
    ByteReader<TlsException> r = new ByteReader<>(body.toByteArray(), 0, body.size(), TlsException::new);
    byte[] encrypted = r.readVector16("EncryptedPreMasterSecret").toByteArray();
    r.requireExhausted("ClientKeyExchange");
    byte[] fallback = new byte[48];
    random.nextBytes(fallback);
    fallback[0] = (byte) clientHelloVersion.major();
    fallback[1] = (byte) clientHelloVersion.minor();
    try {
      Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
      rsa.init(Cipher.DECRYPT_MODE, rsaKey);
      byte[] decrypted = rsa.doFinal(encrypted);
      return decrypted.length == 48 ? decrypted : fallback;
    } catch (GeneralSecurityException e) {
      return fallback;
    }
  }

  public boolean established() {
    return state == State.ESTABLISHED;
  }

  public ProtocolVersion version() {
    return version;
  }

  public TlsSuite suite() {
    return suite;
  }

  /** A protected record carrying {@code plaintext} as {@code type}. */
  public byte[] seal(ContentType type, byte[] plaintext) {
    if (state != State.ESTABLISHED) {
      throw new IllegalStateException("the handshake has not finished (state " + state + ")");
    }
    return writer.seal(type, plaintext);
  }

  /** The plaintext of a protected record from the client. */
  public Bytes open(TlsRecord record) throws TlsException {
    if (state != State.ESTABLISHED) {
      throw new IllegalStateException("the handshake has not finished (state " + state + ")");
    }
    return Bytes.of(reader.open(record));
  }
}
