package io.heartguard.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  /**
   * Every key shape the search promises, at offsets that land on each of its paths (eight at a time, the tail of a
   * block and of the data, across a block boundary), in both orders: balanced 1024- and 2048-bit keys, an odd-length
   * modulus (factors of 1024 and 1023 bits, whose top bytes start at 0x40), and factors one byte shorter and longer.
   */
  @Test
  void everyKeyShapeIsFoundAtEveryKindOfOffsetInBothOrders() {
    java.util.Random random = new java.util.Random(20140407L);
    List<BigInteger[]> keys = List.of(
        factors(512, 512, 1024, random),
        new BigInteger[] {privateKey.getPrimeP(), privateKey.getPrimeQ()},
        factors(1024, 1023, 2047, random),
        factors(1016, 1032, 2048, random));
    int size = 3 * 4096 + 700;
    for (BigInteger[] pq : keys) {
      BigInteger n = pq[0].multiply(pq[1]);
      FactorSearch search = new FactorSearch(n);
      for (BigInteger prime : pq) {
        int length = magnitude(prime).length;
        for (int offset : new int[] {0, 1, 7, 4095 - length / 2, 4093, 4096, 8191, size - length - 9, size - length}) {
          for (boolean littleEndian : new boolean[] {true, false}) {
            byte[] memory = memoryWith(prime, size, offset, littleEndian, offset * 31L + length);

            FactorSearch.Found found = search.search(memory);

            String shape = n.bitLength() + "-bit modulus, " + prime.bitLength() + "-bit factor at " + offset
                + (littleEndian ? " little-endian" : " big-endian");
            assertThat(found).as(shape).isNotNull();
            assertThat(found.prime()).as(shape).isIn(pq[0], pq[1]);
            assertThat(found.offset()).as(shape).isEqualTo(offset);
            assertThat(found.order()).as(shape)
                .isEqualTo(littleEndian ? FactorSearch.Order.LITTLE_ENDIAN : FactorSearch.Order.BIG_ENDIAN);
          }
        }
      }
    }
  }

  /** Two primes of the given lengths (top bit set) whose product has exactly {@code modulusBits}, as generators loop. */
  private static BigInteger[] factors(int pBits, int qBits, int modulusBits, java.util.Random random) {
    while (true) {
      BigInteger p = BigInteger.probablePrime(pBits, random);
      BigInteger q = BigInteger.probablePrime(qBits, random);
      if (p.multiply(q).bitLength() == modulusBits) {
        return new BigInteger[] {p, q};
      }
    }
  }

  /** A real 1.0.1f leak (fixtures/leaks) holds no factor of another key: ciphertext, zeros and text, all refused. */
  @Test
  void aRealOpenSslLeakHoldsNoFactorOfAnotherKey() throws Exception {
    byte[] leak = Files.readAllBytes(io.heartguard.testkit.Fixtures.path("leaks/openssl-1.0.1f-leak.bin"));

    assertThat(new FactorSearch(publicKey.getModulus()).search(leak)).isNull();
    assertThat(leak.length).isGreaterThan(200_000);
  }

  @Test
  void anotherKeysPrimeAndRandomMemoryYieldNothing() {
    byte[] memory = memoryWith(otherKey.getPrimeP(), 256 * 1024, 1000, true, 3);

    assertThat(new FactorSearch(publicKey.getModulus()).search(memory)).isNull();
  }

  @Test
  void aPrimeAcrossTwoChunksIsFoundAndTheEarliestChunkWinsOnAnyNumberOfThreads(@TempDir Path dir) throws Exception {
    int offset = DumpSearch.CHUNK - 60; // starts in the first chunk, ends in the second
    byte[] memory = memoryWith(privateKey.getPrimeP(), 3 * DumpSearch.CHUNK + 4096, offset, true, 4);
    byte[] q = magnitude(privateKey.getPrimeQ());
    System.arraycopy(q, 0, memory, 2 * DumpSearch.CHUNK + 999, q.length); // a later hit, in the third chunk
    Path dump = dir.resolve("leak.bin");
    Files.write(dump, memory);
    Path empty = dir.resolve("empty.bin");
    Files.write(empty, new byte[0]);

    for (int threads : new int[] {1, 3}) {
      DumpSearch.Result result = DumpSearch.search(publicKey.getModulus(), List.of(empty, dump), threads);

      assertThat(result.hit().file()).isEqualTo(dump);
      assertThat(result.hit().found().offset()).as(threads + " thread(s)").isEqualTo(offset);
      assertThat(result.hit().found().prime()).isEqualTo(privateKey.getPrimeP());
      assertThat(result.filesSearched()).isEqualTo(2);
    }
  }

  @Test
  void aPipeIsRefusedWithOneLine(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();

    assertThatThrownBy(() -> DumpSearch.search(publicKey.getModulus(), List.of(fifo), 1))
        .isInstanceOf(java.io.IOException.class).hasMessageContaining("not a regular file");
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
