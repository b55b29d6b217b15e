package io.heartguard.sensor.capture;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.FileChannel;

/**
 * A regular file read through memory maps of {@link #CHUNK} bytes at a time: one copy out of the page cache and no
 * system call per refill (several times cheaper than read(2) on the machines measured), with resident memory
 * bounded by the chunk whatever the file's size, because each chunk is unmapped as soon as it has been read. A file
 * that grows while it is read (a capture still being written) is followed to its end as of the last refill.
 *
 * <p>Unmapping on demand needs the Foreign Function and Memory API (an {@code Arena}), final since Java 22 but a
 * preview in Java 21, the language level of this build; it is therefore reached through method handles, and
 * {@link #AVAILABLE} is false on a runtime without it, where captures are streamed instead.
 */
final class MappedFile implements ByteSource.Refill, AutoCloseable {
  static final long CHUNK = 16L << 20;
  static final boolean AVAILABLE;
  private static final MethodHandle OPEN_ARENA; // () -> Arena
  private static final MethodHandle CLOSE_ARENA; // (Arena) -> void
  private static final MethodHandle MAP; // (FileChannel, MapMode, long, long, Arena) -> MemorySegment
  private static final MethodHandle COPY; // (MemorySegment, long, byte[], int, int) -> void

  static {
    MethodHandle open = null;
    MethodHandle close = null;
    MethodHandle map = null;
    MethodHandle copy = null;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> arena = Class.forName("java.lang.foreign.Arena");
      Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
      Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
      Class<?> ofByte = Class.forName("java.lang.foreign.ValueLayout$OfByte");
      open = lookup.findStatic(arena, "ofConfined", MethodType.methodType(arena))
          .asType(MethodType.methodType(Object.class));
      close = lookup.findVirtual(arena, "close", MethodType.methodType(void.class))
          .asType(MethodType.methodType(void.class, Object.class));
      map = lookup.findVirtual(FileChannel.class, "map", MethodType.methodType(segment, FileChannel.MapMode.class,
              long.class, long.class, arena))
          .asType(MethodType.methodType(Object.class, FileChannel.class, FileChannel.MapMode.class, long.class,
              long.class, Object.class));
      Object javaByte = lookup.findStaticGetter(valueLayout, "JAVA_BYTE", ofByte).invoke();
      copy = MethodHandles.insertArguments(lookup.findStatic(segment, "copy", MethodType.methodType(void.class,
              segment, valueLayout, long.class, Object.class, int.class, int.class)), 1, javaByte)
          .asType(MethodType.methodType(void.class, Object.class, long.class, byte[].class, int.class, int.class));
    } catch (Throwable e) {
      open = null; // no usable FFM API: stream instead
    }
    AVAILABLE = open != null;
    OPEN_ARENA = open;
    CLOSE_ARENA = close;
    MAP = map;
    COPY = copy;
  }

  private final FileChannel channel;
  private final long chunk;
  private Object arena;
  private Object map;
  private long mapBase;
  private long mapEnd;
  private long position;

  MappedFile(FileChannel channel, long position) {
    this(channel, position, CHUNK);
  }

  /** {@code chunk}: bytes mapped at once; tests make it small to put records across map boundaries. */
  MappedFile(FileChannel channel, long position, long chunk) {
    this.channel = channel;
    this.position = position;
    this.chunk = chunk;
  }

  @Override
  public int read(byte[] b, int offset, int length) throws IOException {
    while (true) {
      if (map != null && position < mapEnd) {
        int n = (int) Math.min(length, mapEnd - position);
        try {
          COPY.invokeExact(map, position - mapBase, b, offset, n);
        } catch (InternalError e) {
          // The JDK's answer to SIGBUS: the file was truncated under the mapping.
          throw new IOException("file shrank while being read (at byte " + position + ")", e);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IOException(e);
        }
        position += n;
        return n;
      }
      unmap();
      long size = channel.size();
      if (position >= size) {
        return -1;
      }
      long length64 = Math.min(chunk, size - position);
      try {
        arena = (Object) OPEN_ARENA.invokeExact();
        mapBase = position;
        mapEnd = position + length64;
        map = (Object) MAP.invokeExact(channel, FileChannel.MapMode.READ_ONLY, mapBase, length64, arena);
      } catch (IOException | RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IOException(e);
      }
    }
  }

  private void unmap() {
    if (arena != null) {
      Object a = arena;
      map = null;
      arena = null;
      try {
        CLOSE_ARENA.invokeExact(a);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    unmap();
  }
}
