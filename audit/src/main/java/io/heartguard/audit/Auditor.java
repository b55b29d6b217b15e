package io.heartguard.audit;

import io.heartguard.wire.PeerText;
import io.heartguard.audit.elf.RandomAccessInput;
import io.heartguard.audit.image.ImageArchive;
import io.heartguard.audit.image.LayeredTree;
import io.heartguard.audit.image.TarEntry;
import io.heartguard.audit.image.TarReader;
import io.heartguard.audit.pkg.Distribution;
import io.heartguard.audit.pkg.InstalledPackage;
import io.heartguard.audit.pkg.PackageDatabases;
import io.heartguard.audit.pkg.PackageVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Audits what the user names: a root filesystem (a directory), a container image (a {@code docker save} tar or an
 * OCI layout), or a single library, program or archive. Files are found by walking without following symbolic
 * links, so nothing outside the named root is read; package databases are read through links resolved inside it.
 * Problems with one file become one-line notes and the audit goes on.
 */
public final class Auditor {
  /** Pseudo filesystems under a live root ("/"): their files are not on a disk and reading some of them blocks. */
  private static final Set<String> PSEUDO_FILESYSTEMS = Set.of("proc", "sysfs", "devtmpfs", "devpts", "cgroup",
      "cgroup2", "securityfs", "debugfs", "tracefs", "pstore", "bpf", "fusectl", "configfs", "mqueue", "hugetlbfs",
      "binfmt_misc", "autofs", "efivarfs");
  /** Small files the package databases read out of an image; dpkg's per-package file lists are added by name. */
  private static final Set<String> IMAGE_SMALL_FILES = Set.of(PackageDatabases.DPKG_STATUS,
      PackageDatabases.APK_INSTALLED, "/etc/os-release", "/usr/lib/os-release", "/etc/alpine-release",
      "/etc/debian_version");
  private static final int MAX_SMALL_FILE = 64 << 20;

  /** Everything an audit found: the findings in the order found, and one-line notes about what could not be read. */
  public record Report(List<Finding> findings, List<String> notes) {}

  private final List<Finding> findings = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final OpenSslFinder finder = new OpenSslFinder(this::note);

  public synchronized Report report() {
    return new Report(List.copyOf(findings), List.copyOf(notes));
  }

  synchronized void note(String line) {
    notes.add(PeerText.printable(line));
  }

  public synchronized void add(Finding f) {
    findings.add(f);
  }

  /** Audits one path the user named. */
  public void audit(Path target) {
    try {
      Path real = target.toRealPath(); // the user's own link is followed; links found inside are not
      if (Files.isDirectory(real)) {
        if (ImageArchive.isLayoutDirectory(real)) {
          try (ImageArchive image = ImageArchive.openDirectory(real)) {
            images(real, image);
          }
        } else {
          directory(real);
        }
      } else if (isTar(real)) {
        try (ImageArchive image = ImageArchive.openTar(real)) {
          if (image.isImage()) {
            images(real, image);
          } else {
            note(real + ": a tar without manifest.json or an OCI index; not an image");
          }
        }
      } else {
        try (FileChannel c = FileChannel.open(real, StandardOpenOption.READ)) {
          List<Finding> found = finder.find(new Finding.Location(real, null), real.getFileName().toString(),
              RandomAccessInput.of(c), real, 0);
          if (found.isEmpty()) {
            note(real + ": no OpenSSL found (not an ELF file, zip, directory or image, or no OpenSSL banner in it)");
          }
          findings.addAll(found);
        }
      }
    } catch (IOException | RuntimeException e) {
      note(target + ": " + Text.oneLine(e));
    }
  }

