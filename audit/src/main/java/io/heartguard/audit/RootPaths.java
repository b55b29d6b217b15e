package io.heartguard.audit;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves paths inside an audited root the way the root's own system would see them: an absolute link target
 * starts again at the root, ".." stops at the root, and a chain of more than 40 links is a loop (Linux's
 * MAXSYMLINKS). Nothing resolves to a path outside the root.
 */
public final class RootPaths {
  private static final int MAX_LINKS = 40;

  /** The target of a symbolic link at this absolute path inside the root, or null when it is not a link. */
  @FunctionalInterface
  public interface LinkReader {
    String readLink(String absolutePath) throws IOException;
  }

  private RootPaths() {}

  public static String resolve(String path, LinkReader links) throws IOException {
    Deque<String> todo = new ArrayDeque<>();
    push(todo, path);
    Deque<String> done = new ArrayDeque<>();
    int hops = 0;
    while (!todo.isEmpty()) {
      String part = todo.pop();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        done.pollLast();
        continue;
      }
      done.addLast(part);
      String current = join(done);
      String target = links.readLink(current);
      if (target == null) {
        continue;
      }
      if (++hops > MAX_LINKS) {
        throw new IOException("symbolic link loop at " + path + " (more than " + MAX_LINKS + " links)");
      }
      done.pollLast();
      if (target.startsWith("/")) {
        done.clear();
      }
      push(todo, target);
    }
    return join(done);
  }

  private static void push(Deque<String> todo, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      todo.push(parts[i]);
    }
  }

  private static String join(Deque<String> parts) {
    return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
  }
}
