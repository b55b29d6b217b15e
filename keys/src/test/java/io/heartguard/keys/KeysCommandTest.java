package io.heartguard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code heartguard keys}: finds the key, says where, exits 1; says nothing of the key or the bytes. */
class KeysCommandTest {
  @Test
  void findsTheKeyInTheSecondDumpAndNamesTheFileAndOffsetButNotTheKey(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("c.pem");
    Path keyPem = dir.resolve("k.pem");
    Process req = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=keys",
        "-keyout", keyPem.toString(), "-out", cert.toString(), "-days", "1").redirectErrorStream(true).start();
    req.getInputStream().readAllBytes();
    assertThat(req.waitFor()).isZero();
    String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "");
    RSAPrivateCrtKey key = (RSAPrivateCrtKey) java.security.KeyFactory.getInstance("RSA")
        .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem)));
    Path first = dir.resolve("first.bin");
    Files.write(first, FactorSearchTest.memoryWith(BigInteger.valueOf(7), 100_000, 0, true, 9));
    Path second = dir.resolve("second.bin");
    Files.write(second, FactorSearchTest.memoryWith(key.getPrimeP(), 100_000, 777, true, 10));
    Path out = dir.resolve("recovered.pem");
    StringWriter err = new StringWriter();
    StringWriter stdout = new StringWriter();

    int exit = new CommandLine(new KeysCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(stdout))
        .execute("--cert", cert.toString(), "--out", out.toString(), first.toString(), second.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("keys: found a 1024-bit prime factor of the certificate's 2048-bit modulus in "
        + second + " at offset 777, little-endian; private key written to " + out + " (mode 600), its modulus equal to the certificate's; searched ");
    assertThat(err.toString() + stdout).doesNotContain(key.getPrimeP().toString(16).substring(0, 16))
        .doesNotContain("BEGIN PRIVATE KEY");
    assertThat(Files.readString(out)).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void nothingFoundIsExitZeroWithTheBytesSearched(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("c.pem");
    Process req = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-subj", "/CN=keys",
        "-keyout", dir.resolve("k.pem").toString(), "-out", cert.toString(), "-days", "1").redirectErrorStream(true).start();
    req.getInputStream().readAllBytes();
    assertThat(req.waitFor()).isZero();
    Path dump = dir.resolve("d.bin");
    Files.write(dump, new byte[5000]);
    StringWriter err = new StringWriter();

    int exit = new CommandLine(new KeysCommand()).setErr(new PrintWriter(err))
        .execute("--cert", cert.toString(), "--out", dir.resolve("none.pem").toString(), dump.toString());

    assertThat(exit).isZero();
    assertThat(err.toString()).startsWith("keys: no prime factor of the certificate's 1024-bit modulus in 5000 bytes of 1 file(s)");
    assertThat(dir.resolve("none.pem")).doesNotExist();
  }
}