  private static boolean isTar(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      if (c.size() < 512) {
        return false;
      }
      byte[] magic = RandomAccessInput.of(c).read(257, 5);
      return new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
    }
  }

  // ---- a root filesystem on disk

  private void directory(Path root) throws IOException {
    Map<String, Finding> byPath = new java.util.concurrent.ConcurrentHashMap<>();
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (!dir.equals(root) && dir.getParent().equals(root) && isPseudo(dir)) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && attrs.size() >= 8) {
          files.add(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        List<Finding> found = new ArrayList<>();
        finder.unreadable(new Finding.Location(file, null), String.valueOf(file.getFileName()), e, found);
        found.forEach(f -> byPath.put(inRoot(root, file), f));
        return FileVisitResult.CONTINUE;
      }
    });
    // Most of the time is waiting for the disk and the page cache: a few threads keep more reads in flight.
    int threads = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      int slice = Math.max(1, files.size() / (threads * 16));
      for (int from = 0; from < files.size(); from += slice) {
        List<Path> part = files.subList(from, Math.min(files.size(), from + slice));
        done.add(pool.submit(() -> part.forEach(file -> examine(root, file, byPath))));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("audit interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    packages(new DirectoryTree(root), new java.util.TreeMap<>(byPath),
        inRoot -> new Finding.Location(root.resolve(inRoot.substring(1)), null));
  }

  private void examine(Path root, Path file, Map<String, Finding> byPath) {
    Finding.Location where = new Finding.Location(file, null);
    String name = file.getFileName().toString();
    List<Finding> found = new ArrayList<>();
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
      found = finder.find(where, name, RandomAccessInput.of(c), file, 0);
    } catch (IOException | RuntimeException e) {
      finder.unreadable(where, name, e, found);
    }
    for (Finding f : found) {
      byPath.put(inRoot(root, file) + (f.location().member() == null ? "" : "!" + f.location().member()), f);
    }
  }

  private static String inRoot(Path root, Path file) {
    return "/" + root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  private static boolean isPseudo(Path dir) {
    try {
      return PSEUDO_FILESYSTEMS.contains(Files.getFileStore(dir).type());
    } catch (IOException e) {
      return false;
    }
  }

  // ---- images

  private void images(Path file, ImageArchive archive) throws IOException {
    List<ImageArchive.Image> images = archive.images();
    if (images.isEmpty()) {
      note(file + ": the image index lists no image");
    }
    for (ImageArchive.Image image : images) {
      String prefix = images.size() == 1 ? "" : "[" + image.name() + "]";
      try {
        image(file, prefix, image);
      } catch (IOException | RuntimeException e) {
        note(file + (prefix.isEmpty() ? "" : " " + prefix) + ": " + Text.oneLine(e));
      }
    }
  }

  private void image(Path file, String prefix, ImageArchive.Image image) throws IOException {
    LayeredTree tree = new LayeredTree();
    List<ImageArchive.Layer> layers = image.layers();
    for (int i = 0; i < layers.size(); i++) {
      try (InputStream in = layerStream(layers.get(i))) {
        TarReader reader = new TarReader(in);
        for (TarEntry e; (e = reader.next()) != null; ) {
          tree.apply(i, e);
        }
      }
    }
    Set<String> small = new HashSet<>();
    for (String p : IMAGE_SMALL_FILES) {
      small.add(tree.resolve(p));
    }
    String info = tree.resolve("/var/lib/dpkg/info");
    for (String name : tree.list(info)) {
      if (name.endsWith(".list")) {
        small.add(info + "/" + name);
      }
    }
    Map<String, Finding> byPath = new LinkedHashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      ImageArchive.Layer layer = layers.get(i);
      boolean compressed = isCompressed(layer);
      try (InputStream in = layerStream(layer)) {
        TarReader reader = new TarReader(in);
        for (TarEntry e; (e = reader.next()) != null; ) {
          String path = "/" + e.name();
          LayeredTree.Node n = tree.nodes().get(path);
          if (n == null || n.layer() != i || n.entry().dataOffset() != e.dataOffset() || !e.isRegularFile()) {
            continue; // hidden by a later layer or a whiteout, or not a file
          }
          if (small.contains(path)) {
            if (e.size() <= MAX_SMALL_FILE) {
              tree.keep(path, reader.readContent(MAX_SMALL_FILE));
            }
            continue;
          }
          if (e.size() < 8) {
            continue;
          }
          Finding.Location where = new Finding.Location(file, prefix + path);
          String name = path.substring(path.lastIndexOf('/') + 1);
          List<Finding> found;
          if (!compressed) {
            found = finder.find(where, name, layer.bytes().window(e.dataOffset(), e.size()), null, 0);
          } else {
            found = fromStream(where, name, e, reader);
          }
          for (Finding f : found) {
            byPath.put(path + (f.location().member() == null || f.location().member().equals(prefix + path) ? ""
                : "!" + f.location().member()), f);
          }
        }
      }
    }
    packages(tree, byPath, inRoot -> new Finding.Location(file, prefix + inRoot));
  }

  /** A member of a compressed layer: only an ELF file or a zip is read into memory, and only within the bound. */
  private List<Finding> fromStream(Finding.Location where, String name, TarEntry e, TarReader reader) throws IOException {
    byte[] head = reader.readContent(8);
    boolean interesting = io.heartguard.audit.elf.ElfFile.isElf(head, head.length) || OpenSslFinder.isZip(head, head.length);
    if (!interesting) {
      return List.of();
    }
    if (e.size() > OpenSslFinder.MAX_MEMBER) {
      note(where.display() + ": " + e.size() + " bytes in a compressed layer, over "
          + (OpenSslFinder.MAX_MEMBER >> 20) + " MiB; not read");
      return List.of();
    }
    byte[] rest = reader.readContent((int) e.size() - head.length);
    byte[] all = new byte[head.length + rest.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(rest, 0, all, head.length, rest.length);
    return finder.find(where, name, RandomAccessInput.of(all), null, 0);
  }

  private static boolean isCompressed(ImageArchive.Layer layer) throws IOException {
    if (layer.bytes().size() < 4) {
      return false;
    }
    byte[] m = layer.bytes().read(0, 4);
    if ((m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) {
      throw new IOException("layer " + layer.name() + " is zstd-compressed, which this audit does not read");
    }
    return (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b;
  }

  private static InputStream layerStream(ImageArchive.Layer layer) throws IOException {
    InputStream raw = layer.bytes().stream();
    return isCompressed(layer) ? new GZIPInputStream(raw, 1 << 16) : raw;
  }

  // ---- package databases, and the files their packages own

  /**
   * Adds the root's openssl packages as findings, and lets each package speak for the files it installed: a file
   * whose banner is in the affected range but which belongs to a package at or after its distribution's fixed
   * version was patched by the distribution (DSA-2896-1 kept "1.0.1e" in the banner).
   */
  private void packages(RootTree tree, Map<String, Finding> byPath, java.util.function.Function<String, Finding.Location> at)
      throws IOException {
    List<InstalledPackage> installed = List.of();
    Distribution distro = new Distribution(null, null);
    try {
      installed = PackageDatabases.read(tree);
      if (!installed.isEmpty()) {
        distro = Distribution.detect(tree);
      }
    } catch (IOException | RuntimeException e) {
      note(at.apply("/").display() + ": package database: " + Text.oneLine(e));
    }
    Map<String, Finding> owners = new HashMap<>();
    Map<String, PackageVerdict> verdictOf = new HashMap<>();
    for (InstalledPackage p : installed) {
      PackageVerdict v = PackageVerdict.of(p, distro);
      String db = p.database().equals("dpkg") ? PackageDatabases.DPKG_STATUS : PackageDatabases.APK_INSTALLED;
      Finding finding = new Finding(v.verdict(), Finding.Kind.PACKAGE, at.apply(db).inside(p.name()), p.version(),
          v.evidence(), null);
      findings.add(finding);
      for (String f : p.files()) {
        try {
          String resolved = tree.resolve(f);
          owners.put(resolved, finding);
          verdictOf.put(resolved, v);
        } catch (IOException e) {
          note(at.apply(f).display() + ": " + Text.oneLine(e));
        }
      }
    }
    for (Map.Entry<String, Finding> e : byPath.entrySet()) {
      Finding f = e.getValue();
      PackageVerdict owner = verdictOf.get(e.getKey());
      if (owner != null && f.verdict() != Verdict.NOT_VULNERABLE) {
        Finding pkg = owners.get(e.getKey());
        String who = "installed by " + pkg.location().member().substring(pkg.location().member().lastIndexOf('!') + 1)
            + " " + pkg.version();
        f = owner.distroPatched()
            ? f.decidedBy(Verdict.NOT_VULNERABLE, "distribution-patched: " + who + ", at or after its fixed version")
            : f.decidedBy(f.verdict(), who + " (" + owner.verdict() + ")");
      }
      findings.add(f);
    }
  }

  /** A root filesystem on disk, as the package databases read it: links resolved inside the root. */
  private static final class DirectoryTree implements RootTree {
    private final Path root;

    DirectoryTree(Path root) {
      this.root = root;
    }

    private Path onDisk(String inRoot) {
      return inRoot.equals("/") ? root : root.resolve(inRoot.substring(1));
    }

    @Override
    public byte[] readSmall(String path, int maxBytes) throws IOException {
      Path p = onDisk(resolve(path));
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      long size = Files.size(p);
      if (size > maxBytes) {
        throw new IOException(path + " is " + size + " bytes, over " + maxBytes);
      }
      return Files.readAllBytes(p);
    }

    @Override
    public List<String> list(String directory) throws IOException {
      Path p = onDisk(resolve(directory));
      if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        return List.of();
      }
      try (var s = Files.list(p)) {
        return s.map(x -> x.getFileName().toString()).toList();
      }
    }

    @Override
    public String resolve(String path) throws IOException {
      return RootPaths.resolve(path, p -> {
        Path d = onDisk(p);
        return Files.isSymbolicLink(d) ? Files.readSymbolicLink(d).toString() : null;
      });
    }
  }
}
