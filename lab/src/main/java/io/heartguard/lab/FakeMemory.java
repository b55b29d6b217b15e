package io.heartguard.lab;

import io.heartguard.tlsserver.ServerIdentity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The simulated process memory a vulnerable heartbeat reads from: the record being processed, immediately followed by
 * a heap seeded with what a 2014 web server held — earlier HTTP requests with cookies, Authorization headers and a
 * login form's password, the PEM of the server's own RSA private key and its prime p as OpenSSL's BIGNUM holds it —
 * between stretches of freed garbage.
 * The heap is built once per server and never changes; nothing here is a real secret.
 */
final class FakeMemory {
  /** Longer than any read can reach: payload_length 65535 after a 3-byte header, even from a 1-byte record. */
  static final int HEAP_SIZE = 80 * 1024;
  /** Where the private key PEM starts: inside the first 16 KiB, so one 16 KiB leak (nmap's) can show it whole. */
  static final int KEY_OFFSET = 8 * 1024;

  private final byte[] heap;
  private final List<String> secrets;

  private FakeMemory(byte[] heap, List<String> secrets) {
    this.heap = heap;
    this.secrets = List.copyOf(secrets);
  }

  /**
   * Where the first prime factor of the key sits as OpenSSL holds it, a BIGNUM's words (least significant first,
   * each little-endian on x86-64): after the PEM, still inside the first 16 KiB that one full-record leak reaches.
   */
  static final int PRIME_OFFSET = 12 * 1024;

  /** A heap for a server holding {@code privateKeyPem}; {@code seed} decides the garbage and the planted values. */
  static FakeMemory seeded(long seed, String privateKeyPem) {
    return seeded(seed, privateKeyPem, null);
  }

  /** The heap of a server holding {@code identity}: its PEM, and its prime p at {@link #PRIME_OFFSET} as a BIGNUM. */
  static FakeMemory seeded(long seed, ServerIdentity identity) {
    java.math.BigInteger prime = identity.privateKey() instanceof java.security.interfaces.RSAPrivateCrtKey crt
        ? crt.getPrimeP() : null;
    return seeded(seed, identity.privateKeyPem(), prime);
  }

