package io.heartguard.audit.image;

/**
 * One tar member's header.
 *
 * @param name the member's path as written, without a leading "./" or "/"
 * @param dataOffset where the member's bytes start, counted from the start of the tar stream
 */
public record TarEntry(String name, char type, long size, String linkName, long dataOffset) {
  public boolean isRegularFile() {
    return type == '0' || type == 0 || type == '7';
  }

  public boolean isSymlink() {
    return type == '2';
  }

  public boolean isHardLink() {
    return type == '1';
  }

  public boolean isDirectory() {
    return type == '5';
  }
}
