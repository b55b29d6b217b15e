package io.heartguard.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSL program vendored in fixtures/openssl (1.0.1f, vulnerable, or 1.0.1g, fixed): its {@code s_server}
 * on 127.0.0.1 (the bindlo shim, built here with gcc, keeps it off other interfaces) with its stdin held open, and
 * its {@code s_client}. One connection at a time, as s_server serves them.
 */
public final class RealOpenSsl implements AutoCloseable {
  /** The two releases in fixtures/openssl/bin. */
  public enum Release {
    V1_0_1F("openssl-1.0.1f"),
    V1_0_1G("openssl-1.0.1g");

    private final String program;

    Release(String program) {
      this.program = program;
    }

    public Path binary() {
      for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
        Path candidate = d.resolve("fixtures/openssl/bin").resolve(program);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      throw new IllegalStateException("no fixtures/openssl/bin/" + program + " above " + Path.of("").toAbsolutePath());
    }
  }

  private final Release release;
  private final Path dir;
  private final Process server;
  private final OutputStream heldStdin;
  private final int port;

  private RealOpenSsl(Release release, Path dir, Process server, int port) {
    this.release = release;
    this.dir = dir;
    this.server = server;
    this.heldStdin = server.getOutputStream(); // closing it would make s_server exit at the first client
    this.port = port;
  }

  /** The 1.0.1f program, for tests that only need the vulnerable one. */
  public static Path binary() {
    return Release.V1_0_1F.binary();
  }

  /**
   * Builds the shim and a 2048-bit RSA key and certificate in {@code dir} (reused when already there), starts
   * {@code s_server -www} with {@code options} added and waits until it listens.
   */
  public static RealOpenSsl startServer(Release release, Path dir, String... options) throws Exception {
    Path source = release.binary().getParent().getParent().resolve("src/bindlo.c");
    if (!Files.exists(dir.resolve("bindlo.so"))) {
      ExternalProcess.run(List.of("gcc", "-shared", "-fPIC", "-O2", "-o", dir.resolve("bindlo.so").toString(),
          source.toString(), "-ldl"), 60);
    }
    if (!Files.exists(dir.resolve("c.pem"))) {
      ExternalProcess.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
          "/CN=localhost", "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(),
          "-days", "1"), 60);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(release.binary().toString(), "s_server", "-accept",
        String.valueOf(port), "-www", "-cert", "c.pem", "-key", "k.pem"));
    command.addAll(List.of(options));
    Path log = dir.resolve("s_server-" + port + ".log");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(Map.of("LD_PRELOAD", dir.resolve("bindlo.so").toString(), "OPENSSL_CONF", "/dev/null"));
    RealOpenSsl openssl = new RealOpenSsl(release, dir, pb.start(), port);
    openssl.awaitListening(log);
    return openssl;
  }

  /** s_server 1.0.1f with {@code -www}, as the guard's tests have always started it. */
  public static RealOpenSsl startServer(Path dir) throws Exception {
    return startServer(Release.V1_0_1F, dir);
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(host(), port);
  }

  public Release release() {
    return release;
  }

  /** The server's certificate (PEM), which its memory holds the key of. */
  public Path certificate() {
    return dir.resolve("c.pem");
  }

  /** The server's private key (PEM, PKCS#8), to compare a recovered key with. */
  public Path privateKey() {
    return dir.resolve("k.pem");
  }

  /**
   * Runs this release's {@code s_client} against {@code host:port} with {@code options}, sends an HTTP GET and
   * returns what it printed.
   */
  public String fetchPage(String host, int targetPort, String... options) throws Exception {
    List<String> command = new ArrayList<>(List.of(release.binary().toString(), "s_client", "-connect",
        host + ":" + targetPort, "-ign_eof"));
    command.addAll(List.of(options));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("OPENSSL_CONF", "/dev/null");
    Process client = pb.start();
    try (OutputStream in = client.getOutputStream()) {
      in.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    byte[] out;
    try (var stdout = client.getInputStream()) {
      out = stdout.readAllBytes(); // until s_client exits, after the server closes
    }
    if (!client.waitFor(30, TimeUnit.SECONDS)) {
      client.destroyForcibly();
      throw new AssertionError("s_client did not finish within 30 s");
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** Connects until s_server listens (the connection is then closed, and s_server goes back to accept). */
  private void awaitListening(Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (java.net.ConnectException notYet) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(release.program + " s_server did not listen on " + port + ": " + Files.readString(log));
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
