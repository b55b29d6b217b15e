package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FakeMemoryTest {
  private static final String KEY_PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----\n";

  private static String heapText(FakeMemory memory) {
    byte[] all = memory.read(new byte[0], 0, memory.heapSize());
    return new String(all, StandardCharsets.ISO_8859_1);
  }

  @Test
  void theHeapHoldsTheServersPrivateKeyPemInsideTheFirst16KiB() {
    FakeMemory memory = FakeMemory.seeded(1, KEY_PEM);
    String heap = heapText(memory);
    assertThat(heap.indexOf(KEY_PEM)).isEqualTo(FakeMemory.KEY_OFFSET);
    assertThat(FakeMemory.KEY_OFFSET + KEY_PEM.length()).isLessThan(16 * 1024);
  }

  @Test
  void theHeapHoldsCookiesAuthorizationHeadersAndAPassword() {
    FakeMemory memory = FakeMemory.seeded(1, KEY_PEM);
    String heap = heapText(memory);
    assertThat(memory.secrets()).hasSize(5);
    assertThat(memory.secrets()).allSatisfy(secret -> assertThat(heap).contains(secret));
    assertThat(heap).contains("Cookie: SESSIONID=", "Authorization: Basic ", "Authorization: Bearer ", "&password=");
  }

  @Test
  void theSameSeedBuildsTheSameHeapAndAnotherSeedAnotherOne() {
    assertThat(heapText(FakeMemory.seeded(5, KEY_PEM))).isEqualTo(heapText(FakeMemory.seeded(5, KEY_PEM)));
    assertThat(FakeMemory.seeded(5, KEY_PEM).secrets()).isNotEqualTo(FakeMemory.seeded(6, KEY_PEM).secrets());
  }

  @Test
  void memoryIsTheRecordFollowedByTheHeap() {
    FakeMemory memory = FakeMemory.seeded(1, KEY_PEM);
    byte[] record = {1, 0x40, 0x00};
    byte[] heapStart = memory.read(new byte[0], 0, 8);
    byte[] read = memory.read(record, 1, 10);
    assertThat(Arrays.copyOfRange(read, 0, 2)).containsExactly(0x40, 0x00);
    assertThat(Arrays.copyOfRange(read, 2, 10)).isEqualTo(heapStart);
    assertThat(memory.byteAt(record, 3)).isEqualTo(heapStart[0] & 0xff);
  }

  @Test
  void aReadReturnsExactlyTheBytesAskedForAndNeverMore() {
    FakeMemory memory = FakeMemory.seeded(1, KEY_PEM);
    assertThat(memory.read(new byte[3], 3, 0)).isEmpty();
    assertThat(memory.read(new byte[3], 3, 65_535)).hasSize(65_535);
  }

  @Test
  void aReadPastTheEndOfMemoryIsRefused() {
    FakeMemory memory = FakeMemory.seeded(1, KEY_PEM);
    assertThatThrownBy(() -> memory.read(new byte[3], 3, FakeMemory.HEAP_SIZE + 1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessage("read of 81921 bytes at 3 exceeds memory of 81923 bytes");
  }

  @Test
  void theHeapIsLongEnoughForTheLargestClaimFromTheSmallestRecord() {
    // A 1-byte record claiming 65535 reads up to offset 3 + 65535.
    assertThat(1 + FakeMemory.HEAP_SIZE).isGreaterThanOrEqualTo(3 + 65_535);
  }
}
