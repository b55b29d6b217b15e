package io.heartguard.keys;

import io.heartguard.evidence.LeakHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

/**
 * What an attacker got: the certificate's key looked for in leaked memory, and the private key written when a
 * factor is found. The one entry point of {@code heartguard keys} and {@code scan --dump --recover-key}; its line
 * names the file and offset, never the key or the bytes.
 */
public final class KeyRecovery {
  /** The outcome: the search, and the key when found (written to {@code keyFile}). */
  public record Outcome(DumpSearch.Result search, RecoveredKey key, Path keyFile, int modulusBits, String origin) {
    public boolean found() {
      return key != null;
    }

    /**
     * One line for the terminal; {@code bytesPerRequest} (0 when unknown) turns an offset into the request whose
     * leak held it.
     */
    public String describe(long bytesPerRequest) {
      if (!found()) {
        return "no prime factor of the certificate's " + modulusBits + "-bit modulus in " + search.bytesSearched()
            + " bytes of " + search.filesSearched() + " file(s)";
      }
      FactorSearch.Found f = search.hit().found();
      String request = origin != null ? " (leaked in " + origin + ")"
          : bytesPerRequest > 0 ? " (the leak of request " + (f.offset() / bytesPerRequest + 1) + ")" : "";
      return "found a " + f.prime().bitLength() + "-bit prime factor of the certificate's " + modulusBits
          + "-bit modulus in " + search.hit().file() + " at offset " + f.offset() + request + ", " + f.order().label()
          + "; private key written to " + keyFile + " (mode 600), its modulus equal to the certificate's";
    }
  }

  private KeyRecovery() {}

  /** The RSA public key of the first certificate in a PEM or DER file. */
  public static RSAPublicKey certificateKey(Path certificate) throws IOException {
    try (InputStream in = Files.newInputStream(certificate)) {
      PublicKey key = CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey();
      if (!(key instanceof RSAPublicKey rsa)) {
        throw new IOException("the certificate holds a " + key.getAlgorithm() + " key, not RSA: nothing to factor");
      }
      return rsa;
    } catch (CertificateException e) {
      throw new IOException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Searches {@code dumps} on {@code threads} threads for a factor of {@code key}'s modulus; on a hit writes the private
   * key to {@code keyFile}.
   */
  public static Outcome recover(RSAPublicKey key, List<Path> dumps, Path keyFile, int threads) throws IOException {
    DumpSearch.Result result = DumpSearch.search(key.getModulus(), dumps, threads);
    if (result.hit() == null) {
      return new Outcome(result, null, keyFile, key.getModulus().bitLength(), null);
    }
    RecoveredKey recovered = RecoveredKey.from(key, result.hit().found().prime());
    recovered.writePem(keyFile);
    // A file of extracted leaks (sensor --extract-leaks) says which flow and when; a plain dump has no such header.
    String origin = LeakHeader.originOf(result.hit().file(), result.hit().found().offset());
    return new Outcome(result, recovered, keyFile, key.getModulus().bitLength(), origin);
  }
}
