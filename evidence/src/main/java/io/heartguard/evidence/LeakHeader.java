package io.heartguard.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The line in front of each leak in a file of extracted leaks ({@code sensor --extract-leaks}): where it came from and
 * how many raw bytes follow. Writer and reader side by side; the key search reads it to say which flow held a key.
 *
 * <pre>{@code # heartguard leak flow=3 client=10.0.0.2:50123 server=10.0.0.1:443 time=2014-04-08T10:00:00.000000+0000 bytes=16384}</pre>
 *
 * @param origin the fields between the marker and {@code bytes=}, as written (flow, addresses, time, rule)
 * @param byteCount how many leaked bytes follow the line
 */
public record LeakHeader(String origin, int byteCount) {
  public static final String MARKER = "# heartguard leak ";
  /** A header line is short; anything longer is not one. */
  private static final int MAX_LINE = 512;

  public byte[] toBytes() {
    return (MARKER + origin + " bytes=" + byteCount + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The origin of the leak that holds byte {@code offset} of a file of extracted leaks, or null when the file is
   * not one or the offset falls in a header.
   */
  public static String originOf(Path file, long offset) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      long at = 0;
      while (true) {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
          if (c < 0 || line.length() > MAX_LINE) {
            return null;
          }
          line.append((char) c);
        }
        at += line.length() + 1;
        String text = line.toString();
        int bytesAt = text.lastIndexOf(" bytes=");
        if (!text.startsWith(MARKER) || bytesAt < 0) {
          return null;
        }
        long count = Long.parseLong(text.substring(bytesAt + " bytes=".length()));
        if (offset >= at && offset < at + count) {
          return text.substring(MARKER.length(), bytesAt);
        }
        in.skipNBytes(count);
        at += count;
      }
    } catch (NumberFormatException | java.io.EOFException e) {
      return null;
    }
  }
}
