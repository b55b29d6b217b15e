package io.heartguard.audit.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** proc(5) maps lines: "address perms offset dev inode pathname", " (deleted)" after an unlinked file's path. */
class ProcessMapsTest {
  @Test
  void oneMappingPerLibraryFileWithDeviceInodeAndDeletedMarker() {
    String maps = """
        7f0000000000-7f0000001000 r--p 00000000 fe:00 5595150                    /usr/lib/x86_64-linux-gnu/libssl.so.3
        7f0000001000-7f0000002000 r-xp 00001000 fe:00 5595150                    /usr/lib/x86_64-linux-gnu/libssl.so.3
        7f0000003000-7f0000004000 r--p 00000000 08:01 42                         /tmp/my lib/libcrypto.so.1.0.0 (deleted)
        7f0000005000-7f0000006000 r--p 00000000 fe:00 77                         /usr/lib/libz.so.1
        7f0000007000-7f0000008000 rw-p 00000000 00:00 0                          [heap]
        """;
    List<ProcessAudit.Mapping> libs = ProcessAudit.libraries(maps);
    assertThat(libs).containsExactly(
        new ProcessAudit.Mapping("7f0000000000-7f0000001000", 0xfe, 0, 5595150, "/usr/lib/x86_64-linux-gnu/libssl.so.3", false),
        new ProcessAudit.Mapping("7f0000003000-7f0000004000", 8, 1, 42, "/tmp/my lib/libcrypto.so.1.0.0", true));
  }

  @Test
  void stDevSplitsIntoTheMajorAndMinorThatMapsPrints() {
    assertThat(ProcessAudit.major(0xfe00L)).isEqualTo(0xfe);
    assertThat(ProcessAudit.minor(0xfe00L)).isZero();
    // Large numbers: glibc's makedev puts minor bits 8+ at 20 and major bits 12+ at 44.
    long dev = (0x1234L & 0xfff) << 8 | (0x1234L & ~0xfffL) << 32 | (0x56789L & 0xff) | (0x56789L & ~0xffL) << 12;
    assertThat(ProcessAudit.major(dev)).isEqualTo(0x1234);
    assertThat(ProcessAudit.minor(dev)).isEqualTo(0x56789);
  }
}
