package io.heartguard.audit.proc;

import io.heartguard.audit.Finding;
import io.heartguard.audit.OpenSslBuild;
import io.heartguard.audit.Verdict;
import io.heartguard.audit.elf.RandomAccessInput;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code --processes}: which running processes still use a vulnerable OpenSSL, or one that has been deleted or
 * replaced on disk since they mapped it. Reads /proc/PID/maps (proc(5): "address perms offset dev inode pathname",
 * the pathname followed by " (deleted)" once unlinked), compares each mapped library's device and inode with the file
 * now at its path, and reads the mapped copy itself through /proc/PID/map_files, so a deleted library is still
 * judged by its own bytes.
 */
public final class ProcessAudit {
  private static final String DELETED = " (deleted)";
  /** A maps file of a large process is a few hundred kilobytes; this bounds a hostile one. */
  private static final int MAX_MAPS = 16 << 20;

  private final Path proc;
  private final Consumer<Finding> findings;
  private final Consumer<String> notes;
  private int unreadable;
  private int current;

  public ProcessAudit(Path proc, Consumer<Finding> findings, Consumer<String> notes) {
    this.proc = proc;
    this.findings = findings;
    this.notes = notes;
  }

  /** One mapping line of an OpenSSL library. */
  record Mapping(String range, int devMajor, int devMinor, long inode, String path, boolean deleted) {}

  /** Audits the given processes, or every process when {@code pids} is empty. */
  public void audit(Set<Long> pids) throws IOException {
    List<Long> all = new ArrayList<>();
    if (pids.isEmpty()) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d{1,10}"))) {
        dirs.forEach(d -> all.add(Long.parseLong(d.getFileName().toString())));
      }
    } else {
      all.addAll(pids);
    }
    for (long pid : all) {
      process(pid, !pids.isEmpty());
    }
    if (unreadable > 0) {
      notes.accept("maps of " + unreadable + " processes could not be read (they exited, or permission denied: run as"
          + " root to see every process)");
    }
    if (current > 0) {
      notes.accept(current + " mappings of OpenSSL libraries are current and not vulnerable; not listed");
    }
  }

  private void process(long pid, boolean asked) {
    Path dir = proc.resolve(Long.toString(pid));
    List<Mapping> libraries;
    try {
      libraries = libraries(Files.readString(dir.resolve("maps"), StandardCharsets.ISO_8859_1));
    } catch (IOException | RuntimeException e) {
      if (asked) {
        notes.accept("pid " + pid + ": maps not readable: " + (e instanceof NoSuchFileException ? "no such process" : e.getMessage()));
      } else {
        unreadable++;
      }
      return;
    }
    if (libraries.isEmpty()) {
      if (asked) {
        notes.accept("pid " + pid + ": maps no OpenSSL library");
      }
      return;
    }
    String command = firstLine(dir.resolve("comm"));
    String user;
    try {
      user = Files.getOwner(dir).getName();
    } catch (IOException e) {
      user = "?";
    }
    for (Mapping m : libraries) {
      library(pid, dir, command, user, m);
    }
  }

  private void library(long pid, Path dir, String command, String user, Mapping m) {
    List<String> evidence = new ArrayList<>();
    boolean replaced = m.deleted();
    Path onDisk = dir.resolve("root").resolve(m.path().substring(1));
    if (m.deleted()) {
      evidence.add("the mapped file was deleted since the process mapped it");
    } else {
      try {
        long ino = (Long) Files.getAttribute(onDisk, "unix:ino");
        long dev = (Long) Files.getAttribute(onDisk, "unix:dev");
        if (ino != m.inode() || major(dev) != m.devMajor() || minor(dev) != m.devMinor()) {
          replaced = true;
          evidence.add("replaced on disk: mapped inode " + m.inode() + " on " + hex(m.devMajor(), m.devMinor())
              + ", the file there now is inode " + ino + " on " + hex(major(dev), minor(dev)));
        }
      } catch (IOException | RuntimeException e) {
        replaced = true;
        evidence.add("the mapped path no longer opens: " + e.getMessage());
      }
    }
    String name = m.path().substring(m.path().lastIndexOf('/') + 1);
    Optional<OpenSslBuild> build = Optional.empty();
    String readError = null;
    for (Path copy : replaced ? List.of(dir.resolve("map_files").resolve(m.range()))
        : List.of(dir.resolve("map_files").resolve(m.range()), onDisk)) {
      try (FileChannel c = FileChannel.open(copy, StandardOpenOption.READ)) {
        build = OpenSslBuild.read(name, RandomAccessInput.of(c));
        readError = null;
        evidence.add("read the mapped copy through " + (copy.startsWith(dir.resolve("map_files")) ? "/proc/" + pid + "/map_files" : "its path"));
        break;
      } catch (IOException | RuntimeException e) {
        readError = e.getMessage();
      }
    }
    if (build.isEmpty() && readError == null) {
      return; // no OpenSSL in it: a tcnative built on BoringSSL, say, which never had the bug
    }
    Verdict verdict;
    String version = null;
    if (build.isPresent()) {
      verdict = build.get().verdict();
      version = build.get().version() == null ? null : build.get().version().toString();
      evidence.addAll(build.get().reasons());
    } else {
      verdict = Verdict.INCONCLUSIVE;
      evidence.add("the mapped copy could not be read: " + readError);
    }
    if (replaced) {
      evidence.add("restart needed: the process keeps the old copy until it restarts");
    }
    if (verdict == Verdict.NOT_VULNERABLE && !replaced) {
      current++;
      return;
    }
    findings.accept(new Finding(verdict, Finding.Kind.PROCESS, new Finding.Location(Path.of(m.path()), null), version,
        evidence, new Finding.ProcessInfo(pid, user, command, replaced)));
  }

  /** The OpenSSL libraries in a maps file, one mapping per library (the first: every range maps the same file). */
  static List<Mapping> libraries(String maps) {
    if (maps.length() > MAX_MAPS) {
      throw new IllegalArgumentException("maps is over " + MAX_MAPS + " bytes");
    }
    Map<String, Mapping> byFile = new LinkedHashMap<>();
    for (String line : maps.split("\n")) {
      String[] f = line.split("\\s+", 6);
      if (f.length < 6 || !f[5].startsWith("/")) {
        continue;
      }
      String path = f[5];
      boolean deleted = path.endsWith(DELETED);
      if (deleted) {
        path = path.substring(0, path.length() - DELETED.length());
      }
      String base = path.substring(path.lastIndexOf('/') + 1);
      if (!OpenSslBuild.isLibraryName(base) && !base.contains("tcnative")) {
        continue;
      }
      String[] dev = f[3].split(":");
      if (dev.length != 2) {
        continue;
      }
      Mapping m = new Mapping(f[0], Integer.parseInt(dev[0], 16), Integer.parseInt(dev[1], 16), Long.parseLong(f[4]),
          path, deleted);
      byFile.putIfAbsent(f[3] + " " + f[4] + " " + path, m);
    }
    return List.copyOf(byFile.values());
  }

  /** glibc's gnu_dev_major/gnu_dev_minor: how st_dev packs the numbers that maps prints in hex. */
  static int major(long dev) {
    return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
  }

  static int minor(long dev) {
    return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
  }

  private static String hex(int major, int minor) {
    return String.format("%02x:%02x", major, minor);
  }

  private static String firstLine(Path p) {
    try {
      String s = Files.readString(p, StandardCharsets.UTF_8);
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
