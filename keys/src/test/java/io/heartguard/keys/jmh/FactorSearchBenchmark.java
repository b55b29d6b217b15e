package io.heartguard.keys.jmh;

import io.heartguard.keys.FactorSearch;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The key search's throughput over 1 MiB of memory holding no factor (the whole buffer is searched), for a
 * 2048-bit modulus, side by side with the way 2014's tools searched ({@link NaiveFactorSearch}). {@code heap}: what a leak mostly is, as in the lab's fake heap: text (HTTP requests, PEM),
 * zeros, small pointer-like words, and 1 KiB runs of random bytes in one chunk of 16. {@code structured}: the same
 * without the random runs. {@code random}: nothing but
 * random bytes, the worst case (ciphertext, keys). {@code real}: fixtures/leaks' real OpenSSL 1.0.1f leak, repeated.
 * Score in ops/s; MB/s = 1.05 * score.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class FactorSearchBenchmark {
  private static final int SIZE = 1 << 20;

  @Param({"structured", "heap", "random", "real"})
  String memory;

  @Param({"heartguard", "naive"})
  String search;

  private FactorSearch heartguard;
  private NaiveFactorSearch naive;
  private byte[] data;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    BigInteger modulus = modulus();
    heartguard = new FactorSearch(modulus);
    naive = new NaiveFactorSearch(modulus);
    data = new byte[SIZE];
    SplittableRandom random = new SplittableRandom(20140407L);
    if (memory.equals("random")) {
      random.nextBytes(data);
      return;
    }
    if (memory.equals("real")) {
      byte[] leak = java.nio.file.Files.readAllBytes(io.heartguard.testkit.Fixtures.path("leaks/openssl-1.0.1f-leak.bin"));
      for (int i = 0; i < SIZE; i += leak.length) {
        System.arraycopy(leak, 0, data, i, Math.min(leak.length, SIZE - i));
      }
      return;
    }
    byte[] text = ("GET /account/overview HTTP/1.1\r\nHost: shop.example\r\nCookie: SESSIONID=5f2b9c0e; lang=en\r\n"
        + "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n")
        .getBytes(StandardCharsets.US_ASCII);
    for (int chunk = 0; chunk < SIZE; chunk += 1024) {
      int kind = memory.equals("structured") ? 1 + random.nextInt(15) : random.nextInt(16);
      for (int i = chunk; i < chunk + 1024; i++) {
        data[i] = switch (kind) {
          case 0 -> (byte) random.nextInt(256);
          case 1, 2, 3, 4, 5 -> text[i % text.length];
          case 6, 7, 8, 9 -> (byte) ((i & 7) < 3 ? random.nextInt(256) : (i & 7) == 5 ? 0x7f : (i & 7) == 6 ? 0x55 : 0);
          default -> 0;
        };
      }
    }
  }

  /**
   * The same 2048-bit modulus in every run, so that runs compare: the search's cost depends on the modulus' top byte
   * (windows whose top byte is below it are refused at once). Its primes are made as OpenSSL makes them (top two bits
   * set); its top byte, 0xc4, is near the middle of the range that gives (0x90 to 0xff): about 23% of random windows
   * pass that byte test in each order.
   */
  static BigInteger modulus() {
    java.util.Random random = new java.util.Random(2014_04_08L);
    BigInteger p = new BigInteger(1024, random).setBit(1023).setBit(1022).nextProbablePrime();
    BigInteger q = new BigInteger(1024, random).setBit(1023).setBit(1022).nextProbablePrime();
    return p.multiply(q);
  }

  @Benchmark
  public Object search1MiB() {
    return search.equals("naive") ? naive.search(data) : heartguard.search(data);
  }
}
