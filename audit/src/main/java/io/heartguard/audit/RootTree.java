package io.heartguard.audit;

import java.io.IOException;
import java.util.List;

/**
 * A root filesystem as the package databases see it: a directory on disk or an image's merged layers. Paths are
 * absolute inside the root ("/var/lib/dpkg/status"); symbolic links are resolved inside the root, never outside it.
 */
public interface RootTree {
  /** A small file's bytes, or null when there is no such file; throws when it is larger than {@code maxBytes}. */
  byte[] readSmall(String path, int maxBytes) throws IOException;

  /** The names in a directory, or an empty list when there is none. */
  List<String> list(String directory) throws IOException;

  /** The path a file is reachable at once every symbolic link on the way is resolved inside this root. */
  String resolve(String path) throws IOException;
}
