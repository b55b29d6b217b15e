package io.heartguard.keys;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link FactorSearch} over dump files of any size, in chunks that overlap by a window so that no candidate across a
 * chunk boundary is missed, on as many threads as asked: each thread reads its own chunks, so memory stays at one
 * chunk per thread. The result is the factor in the earliest chunk, whatever the thread count.
 */
public final class DumpSearch {
  static final int CHUNK = 8 << 20;

  /** A factor and the file it was found in. */
  public record Hit(Path file, FactorSearch.Found found) {}

  /** What a search read, and the first factor found, or null. */
  public record Result(Hit hit, long bytesSearched, int filesSearched) {}

  private record Chunk(int file, long start, int length) {}

  private DumpSearch() {}

  /** Searches {@code files} with one thread per core. */
  public static Result search(BigInteger modulus, List<Path> files) throws IOException {
    return search(modulus, files, Runtime.getRuntime().availableProcessors());
  }

  /** Searches {@code files} on {@code threads} threads and returns the factor in the earliest chunk that has one. */
  public static Result search(BigInteger modulus, List<Path> files, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    List<Chunk> chunks = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      if (!Files.isRegularFile(files.get(f))) {
        // Chunks are read at their offsets, which a pipe or device cannot do; a copy on disk can.
        throw new IOException(files.get(f) + " is not a regular file (save a pipe's output to a file first)");
      }
      long size;
      try (FileChannel channel = FileChannel.open(files.get(f), StandardOpenOption.READ)) {
        size = channel.size();
      }
      for (long start = 0; start < size; start += CHUNK) {
        chunks.add(new Chunk(f, start, (int) Math.min(CHUNK, size - start)));
      }
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger best = new AtomicInteger(Integer.MAX_VALUE); // index of the earliest chunk with a factor
    AtomicReference<Hit> bestHit = new AtomicReference<>();
    AtomicLong searched = new AtomicLong();
    AtomicReference<IOException> failure = new AtomicReference<>();
    Runnable worker = () -> {
      FactorSearch search = new FactorSearch(modulus);
      byte[] buffer = new byte[CHUNK + search.overlap()];
      for (int i; (i = next.getAndIncrement()) < chunks.size() && i < best.get() && failure.get() == null; ) {
        Chunk chunk = chunks.get(i);
        try {
          int filled = read(files.get(chunk.file), chunk.start, buffer);
          FactorSearch.Found found = search.search(buffer, 0, chunk.length, filled, chunk.start);
          searched.addAndGet(chunk.length);
          if (found != null) {
            synchronized (best) {
              if (i < best.get()) {
                best.set(i);
                bestHit.set(new Hit(files.get(chunk.file), found));
              }
            }
          }
        } catch (IOException e) {
          failure.compareAndSet(null, e);
        }
      }
    };
    List<Thread> running = new ArrayList<>();
    for (int t = 1; t < Math.min(threads, chunks.size()); t++) {
      running.add(Thread.ofPlatform().name("keys-search-" + t).start(worker));
    }
    worker.run();
    for (Thread thread : running) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while searching", e);
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    Hit hit = bestHit.get();
    int filesSearched = hit == null ? files.size() : chunks.get(best.get()).file + 1;
    return new Result(hit, searched.get(), filesSearched);
  }

  /** Reads from {@code start} of {@code file} until {@code buffer} is full or the file ends; the bytes read. */
  private static int read(Path file, long start, byte[] buffer) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer into = ByteBuffer.wrap(buffer);
      while (into.hasRemaining()) {
        if (channel.read(into, start + into.position()) < 0) {
          break;
        }
      }
      return into.position();
    }
  }
}
