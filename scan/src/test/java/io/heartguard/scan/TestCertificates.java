package io.heartguard.scan;

import io.heartguard.wire.Bytes;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates with chosen dates, made with Bouncy Castle (EC P-256: fast to generate). */
final class TestCertificates {
  private TestCertificates() {}

  static Bytes selfSigned(String commonName, Instant notBefore, Instant notAfter) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom(new byte[] {1}));
      KeyPair keys = generator.generateKeyPair();
      // RFC 2253 prints the most specific part first, so this reads "CN=..., O=heartguard test".
      X500Name name = new X500Name("O=heartguard test,CN=" + commonName);;
      var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(notBefore.getEpochSecond()),
          Date.from(notBefore), Date.from(notAfter), name, keys.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
      return Bytes.of(builder.build(signer).getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }
}
