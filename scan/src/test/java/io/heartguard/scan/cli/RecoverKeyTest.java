package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scan --dump FILE --recover-key KEY.pem} against the lab, whose memory holds its own key's prime as OpenSSL
 * keeps it: the dump is searched and the private key written, its modulus the certificate's; nothing of the key or
 * the leak is printed.
 */
class RecoverKeyTest {
  private final ScanConsole scan = new ScanConsole();

  @Test
  void theLabsKeyIsRecoveredFromItsDumpInOneGo(@TempDir Path dir) throws Exception {
    Path dump = dir.resolve("leak.bin");
    Path key = dir.resolve("key.pem");
    RSAPublicKey certificateKey;
    try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
      certificateKey = (RSAPublicKey) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(lab.identity().chain().getFirst().toByteArray())).getPublicKey();
      assertThat(scan.run("--dump", dump.toString(), "--dump-requests", "2", "--recover-key", key.toString(),
          "127.0.0.1:" + lab.address().getPort())).isEqualTo(1);
    }

    String pem = Files.readString(key);
    RSAPrivateCrtKey recovered = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
        Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
    assertThat(recovered.getModulus()).isEqualTo(certificateKey.getModulus());
    assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(scan.err()).contains("scan: found a 1024-bit prime factor of the certificate's 2048-bit modulus in "
        + dump + " at offset ").contains("(the leak of request 1), little-endian; private key written to " + key);
    assertThat(scan.out() + scan.err())
        .doesNotContain("BEGIN PRIVATE KEY", recovered.getPrimeP().toString(16).substring(0, 12));
  }

  @Test
  void recoverKeyNeedsADump() {
    assertThat(scan.run("--recover-key", "k.pem", "127.0.0.1:1")).isEqualTo(2);
    assertThat(scan.err()).contains("--recover-key searches the --dump file; give --dump FILE");
  }
}
