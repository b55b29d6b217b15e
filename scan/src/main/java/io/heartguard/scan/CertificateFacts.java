package io.heartguard.scan;

import io.heartguard.wire.Bytes;
import java.io.ByteArrayInputStream;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import javax.security.auth.x500.X500Principal;

/**
 * What the server's own certificate says about its age. A certificate issued before the disclosure and still served
 * may carry a private key that leaked while the server was vulnerable; its public key is what {@code --recover-key}
 * looks for a factor of.
 */
public record CertificateFacts(String subject, String issuer, Instant notBefore, Instant notAfter, PublicKey publicKey) {
  /** Heartbleed was disclosed on 2014-04-07; certificates issued on or before that day predate every fix. */
  public static final Instant DISCLOSURE = LocalDate.of(2014, 4, 8).atStartOfDay(ZoneOffset.UTC).toInstant();

  /** Whether notBefore falls after the disclosure day: the key was (re)issued once fixes existed. */
  public boolean issuedAfterDisclosure() {
    return !notBefore.isBefore(DISCLOSURE);
  }

  /** The advice for a certificate issued before the disclosure and never replaced; null for a later one. */
  public String warning() {
    return issuedAfterDisclosure() ? null : "certificate issued " + notBefore + ", before the disclosure on 2014-04-07,"
        + " and never replaced: if this server was ever vulnerable its private key may have leaked; revoke and rekey";
  }

  /** Reads the leaf certificate with the JDK's own parser (no Bouncy Castle at startup). */
  public static CertificateFacts parse(Bytes der) throws CertificateException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    X509Certificate cert = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der.toByteArray()));
    return new CertificateFacts(cert.getSubjectX500Principal().getName(X500Principal.RFC2253),
        cert.getIssuerX500Principal().getName(X500Principal.RFC2253),
        cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), cert.getPublicKey());
  }
}
