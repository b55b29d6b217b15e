package io.heartguard.evidence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeakFileTest {
  @TempDir Path dir;

  @Test
  void aNewFileIsCreatedReadableByItsOwnerOnly() throws IOException {
    Path file = dir.resolve("leak.bin");
    try (LeakFile leak = LeakFile.create(file)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      leak.write(new byte[] {1, 2, 3, 4}, 1, 2);
    }
    assertThat(Files.readAllBytes(file)).containsExactly(2, 3);
  }

  @Test
  void anExistingFileOfOursIsTruncatedAndNarrowedToOwnerOnly() throws IOException {
    Path file = dir.resolve("old.bin");
    Files.writeString(file, "an older, longer dump");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (LeakFile leak = LeakFile.create(file)) {
      leak.write("new".getBytes(StandardCharsets.US_ASCII));
    }
    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  @Test
  void aSymbolicLinkIsNeverFollowed() throws IOException {
    Path target = dir.resolve("victim.txt");
    Files.writeString(target, "keep me");
    Path link = Files.createSymbolicLink(dir.resolve("leak.bin"), target);
    assertThatThrownBy(() -> LeakFile.create(link)).isInstanceOf(IOException.class)
        .hasMessage("it is a symbolic link; leaked memory goes only to a regular file");
    assertThat(Files.readString(target)).isEqualTo("keep me");
  }

  @Test
  void aDanglingSymbolicLinkCreatesNothingWhereItPoints() throws IOException {
    Path target = dir.resolve("elsewhere.bin");
    Path link = Files.createSymbolicLink(dir.resolve("leak.bin"), target);
    assertThatThrownBy(() -> LeakFile.create(link)).hasMessage("it is a symbolic link; leaked memory goes only to a regular file");
    assertThat(target).doesNotExist();
  }

  @Test
  void standardOutputIsRefused() {
    Path stdout = Path.of("/dev/stdout");
    assumeTrue(Files.exists(stdout, LinkOption.NOFOLLOW_LINKS));
    assertThatThrownBy(() -> LeakFile.create(stdout)).isInstanceOf(IOException.class)
        .hasMessageMatching("it is a symbolic link; .*|it exists and is not a regular file");
  }

  @Test
  void aDeviceIsRefused() {
    assertThatThrownBy(() -> LeakFile.create(Path.of("/dev/null"))).hasMessage("it exists and is not a regular file");
  }

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("pipe");
    int exit;
    try {
      exit = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
    } catch (IOException e) {
      exit = -1;
    }
    assumeTrue(exit == 0, "mkfifo is not available");
    assertThatThrownBy(() -> LeakFile.create(fifo)).hasMessage("it exists and is not a regular file");
  }

  @Test
  void aDirectoryIsRefused() {
    assertThatThrownBy(() -> LeakFile.create(dir)).hasMessage("it exists and is not a regular file");
  }

  @Test
  void aMissingDirectoryIsOneLine() {
    assertThatThrownBy(() -> LeakFile.create(dir.resolve("no/such/leak.bin"))).hasMessage("its directory does not exist");
  }

  @Test
  void aDirectoryOfLeakFilesIsCreatedOwnerOnly() throws IOException {
    Path leaks = LeakFile.createDirectories(dir.resolve("leaks/today"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(leaks))).isEqualTo("rwx------");
  }
}
