package io.heartguard.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Writes container images the way the tools do: a {@code docker save} tarball, and an OCI image layout. */
final class Images {
  private Images() {}

  /** docker save's format: manifest.json naming each layer's tar, bottom first, and the config. */
  static Path dockerSave(Path file, String tag, List<byte[]> layers, boolean gzip) throws IOException {
    TarWriter tar = new TarWriter();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      String name = "layer" + i + "/layer.tar";
      tar.file(name, gzip ? gzip(layers.get(i)) : layers.get(i));
      names.add("\"" + name + "\"");
    }
    tar.file("config.json", "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    tar.file("manifest.json", "[{\"Config\":\"config.json\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":["
        + String.join(",", names) + "]}]");
    Files.write(file, tar.toBytes());
    return file;
  }

  /** An OCI image layout (image-spec image-layout.md) in a directory: oci-layout, index.json, blobs/sha256. */
  static Path ociLayout(Path dir, String ref, List<byte[]> layers, boolean gzip) throws IOException {
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    List<String> layerJson = new ArrayList<>();
    for (byte[] layer : layers) {
      byte[] blob = gzip ? gzip(layer) : layer;
      layerJson.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar" + (gzip ? "+gzip" : "")
          + "\",\"digest\":\"" + blob(dir, blob) + "\",\"size\":" + blob.length + "}");
    }
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    String configDigest = blob(dir, config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},\"layers\":[" + String.join(",", layerJson) + "]}")
        .getBytes(StandardCharsets.UTF_8);
    String manifestDigest = blob(dir, manifest);
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
        + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref + "\"}}]}");
    return dir;
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  private static String blob(Path dir, byte[] b) throws IOException {
    try {
      String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
      Files.write(dir.resolve("blobs/sha256/" + hex), b);
      return "sha256:" + hex;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