  private static FakeMemory seeded(long seed, String privateKeyPem, java.math.BigInteger prime) {
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    SplittableRandom random = new SplittableRandom(seed);
    byte[] heap = new byte[HEAP_SIZE];
    fillWithFreedChunks(heap, random);
    List<String> secrets = new ArrayList<>();
    String session = HexFormat.of().formatHex(randomBytes(random, 16));
    String password = "Winter" + (2014 + random.nextInt(10)) + "!" + HexFormat.of().formatHex(randomBytes(random, 3));
    String basic = Base64.getEncoder().encodeToString(("bob:" + HexFormat.of().formatHex(randomBytes(random, 6)))
        .getBytes(StandardCharsets.US_ASCII));
    String bearer = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(random, 30));
    String remember = HexFormat.of().formatHex(randomBytes(random, 20));
    int end = 0;
    end = plant(heap, 64, end, "GET /account/overview HTTP/1.1\r\nHost: shop.example\r\n"
        + "User-Agent: Mozilla/5.0 (Windows NT 6.1; rv:28.0) Gecko/20100101 Firefox/28.0\r\n"
        + "Cookie: SESSIONID=" + session + "; lang=en\r\n\r\n");
    String form = "username=alice%40example.com&password=" + password;
    end = plant(heap, 1024, end, "POST /login HTTP/1.1\r\nHost: shop.example\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n" + form);
    end = plant(heap, 2560, end, "GET /api/v1/orders HTTP/1.1\r\nHost: api.shop.example\r\n"
        + "Authorization: Basic " + basic + "\r\nAccept: application/json\r\n\r\n");
    end = plant(heap, KEY_OFFSET, end, privateKeyPem);
    if (prime != null) {
      end = plantLittleEndian(heap, PRIME_OFFSET, end, prime);
    }
    end = plant(heap, 24 * 1024, end, "GET /admin/reports HTTP/1.1\r\nHost: intranet.example\r\n"
        + "Authorization: Bearer " + bearer + "\r\n\r\n");
    plant(heap, 48 * 1024, end, "GET / HTTP/1.1\r\nHost: shop.example\r\nCookie: remember_me=" + remember + "\r\n\r\n");
    secrets.add("SESSIONID=" + session);
    secrets.add("password=" + password);
    secrets.add("Authorization: Basic " + basic);
    secrets.add("Authorization: Bearer " + bearer);
    secrets.add("remember_me=" + remember);
    return new FakeMemory(heap, secrets);
  }

  /** Where the honeypot plants a source's canary: in garbage between the Basic-auth request and the key. */
  static final int CANARY_OFFSET = 5 * 1024;

  /** A copy with {@code text} planted at {@link #CANARY_OFFSET} too: the honeypot's per-source canary. */
  FakeMemory withCanary(String text) {
    if (CANARY_OFFSET + text.length() + 1 > KEY_OFFSET) {
      throw new IllegalArgumentException("a canary of " + text.length() + " bytes would reach the key at " + KEY_OFFSET);
    }
    byte[] copy = heap.clone();
    plant(copy, CANARY_OFFSET, 0, text);
    return new FakeMemory(copy, secrets);
  }

  /** The planted values (cookies, password, tokens), for tests that look for them in a leak. */
  List<String> secrets() {
    return secrets;
  }

  int heapSize() {
    return heap.length;
  }

  /**
   * The byte at {@code index} of the memory that starts with {@code record} and continues into the heap, as 1.0.1f's
   * pointer arithmetic sees it.
   */
  int byteAt(byte[] record, int index) {
    return (index < record.length ? record[index] : heap[index - record.length]) & 0xff;
  }

  /** {@code byteCount} bytes of that memory from {@code offset}: exactly what was asked, never more. */
  byte[] read(byte[] record, int offset, int byteCount) {
    if (offset < 0 || byteCount < 0 || (long) offset + byteCount > (long) record.length + heap.length) {
      throw new IndexOutOfBoundsException("read of " + byteCount + " bytes at " + offset + " exceeds memory of "
          + (record.length + heap.length) + " bytes");
    }
    byte[] out = new byte[byteCount];
    int fromRecord = Math.max(0, Math.min(byteCount, record.length - offset));
    if (fromRecord > 0) {
      System.arraycopy(record, offset, out, 0, fromRecord);
    }
    if (fromRecord < byteCount) {
      int heapStart = offset + fromRecord - record.length;
      System.arraycopy(heap, heapStart, out, fromRecord, byteCount - fromRecord);
    }
    return out;
  }

  private static int plant(byte[] heap, int offset, int previousEnd, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    if (offset < previousEnd || offset + bytes.length > heap.length) {
      throw new IllegalArgumentException("planted text of " + bytes.length + " bytes at " + offset
          + " overlaps the previous one (ends at " + previousEnd + ") or the heap's end");
    }
    System.arraycopy(bytes, 0, heap, offset, bytes.length);
    heap[offset + bytes.length] = 0; // C strings end in NUL, as they would in the real heap.
    return offset + bytes.length + 1;
  }

  /** bn_expand's words: the number's bytes least significant first, padded with zeros to whole 8-byte words. */
  private static int plantLittleEndian(byte[] heap, int offset, int previousEnd, java.math.BigInteger value) {
    byte[] bigEndian = value.toByteArray();
    int start = bigEndian[0] == 0 ? 1 : 0; // toByteArray's sign byte
    int length = bigEndian.length - start;
    int words = (length + 7) / 8;
    if (offset < previousEnd || offset + words * 8 > heap.length) {
      throw new IllegalArgumentException("a " + length + "-byte number at " + offset + " overlaps " + previousEnd);
    }
    java.util.Arrays.fill(heap, offset, offset + words * 8, (byte) 0);
    for (int i = 0; i < length; i++) {
      heap[offset + i] = bigEndian[bigEndian.length - 1 - i];
    }
    return offset + words * 8;
  }

  /** Freed chunks: runs of zeros, of small pointer-like words, and of random bytes, like a malloc arena. */
  private static void fillWithFreedChunks(byte[] heap, SplittableRandom random) {
    int i = 0;
    while (i < heap.length) {
      int run = Math.min(heap.length - i, 16 + random.nextInt(240));
      switch (random.nextInt(3)) {
        case 0 -> i += run; // zeros
        case 1 -> {
          for (int j = i; j + 8 <= i + run; j += 8) {
            long pointer = 0x00007f0000000000L | (random.nextLong() & 0xffffffff0L);
            for (int k = 0; k < 8; k++) {
              heap[j + k] = (byte) (pointer >>> (8 * k)); // little-endian, as on x86-64
            }
          }
          i += run;
        }
        default -> {
          for (int j = i; j < i + run; j++) {
            heap[j] = (byte) random.nextInt(256);
          }
          i += run;
        }
      }
    }
  }

  private static byte[] randomBytes(SplittableRandom random, int byteCount) {
    byte[] b = new byte[byteCount];
    random.nextBytes(b);
    return b;
  }
}
