package io.heartguard.tlsserver;

import io.heartguard.wire.Bytes;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS server's RSA key and the certificate chain it sends (lab and client-test), with the key's PEM (which the
 * lab's fake heap holds, so that key recovery through Heartbleed can be demonstrated). A fresh self-signed RSA 2048
 * identity is generated once per process unless PEM files are given.
 */
public final class ServerIdentity {
  private static final String SUBJECT = "CN=heartguard-lab.invalid,O=heartguard lab,OU=deliberately vulnerable";
  private static volatile ServerIdentity processDefault;

  private final PrivateKey privateKey;
  private final List<Bytes> chain;
  private final String privateKeyPem;

  private ServerIdentity(PrivateKey privateKey, List<Bytes> chain, String privateKeyPem) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least the server's own certificate");
    }
    this.privateKey = privateKey;
    this.chain = List.copyOf(chain);
    this.privateKeyPem = privateKeyPem;
  }

  /** The self-signed RSA 2048 identity of this process, generated on first use and shared by every lab server. */
  public static ServerIdentity processDefault() {
    ServerIdentity identity = processDefault;
    if (identity == null) {
      synchronized (ServerIdentity.class) {
        identity = processDefault;
        if (identity == null) {
          identity = generate(new SecureRandom());
          processDefault = identity;
        }
      }
    }
    return identity;
  }

  /** A new self-signed RSA 2048 identity. */
  public static ServerIdentity generate(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, random);
      KeyPair pair = generator.generateKeyPair();
      Bytes certificate = selfSigned(pair.getPublic(), pair.getPrivate(), SUBJECT, BigInteger.valueOf(random.nextLong() >>> 1));
      return new ServerIdentity(pair.getPrivate(), List.of(certificate), pem(pair.getPrivate()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an RSA 2048 key: " + e.getMessage(), e);
    }
  }

  /**
   * Loads a chain (one or more CERTIFICATE blocks, the server's first) and an RSA private key (PKCS#1 "RSA PRIVATE
   * KEY" or PKCS#8 "PRIVATE KEY", unencrypted).
   */
  public static ServerIdentity load(Path certificatePem, Path privateKeyPem) throws IOException {
    List<Bytes> chain = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(certificatePem, StandardCharsets.US_ASCII);
         PEMParser parser = new PEMParser(reader)) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(Bytes.of(holder.getEncoded()));
        }
      }
    }
    if (chain.isEmpty()) {
      throw new IOException(certificatePem + " holds no CERTIFICATE block");
    }
    PrivateKeyInfo keyInfo = null;
    try (Reader reader = Files.newBufferedReader(privateKeyPem, StandardCharsets.US_ASCII);
         PEMParser parser = new PEMParser(reader)) {
      for (Object o = parser.readObject(); o != null && keyInfo == null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          keyInfo = pair.getPrivateKeyInfo();
        } else if (o instanceof PrivateKeyInfo info) {
          keyInfo = info;
        }
      }
    }
    if (keyInfo == null) {
      throw new IOException(privateKeyPem + " holds no unencrypted RSA PRIVATE KEY or PRIVATE KEY block");
    }
    PrivateKey key = new JcaPEMKeyConverter().getPrivateKey(keyInfo);
    if (!"RSA".equals(key.getAlgorithm())) {
      throw new IOException(privateKeyPem + " holds a " + key.getAlgorithm() + " key; the lab serves RSA only");
    }
    return new ServerIdentity(key, chain, pem(key));
  }

  /**
   * This identity with {@code count} more self-signed certificates after its chain: a Certificate message that
   * spans several records when {@code count} is about 20 or more. Nobody validates the lab's chain.
   */
  public ServerIdentity withPaddingCerts(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("padding certificate count must be at least 0, got " + count);
    }
    if (count == 0) {
      return this;
    }
    try {
      PublicKey publicKey = publicKeyOf(chain.getFirst());
      List<Bytes> padded = new ArrayList<>(chain);
      for (int i = 1; i <= count; i++) {
        padded.add(selfSigned(publicKey, privateKey, "CN=heartguard lab padding certificate " + i + ",O=heartguard lab",
            BigInteger.valueOf(1000L + i)));
      }
      return new ServerIdentity(privateKey, padded, privateKeyPem);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build padding certificates: " + e.getMessage(), e);
    }
  }

  /** DER certificates, the server's own first, as the Certificate message carries them. */
  public List<Bytes> chain() {
    return chain;
  }

  /** The private key as PEM; sensitive by design only in the lab, never log it. */
  public String privateKeyPem() {
    return privateKeyPem;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  private static PublicKey publicKeyOf(Bytes der) throws IOException, GeneralSecurityException {
    X509CertificateHolder holder = new X509CertificateHolder(der.toByteArray());
    SubjectPublicKeyInfo info = holder.getSubjectPublicKeyInfo();
    return new JcaPEMKeyConverter().getPublicKey(info);
  }

  private static Bytes selfSigned(PublicKey publicKey, PrivateKey signingKey, String subject, BigInteger serial)
      throws GeneralSecurityException {
    Instant now = Instant.now();
    X500Name name = new X500Name(subject);
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, serial,
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name,
        SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(signingKey);
      return Bytes.of(builder.build(signer).getEncoded());
    } catch (OperatorCreationException | IOException e) {
      throw new GeneralSecurityException("cannot sign certificate " + subject + ": " + e.getMessage(), e);
    }
  }

  private static String pem(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(key);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the private key as PEM: " + e.getMessage(), e);
    }
    return out.toString();
  }
}
