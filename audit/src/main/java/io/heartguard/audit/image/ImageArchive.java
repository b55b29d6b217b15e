package io.heartguard.audit.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.audit.elf.RandomAccessInput;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A container image on disk: a {@code docker save} tarball (manifest.json naming each image's layer tars in order),
 * or an OCI image layout (oci-layout, index.json, blobs/ALG/HEX; image-spec "image-layout.md") as a directory or a
 * tar. Layers are returned as windows of the file, not extracted.
 */
public final class ImageArchive implements Closeable {
  /** manifest.json, index.json and image manifests are kilobytes; a bigger one is not an image's. */
  private static final int MAX_JSON = 16 << 20;
  /** Index nesting seen in the wild is one level (a multi-platform index); deeper is refused, so loops end. */
  private static final int MAX_INDEX_DEPTH = 4;
  private static final Pattern DIGEST = Pattern.compile("([a-z0-9]+):([a-f0-9]{32,128})");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One image: its name (a repo tag or an OCI ref name, or its manifest digest) and its layers, bottom first. */
  public record Image(String name, List<Layer> layers) {}

  /** One layer blob: where it is named in the archive, and its bytes. */
  public record Layer(String name, RandomAccessInput bytes) {}

  private final FileChannel channel;
  private final Path directory;
  private final Map<String, long[]> members;
  private final RandomAccessInput whole;
  /** Blob files of a layout directory, opened as they are asked for and closed with the archive. */
  private final List<FileChannel> opened = new ArrayList<>();

  private ImageArchive(FileChannel channel, Path directory, Map<String, long[]> members) throws IOException {
    this.channel = channel;
    this.directory = directory;
    this.members = members;
    this.whole = channel == null ? null : RandomAccessInput.of(channel);
  }

  /** Whether a directory is an OCI image layout (it has an oci-layout file). */
  public static boolean isLayoutDirectory(Path dir) {
    return Files.isRegularFile(dir.resolve("oci-layout"), LinkOption.NOFOLLOW_LINKS);
  }

  public static ImageArchive openDirectory(Path dir) throws IOException {
    return new ImageArchive(null, dir, Map.of());
  }

  /** Indexes a tar's members (headers only) and keeps the file open for reading layers. */
  public static ImageArchive openTar(Path tar) throws IOException {
    FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ);
    try {
      Map<String, long[]> members = new HashMap<>();
      TarReader reader = new TarReader(RandomAccessInput.of(channel).stream());
      for (TarEntry e; (e = reader.next()) != null; ) {
        if (e.isRegularFile()) {
          members.put(e.name(), new long[] {e.dataOffset(), e.size()});
        }
      }
      return new ImageArchive(channel, null, members);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Whether the archive holds an image at all (manifest.json, or an OCI index). */
  public boolean isImage() throws IOException {
    return exists("manifest.json") || exists("index.json") && exists("oci-layout");
  }

  public List<Image> images() throws IOException {
    List<Image> images = new ArrayList<>();
    if (exists("manifest.json")) {
      // docker save: [{"Config": ..., "RepoTags": [...], "Layers": ["ID/layer.tar", ...]}]
      for (JsonNode image : json("manifest.json")) {
        List<Layer> layers = new ArrayList<>();
        for (JsonNode layer : image.path("Layers")) {
          layers.add(new Layer(layer.asText(), member(layer.asText())));
        }
        JsonNode tags = image.path("RepoTags");
        String name = tags.isArray() && !tags.isEmpty() ? tags.get(0).asText() : image.path("Config").asText("image");
        images.add(new Image(name, layers));
      }
      return images;
    }
    index(json("index.json"), null, 0, images);
    return images;
  }

  private void index(JsonNode index, String inheritedName, int depth, List<Image> out) throws IOException {
    if (depth > MAX_INDEX_DEPTH) {
      throw new IOException("OCI index nested deeper than " + MAX_INDEX_DEPTH + " levels");
    }
    for (JsonNode m : index.path("manifests")) {
      String digest = m.path("digest").asText();
      String ref = m.path("annotations").path("org.opencontainers.image.ref.name").asText(null);
      String name = ref != null ? ref : inheritedName != null ? inheritedName : digest;
      JsonNode manifest = json(blobPath(digest));
      if (manifest.has("manifests")) {
        index(manifest, name, depth + 1, out); // an image index: one manifest per platform
        continue;
      }
      List<Layer> layers = new ArrayList<>();
      for (JsonNode layer : manifest.path("layers")) {
        String path = blobPath(layer.path("digest").asText());
        layers.add(new Layer(path, member(path)));
      }
      String platform = m.path("platform").path("architecture").asText("");
      out.add(new Image(platform.isEmpty() || inheritedName == null ? name : name + " (" + platform + ")", layers));
    }
  }

  private static String blobPath(String digest) throws IOException {
    var m = DIGEST.matcher(digest);
    if (!m.matches()) {
      throw new IOException("OCI digest \"" + digest + "\" is not ALGORITHM:HEX");
    }
    return "blobs/" + m.group(1) + "/" + m.group(2);
  }

  private boolean exists(String name) {
    return directory != null ? Files.isRegularFile(directory.resolve(name), LinkOption.NOFOLLOW_LINKS)
        : members.containsKey(name);
  }

  private JsonNode json(String name) throws IOException {
    RandomAccessInput in = member(name);
    if (in.size() > MAX_JSON) {
      throw new IOException(name + " is " + in.size() + " bytes, over the " + MAX_JSON + " an image's JSON may be");
    }
    return JSON.readTree(in.read(0, (int) in.size()));
  }

  private RandomAccessInput member(String name) throws IOException {
    String clean = TarReader.normalize(name);
    if (clean.contains("..")) {
      throw new IOException("image member \"" + name + "\" climbs out of the archive");
    }
    if (directory != null) {
      Path p = directory.resolve(clean);
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException("image layout has no " + clean);
      }
      FileChannel c = FileChannel.open(p, StandardOpenOption.READ);
      opened.add(c);
      return RandomAccessInput.of(c);
    }
    long[] at = members.get(clean);
    if (at == null) {
      throw new IOException("image archive has no member " + clean);
    }
    return whole.window(at[0], at[1]);
  }

  @Override
  public void close() throws IOException {
    for (FileChannel c : opened) {
      c.close();
    }
    if (channel != null) {
      channel.close();
    }
  }
}
