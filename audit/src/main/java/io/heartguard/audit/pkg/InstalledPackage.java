package io.heartguard.audit.pkg;

import java.util.List;

/**
 * One installed package built from the openssl source, as a package database lists it.
 *
 * @param database "dpkg" or "apk"
 * @param files the absolute paths the package installed, as its database lists them
 */
public record InstalledPackage(String database, String name, String version, List<String> files) {
  public InstalledPackage {
    files = List.copyOf(files);
  }
}
