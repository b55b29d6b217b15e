package io.heartguard.guard;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real OpenSSL 1.0.1f program vendored in fixtures/openssl: its {@code s_server -www} on 127.0.0.1 (the
 * bindlo shim, built here with gcc, keeps it off other interfaces) with its stdin held open, and its
 * {@code s_client}. One connection at a time, as s_server serves them.
 */
final class OpenSsl101f implements AutoCloseable {
  private final Path dir;
  private final Process server;
  private final OutputStream heldStdin;
  private final int port;

  private OpenSsl101f(Path dir, Process server, int port) {
    this.dir = dir;
    this.server = server;
    this.heldStdin = server.getOutputStream(); // closing it would make s_server exit at the first client
    this.port = port;
  }

  static Path binary() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("fixtures/openssl/bin/openssl-1.0.1f");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no fixtures/openssl/bin/openssl-1.0.1f above " + Path.of("").toAbsolutePath());
  }

  /** Builds the shim and a key in {@code dir}, starts {@code s_server -www} and waits until it listens. */
  static OpenSsl101f startServer(Path dir) throws Exception {
    Path source = binary().getParent().getParent().resolve("src/bindlo.c");
    ExternalProcess.run(List.of("gcc", "-shared", "-fPIC", "-O2", "-o", dir.resolve("bindlo.so").toString(),
        source.toString(), "-ldl"), 60);
    ExternalProcess.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(), "-days", "1"), 60);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(binary().toString(), "s_server", "-accept", String.valueOf(port), "-www",
        "-cert", "c.pem", "-key", "k.pem").directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("s_server.log").toFile());
    pb.environment().putAll(Map.of("LD_PRELOAD", dir.resolve("bindlo.so").toString(), "OPENSSL_CONF", "/dev/null"));
    OpenSsl101f openssl = new OpenSsl101f(dir, pb.start(), port);
    openssl.awaitListening();
    return openssl;
  }

  Endpoint endpoint() {
    return new Endpoint("127.0.0.1", port);
  }

  /**
   * Runs 1.0.1f's {@code s_client} against {@code target} with {@code options}, sends an HTTP GET and returns what
   * it printed.
   */
  String fetchPage(Endpoint target, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(binary().toString(), "s_client", "-connect",
        target.host() + ":" + target.port(), "-ign_eof"));
    command.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("OPENSSL_CONF", "/dev/null");
    Process client = pb.start();
    try (OutputStream in = client.getOutputStream()) {
      in.write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    byte[] out;
    try (var stdout = client.getInputStream()) {
      out = stdout.readAllBytes(); // until s_client exits, after the server closes
    }
    if (!client.waitFor(30, TimeUnit.SECONDS)) {
      client.destroyForcibly();
      throw new AssertionError("s_client did not finish within 30 s");
    }
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Connects until s_server listens (the connection is then closed, and s_server goes back to accept). */
  private void awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (java.net.ConnectException notYet) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError("openssl-1.0.1f s_server did not listen on " + port + ": "
              + Files.readString(dir.resolve("s_server.log")));
        }
        Thread.onSpinWait();
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    heldStdin.close();
    server.destroy();
    server.waitFor(10, TimeUnit.SECONDS);
  }
}
