package io.heartguard.audit.pkg;

import io.heartguard.audit.RootTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the openssl packages out of a root's package databases: Debian and Ubuntu's {@code /var/lib/dpkg/status}
 * (deb-control(5) paragraphs; the files come from {@code /var/lib/dpkg/info/PACKAGE[:ARCH].list}) and Alpine's
 * {@code /lib/apk/db/installed} (apk's one-letter fields: P name, V version, o origin, F directory, R file).
 */
public final class PackageDatabases {
  public static final String DPKG_STATUS = "/var/lib/dpkg/status";
  public static final String APK_INSTALLED = "/lib/apk/db/installed";
  /** A status file of a big system is a few megabytes; a bigger one is not a package database we read. */
  static final int MAX_DATABASE = 64 << 20;
  static final int MAX_FILE_LIST = 4 << 20;
  private static final String SOURCE = "openssl";

  private PackageDatabases() {}

  /** The installed packages built from openssl, from whichever databases the root has. */
  public static List<InstalledPackage> read(RootTree root) throws IOException {
    List<InstalledPackage> found = new ArrayList<>();
    byte[] status = root.readSmall(DPKG_STATUS, MAX_DATABASE);
    if (status != null) {
      found.addAll(dpkg(root, new String(status, StandardCharsets.UTF_8)));
    }
    byte[] apk = root.readSmall(APK_INSTALLED, MAX_DATABASE);
    if (apk != null) {
      found.addAll(apk(new String(apk, StandardCharsets.UTF_8)));
    }
    return found;
  }

  static List<InstalledPackage> dpkg(RootTree root, String status) throws IOException {
    List<InstalledPackage> found = new ArrayList<>();
    List<String> infoFiles = root.list("/var/lib/dpkg/info");
    for (Map<String, String> p : paragraphs(status, ':')) {
      String name = p.getOrDefault("Package", "");
      String source = p.getOrDefault("Source", name).split(" ", 2)[0]; // "openssl (1.0.1e-2+deb7u5)"
      // deb-control(5): "install ok installed" is the only state whose files are all on disk.
      if (!source.equals(SOURCE) || !p.getOrDefault("Status", "").endsWith(" installed") || !p.containsKey("Version")) {
        continue;
      }
      List<String> files = new ArrayList<>();
      for (String listName : List.of(name + ".list", name + ":" + p.getOrDefault("Architecture", "") + ".list")) {
        if (infoFiles.contains(listName)) {
          byte[] list = root.readSmall("/var/lib/dpkg/info/" + listName, MAX_FILE_LIST);
          if (list != null) {
            new String(list, StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("/")).forEach(files::add);
          }
        }
      }
      found.add(new InstalledPackage("dpkg", name, p.get("Version"), files));
    }
    return found;
  }

  static List<InstalledPackage> apk(String installed) {
    List<InstalledPackage> found = new ArrayList<>();
    for (String block : installed.split("\\n\\s*\\n")) {
      String name = null;
      String version = null;
      String origin = null;
      String dir = "";
      List<String> files = new ArrayList<>();
      for (String line : block.split("\\n")) {
        if (line.length() < 2 || line.charAt(1) != ':') {
          continue;
        }
        String value = line.substring(2);
        switch (line.charAt(0)) {
          case 'P' -> name = value;
          case 'V' -> version = value;
          case 'o' -> origin = value;
          case 'F' -> dir = value;
          case 'R' -> files.add("/" + (dir.isEmpty() ? "" : dir + "/") + value);
          default -> { }
        }
      }
      if (name != null && version != null && SOURCE.equals(origin != null ? origin : name)) {
        found.add(new InstalledPackage("apk", name, version, files));
      }
    }
    return found;
  }

  /** deb-control(5) paragraphs: "Field: value", continuation lines start with a blank. */
  private static List<Map<String, String>> paragraphs(String text, char separator) {
    List<Map<String, String>> all = new ArrayList<>();
    Map<String, String> current = new LinkedHashMap<>();
    String lastField = null;
    for (String line : text.split("\\n", -1)) {
      if (line.isBlank()) {
        if (!current.isEmpty()) {
          all.add(current);
          current = new LinkedHashMap<>();
        }
        lastField = null;
      } else if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        if (lastField != null) {
          current.merge(lastField, "\n" + line.strip(), String::concat);
        }
      } else {
        int colon = line.indexOf(separator);
        if (colon > 0) {
          lastField = line.substring(0, colon);
          current.put(lastField, line.substring(colon + 1).strip());
        }
      }
    }
    if (!current.isEmpty()) {
      all.add(current);
    }
    return all;
  }
}
