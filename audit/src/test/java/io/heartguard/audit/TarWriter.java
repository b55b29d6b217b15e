package io.heartguard.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes ustar archives for tests (POSIX.1-1988 headers, names under 100 bytes): layers and docker save tarballs. */
final class TarWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TarWriter file(String name, byte[] content) throws IOException {
    header(name, '0', content.length, "");
    out.write(content);
    out.write(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  TarWriter file(String name, Path content) throws IOException {
    return file(name, Files.readAllBytes(content));
  }

  TarWriter file(String name, String content) throws IOException {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  TarWriter directory(String name) throws IOException {
    header(name.endsWith("/") ? name : name + "/", '5', 0, "");
    return this;
  }

  TarWriter symlink(String name, String target) throws IOException {
    header(name, '2', 0, target);
    return this;
  }

  byte[] toBytes() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    out.writeTo(all);
    all.write(new byte[1024]); // two zero blocks end the archive
    return all.toByteArray();
  }

  void writeTo(OutputStream o) throws IOException {
    o.write(toBytes());
  }

  private void header(String name, char type, long size, String link) throws IOException {
    byte[] h = new byte[512];
    put(h, 0, name, 100);
    put(h, 100, "0000644", 8);
    put(h, 108, "0000000", 8);
    put(h, 116, "0000000", 8);
    put(h, 124, String.format("%011o", size), 12);
    put(h, 136, "00000000000", 12);
    h[156] = (byte) type;
    put(h, 157, link, 100);
    put(h, 257, "ustar", 6);
    put(h, 263, "00", 2);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum), 7);
    h[155] = ' ';
    out.write(h);
  }

  private static void put(byte[] h, int at, String s, int max) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > max) {
      throw new IllegalArgumentException("tar field over " + max + " bytes: " + s);
    }
    System.arraycopy(b, 0, h, at, b.length);
  }
}
