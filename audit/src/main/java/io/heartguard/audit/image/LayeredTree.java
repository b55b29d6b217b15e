package io.heartguard.audit.image;

import io.heartguard.audit.RootPaths;
import io.heartguard.audit.RootTree;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An image's filesystem: its layers' members applied bottom first, with whiteouts (OCI image-spec layer.md,
 * "Whiteouts": ".wh.NAME" deletes NAME from the layers below, ".wh..wh..opq" hides everything below in its
 * directory). Only headers are kept; the few small files the package databases need are added by the caller.
 */
public final class LayeredTree implements RootTree {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  /** Paths held for one image; a real one has tens of thousands, so this only stops a hostile archive. */
  static final int MAX_PATHS = 4_000_000;

  /** A member that survived: which layer it came from, and its header. */
  public record Node(int layer, TarEntry entry) {}

  private final TreeMap<String, Node> nodes = new TreeMap<>();
  private final Map<String, byte[]> contents = new HashMap<>();

  /** Applies one member of layer {@code layer}; layers must come bottom first. */
  public void apply(int layer, TarEntry e) throws TarException {
    if (nodes.size() >= MAX_PATHS) {
      throw new TarException("image has more than " + MAX_PATHS + " paths; not audited");
    }
    String path = "/" + e.name();
    int slash = path.lastIndexOf('/');
    String dir = path.substring(0, slash);
    String base = path.substring(slash + 1);
    if (base.equals(OPAQUE)) {
      removeBelow(dir, layer, false);
    } else if (base.startsWith(WHITEOUT)) {
      removeBelow(dir + "/" + base.substring(WHITEOUT.length()), layer, true);
    } else if (!e.name().isEmpty()) {
      Node old = nodes.put(path, new Node(layer, e));
      if (old != null && old.entry().isDirectory() && !e.isDirectory()) {
        removeBelow(path, layer + 1, false); // a file replacing a directory takes its contents with it
      }
    }
  }

  private void removeBelow(String path, int layer, boolean itself) {
    if (itself) {
      Node n = nodes.get(path);
      if (n != null && n.layer() < layer) {
        nodes.remove(path);
      }
    }
    NavigableMap<String, Node> under = nodes.subMap(path + "/", true, path + "0", false); // '0' follows '/'
    under.entrySet().removeIf(x -> x.getValue().layer() < layer);
  }

  public NavigableMap<String, Node> nodes() {
    return nodes;
  }

  /** Keeps a small file's bytes for {@link #readSmall}. */
  public void keep(String path, byte[] bytes) {
    contents.put(path, bytes);
  }

  @Override
  public byte[] readSmall(String path, int maxBytes) throws IOException {
    String resolved = resolve(path);
    Node n = nodes.get(resolved);
    if (n == null || !n.entry().isRegularFile()) {
      return null;
    }
    if (n.entry().size() > maxBytes) {
      throw new IOException(path + " is " + n.entry().size() + " bytes, over " + maxBytes);
    }
    return contents.get(resolved);
  }

  @Override
  public List<String> list(String directory) throws IOException {
    String dir = resolve(directory);
    String prefix = dir.equals("/") ? "/" : dir + "/";
    List<String> names = new ArrayList<>();
    for (String p : nodes.subMap(prefix, true, prefix.substring(0, prefix.length() - 1) + "0", false).keySet()) {
      String rest = p.substring(prefix.length());
      if (!rest.isEmpty() && rest.indexOf('/') < 0) {
        names.add(rest);
      }
    }
    return names;
  }

  @Override
  public String resolve(String path) throws IOException {
    return RootPaths.resolve(path, p -> {
      Node n = nodes.get(p);
      return n != null && n.entry().isSymlink() ? n.entry().linkName() : null;
    });
  }
}
