package io.heartguard.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factor search: every offset, both byte orders, across chunk boundaries, and nothing where there is nothing. */
class FactorSearchTest {
  private static RSAPublicKey publicKey;
  private static RSAPrivateCrtKey privateKey;
  private static RSAPrivateCrtKey otherKey;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    var pair = g.generateKeyPair();
    publicKey = (RSAPublicKey) pair.getPublic();
    privateKey = (RSAPrivateCrtKey) pair.getPrivate();
    otherKey = (RSAPrivateCrtKey) g.generateKeyPair().getPrivate();
  }

  /** Random bytes with {@code prime} written at {@code offset}, least significant byte first when {@code littleEndian}. */
  static byte[] memoryWith(BigInteger prime, int size, int offset, boolean littleEndian, long seed) {
    byte[] memory = new byte[size];
    new SplittableRandom(seed).nextBytes(memory);
    byte[] be = magnitude(prime);
    for (int i = 0; i < be.length; i++) {
      memory[offset + i] = littleEndian ? be[be.length - 1 - i] : be[i];
    }
    return memory;
  }

  static byte[] magnitude(BigInteger v) {
    byte[] b = v.toByteArray();
    return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
  }

  @Test
  void aBignumPrimeIsFoundAtAnOddOffsetLittleEndian() {
    byte[] memory = memoryWith(privateKey.getPrimeP(), 64 * 1024, 12_345, true, 1);

    FactorSearch.Found found = new FactorSearch(publicKey.getModulus()).search(memory);

    assertThat(found).isNotNull();
    assertThat(found.offset()).isEqualTo(12_345);
    assertThat(found.order()).isEqualTo(FactorSearch.Order.LITTLE_ENDIAN);
    assertThat(found.prime()).isEqualTo(privateKey.getPrimeP());
  }

  @Test
  void theOtherPrimeIsFoundBigEndian() {
    byte[] memory = memoryWith(privateKey.getPrimeQ(), 64 * 1024, 40_001, false, 2);

    FactorSearch.Found found = new FactorSearch(publicKey.getModulus()).search(memory);

    assertThat(found.offset()).isEqualTo(40_001);
    assertThat(found.order()).isEqualTo(FactorSearch.Order.BIG_ENDIAN);
    assertThat(found.prime()).isEqualTo(privateKey.getPrimeQ());
  }

  @Test
  void anotherKeysPrimeAndRandomMemoryYieldNothing() {
    byte[] memory = memoryWith(otherKey.getPrimeP(), 256 * 1024, 1000, true, 3);

    assertThat(new FactorSearch(publicKey.getModulus()).search(memory)).isNull();
  }

  @Test
  void aPrimeAcrossTwoChunksOfADumpFileIsFound(@TempDir Path dir) throws Exception {
    int offset = DumpSearch.CHUNK - 60; // starts in the first chunk, ends in the second
    Path dump = dir.resolve("leak.bin");
    Files.write(dump, memoryWith(privateKey.getPrimeP(), DumpSearch.CHUNK + 4096, offset, true, 4));
    Path empty = dir.resolve("empty.bin");
    Files.write(empty, new byte[0]);

    DumpSearch.Result result = DumpSearch.search(new FactorSearch(publicKey.getModulus()), List.of(empty, dump));

    assertThat(result.hit().file()).isEqualTo(dump);
    assertThat(result.hit().found().offset()).isEqualTo(offset);
    assertThat(result.filesSearched()).isEqualTo(2);
  }

  @Test
  void theRecoveredKeyHasTheCertificatesModulusAndSignsForIt(@TempDir Path dir) throws Exception {
    RecoveredKey key = RecoveredKey.from(publicKey, privateKey.getPrimeQ());
    Path file = dir.resolve("key.pem");
    key.writePem(file);

    assertThat(key.modulus()).isEqualTo(publicKey.getModulus());
    assertThat(Files.getPosixFilePermissions(file)).extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    String pem = Files.readString(file);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    var parsed = java.security.KeyFactory.getInstance("RSA").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
    var signer = java.security.Signature.getInstance("SHA256withRSA");
    signer.initSign(parsed);
    signer.update("heartbleed".getBytes());
    byte[] signature = signer.sign();
    var verifier = java.security.Signature.getInstance("SHA256withRSA");
    verifier.initVerify(publicKey);
    verifier.update("heartbleed".getBytes());
    assertThat(verifier.verify(signature)).isTrue();
  }
}
