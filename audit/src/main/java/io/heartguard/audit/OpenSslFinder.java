package io.heartguard.audit;

import io.heartguard.audit.elf.ElfFile;
import io.heartguard.audit.elf.RandomAccessInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Finds the OpenSSL copies in one file: an ELF file is read as a library or a program (headers and the sections
 * needed, not the whole file); a zip or jar is opened in memory, and its native libraries (Netty's tcnative ships
 * them under META-INF/native/) and nested archives are read the same way, each within a size bound.
 */
final class OpenSslFinder {
  /** A native library or nested archive read into memory from an archive; tcnative's are a few megabytes. */
  static final int MAX_MEMBER = 256 << 20;
  /** Entries looked at in one archive; a real jar has thousands, a zip bomb millions. */
  static final int MAX_ENTRIES = 200_000;
  /** Archives inside archives inside archives (an ear holding a war holding a jar) and no deeper. */
  static final int MAX_NESTING = 3;

  private final Consumer<String> notes;

  OpenSslFinder(Consumer<String> notes) {
    this.notes = notes;
  }

  /** Whether these leading bytes start a zip (local file header, PKWARE APPNOTE 4.3.7). */
  static boolean isZip(byte[] head, int n) {
    return n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  /**
   * The copies in one file. {@code onDisk} is the file itself when it is a plain file (a zip is then read through its
   * central directory), null for a member of an image or an archive.
   */
  List<Finding> find(Finding.Location where, String fileName, RandomAccessInput in, Path onDisk, int depth) {
    List<Finding> found = new ArrayList<>();
    try {
      if (in.size() < 8) {
        return found;
      }
      byte[] head = in.read(0, 8);
      if (ElfFile.isElf(head, 8)) {
        elf(where, fileName, in).ifPresent(found::add);
      } else if (isZip(head, 8) && depth < MAX_NESTING) {
        if (onDisk != null) {
          zipFile(where, onDisk, depth, found);
        } else {
          zipStream(where, in.stream(), depth, found);
        }
      }
    } catch (IOException | RuntimeException e) {
      unreadable(where, fileName, e, found);
    }
    return found;
  }

  /** A file that could not be read is a note, or an INCONCLUSIVE finding when its name says it is libssl or libcrypto. */
  void unreadable(Finding.Location where, String fileName, Exception e, List<Finding> found) {
    String why = Text.oneLine(e);
    if (OpenSslBuild.isLibraryName(fileName)) {
      found.add(new Finding(Verdict.INCONCLUSIVE, Finding.Kind.SHARED_LIBRARY, where, null,
          List.of("named like an OpenSSL library but could not be read: " + why), null));
    } else {
      notes.accept(where.display() + ": " + why);
    }
  }

  private static Optional<Finding> elf(Finding.Location where, String fileName, RandomAccessInput in) throws IOException {
    return OpenSslBuild.read(fileName, in).map(b -> new Finding(b.verdict(),
        b.role() == OpenSslBuild.Role.STATIC_COPY ? Finding.Kind.STATIC_COPY : Finding.Kind.SHARED_LIBRARY, where,
        b.version() == null ? null : b.version().toString(), b.reasons(), null));
  }

  private void zipFile(Finding.Location where, Path file, int depth, List<Finding> found) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      int seen = 0;
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry e = entries.nextElement();
        if (++seen > MAX_ENTRIES) {
          notes.accept(where.display() + ": more than " + MAX_ENTRIES + " entries; the rest were not read");
          return;
        }
        if (wanted(e)) {
          try (InputStream in = zip.getInputStream(e)) {
            member(where, e, in, depth, found);
          }
        }
      }
    }
  }

  private void zipStream(Finding.Location where, InputStream raw, int depth, List<Finding> found) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(raw)) {
      int seen = 0;
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (++seen > MAX_ENTRIES) {
          notes.accept(where.display() + ": more than " + MAX_ENTRIES + " entries; the rest were not read");
          return;
        }
        if (wanted(e)) {
          member(where, e, zip, depth, found);
        }
      }
    }
  }

  /** Native libraries (".so", ".so.1.0.0") and archives that may hold them. */
  private static boolean wanted(ZipEntry e) {
    String n = e.getName();
    String base = n.substring(n.lastIndexOf('/') + 1);
    return !e.isDirectory() && (base.endsWith(".so") || base.contains(".so.") || base.endsWith(".jar")
        || base.endsWith(".war") || base.endsWith(".ear") || base.endsWith(".zip"));
  }

  private void member(Finding.Location where, ZipEntry e, InputStream in, int depth, List<Finding> found)
      throws IOException {
    Finding.Location inner = where.inside(e.getName());
    byte[] bytes = in.readNBytes(MAX_MEMBER + 1);
    if (bytes.length > MAX_MEMBER) {
      notes.accept(inner.display() + ": over " + (MAX_MEMBER >> 20) + " MiB; not read");
      return;
    }
    String base = e.getName().substring(e.getName().lastIndexOf('/') + 1);
    found.addAll(find(inner, base, RandomAccessInput.of(bytes), null, depth + 1));
  }
}
