package io.heartguard.keys;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link FactorSearch} over dump files of any size, read in chunks that overlap by a window so that no candidate
 * across a chunk boundary is missed; memory stays at one chunk.
 */
public final class DumpSearch {
  static final int CHUNK = 8 << 20;

  /** A factor and the file it was found in. */
  public record Hit(Path file, FactorSearch.Found found) {}

  /** What a search read, and the first factor found, or null. */
  public record Result(Hit hit, long bytesSearched, int filesSearched) {}

  private DumpSearch() {}

  /** Searches {@code files} in order and stops at the first factor. */
  public static Result search(FactorSearch search, List<Path> files) throws IOException {
    long total = 0;
    int count = 0;
    byte[] buffer = new byte[CHUNK + search.overlap()];
    for (Path file : files) {
      count++;
      try (InputStream in = Files.newInputStream(file)) {
        long base = 0; // file offset of buffer[0]
        int filled = 0;
        while (true) {
          int n = in.readNBytes(buffer, filled, buffer.length - filled);
          filled += n;
          boolean end = n == 0 || filled < buffer.length;
          // Windows may start anywhere they fit; without the end, only where the next chunk cannot see them.
          int starts = end ? filled : filled - search.overlap();
          FactorSearch.Found found = search.search(buffer, 0, starts, filled, base);
          if (found != null) {
            return new Result(new Hit(file, found), total + found.offset() + found.length(), count);
          }
          if (end) {
            total += base + filled;
            break;
          }
          System.arraycopy(buffer, starts, buffer, 0, filled - starts);
          base += starts;
          filled -= starts;
        }
      }
    }
    return new Result(null, total, count);
  }
}
