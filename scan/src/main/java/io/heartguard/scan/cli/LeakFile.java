package io.heartguard.scan.cli;

import io.heartguard.scan.LeakDump;
import io.heartguard.scan.Target;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** The {@code --dump} file: raw leaked bytes, appended in the order read, readable by its owner only. */
final class LeakFile implements LeakDump, AutoCloseable {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final FileChannel channel;

  private LeakFile(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Creates or truncates {@code path}, readable by its owner only. A path that exists but is not a regular file (a
   * terminal, /dev/stdout, a pipe) is refused: leaked memory goes to a file or nowhere.
   */
  static LeakFile create(Path path) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (Files.exists(path)) {
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("it exists and is not a regular file");
      }
      if (posix) {
        Files.setPosixFilePermissions(path, OWNER_ONLY);
      }
    } else if (posix) {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    return new LeakFile(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS));
  }

  @Override
  public synchronized void write(Target target, byte[] leaked, int offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(leaked, offset, length);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
