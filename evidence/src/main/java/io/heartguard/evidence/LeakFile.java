package io.heartguard.evidence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The one way heartguard writes leaked memory to disk ({@code scan --dump}, {@code client-test --dump},
 * {@code sensor --dump-leaks}). Leaked memory is sensitive, so the file is readable by its owner only from the moment
 * it exists (created with mode 600, never chmod-ed afterwards), and it is a regular file: a symbolic link is never
 * followed (an attacker's link in a shared directory could point anywhere), and a device, a pipe or a directory
 * ({@code /dev/stdout}, a FIFO) is refused, so leaked bytes never reach a terminal or another process.
 * An existing regular file is truncated only when the user running heartguard owns it.
 */
public final class LeakFile implements AutoCloseable {
  private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final FileChannel channel;

  private LeakFile(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Creates {@code path} with mode 600, or truncates it when it is a regular file of ours. Throws an
   * {@link IOException} whose message is one line saying why the path was refused.
   */
  public static LeakFile create(Path path) throws IOException {
    try {
      return new LeakFile(FileChannel.open(path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS), ownerOnly(OWNER_READ_WRITE)));
    } catch (FileAlreadyExistsException e) {
      return reuse(path);
    } catch (NoSuchFileException e) {
      throw new IOException("its directory does not exist", e);
    }
  }

  /** An existing path: checked before it is opened, since opening a FIFO for writing would block. */
  private static LeakFile reuse(Path path) throws IOException {
    refuseUnlessOurRegularFile(path);
    // O_NOFOLLOW: a link swapped in since the check fails here instead of being followed.
    FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try {
      refuseUnlessOurRegularFile(path);
      if (POSIX) {
        // Narrow the mode before anything is written; the old content goes with the truncation below.
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setPermissions(OWNER_READ_WRITE);
      }
      channel.truncate(0);
      return new LeakFile(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void refuseUnlessOurRegularFile(Path path) throws IOException {
    BasicFileAttributes attributes = POSIX
        ? Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new IOException("it is a symbolic link; leaked memory goes only to a regular file");
    }
    if (!attributes.isRegularFile()) {
      throw new IOException("it exists and is not a regular file");
    }
    if (attributes instanceof PosixFileAttributes posix && !posix.owner().equals(currentUser())) {
      throw new IOException("it belongs to " + posix.owner().getName() + ", not to the user running heartguard");
    }
  }

  private static UserPrincipal currentUser() throws IOException {
    return FileSystems.getDefault().getUserPrincipalLookupService()
        .lookupPrincipalByName(System.getProperty("user.name"));
  }

  /**
   * Creates {@code directory} and any missing parents readable by their owner only, for a directory of leak files;
   * an existing directory is used as it is.
   */
  public static Path createDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return directory;
    }
    return Files.createDirectories(directory, ownerOnly(OWNER_ONLY_DIRECTORY));
  }

  private static FileAttribute<?>[] ownerOnly(Set<PosixFilePermission> permissions) {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
  }

  /** Appends {@code length} bytes of {@code leaked} from {@code offset}; safe to call from several threads. */
  public synchronized void write(byte[] leaked, int offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(leaked, offset, length);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  public void write(byte[] leaked) throws IOException {
    write(leaked, 0, leaked.length);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
