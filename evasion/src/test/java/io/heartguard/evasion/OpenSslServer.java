package io.heartguard.evasion;

import io.heartguard.guard.Endpoint;
import io.heartguard.testkit.ExternalProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
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
 * A real {@code openssl s_server} of 1.0.1f or 1.0.1g from fixtures/openssl, on 127.0.0.1 only (the bindlo shim is
 * always preloaded), with a throwaway RSA key made by the same binary. It serves one connection at a time, so cases
 * run one after another. Its output goes to a file beside the key, never to the test's log.
 */
final class OpenSslServer implements AutoCloseable {
  enum Release {
    V1_0_1F("openssl-1.0.1f"), V1_0_1G("openssl-1.0.1g");

    final String program;

    Release(String program) {
      this.program = program;
    }

    Path binary() {
      return fixtures().resolve("bin").resolve(program);
    }
  }

  private static final Path WORK = Path.of("target", "openssl").toAbsolutePath();

  private final Process process;
  private final OutputStream stdin;
  private final int port;

  private OpenSslServer(Process process, int port) {
    this.process = process;
    this.stdin = process.getOutputStream(); // held open: at end of file s_server exits on its next connection
    this.port = port;
  }

  /**
   * Starts {@code s_server} with the given extra options and waits until it accepts. Attack cases use {@code -www}:
   * without it s_server gives up on a connection whose heartbeat answer is still being written (it treats
   * SSL_accept's want-write as an error), so a second answer on one connection is never seen.
   */
  static OpenSslServer start(Release release, String... options) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(WORK.resolve(release.program));
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    // A fresh throwaway key for each server. req needs a distinguished_name section even with -subj.
    Path config = dir.resolve("req.cnf");
    Files.writeString(config, "[req]\ndistinguished_name=dn\n[dn]\n");
    Files.deleteIfExists(cert);
    run(cert, release.binary().toString(), "req", "-config", config.toString(), "-x509", "-newkey", "rsa:2048",
        "-nodes", "-subj", "/CN=localhost", "-days", "1", "-keyout", key.toString(), "-out", cert.toString());
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(release.binary().toString(), "s_server", "-accept",
        Integer.toString(port), "-cert", cert.toString(), "-key", key.toString()));
    command.addAll(List.of(options));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("s_server-" + port + ".log").toFile());
    environment(builder.environment());
    OpenSslServer server = new OpenSslServer(builder.start(), port);
    server.awaitListening();
    return server;
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  Endpoint endpoint() {
    return Endpoint.of(address());
  }

  /** Runs another program of the same release (s_client) to completion, with the same environment. */
  static String runTool(Release release, String stdinText, String... arguments) throws IOException,
      InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(release.binary().toString());
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    environment(builder.environment());
    Process p = builder.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdinText.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish within 30 s");
    }
    return output;
  }

  @Override
  public void close() throws IOException {
    stdin.close();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The shim that makes s_server bind 127.0.0.1 instead of every interface, and no configuration file. */
  private static void environment(Map<String, String> env) throws IOException, InterruptedException {
    env.put("LD_PRELOAD", bindlo().toString());
    env.put("OPENSSL_CONF", "/dev/null");
  }

  private static synchronized Path bindlo() throws IOException, InterruptedException {
    Path so = WORK.resolve("bindlo.so");
    if (!Files.exists(so)) {
      Files.createDirectories(WORK);
      Path tmp = WORK.resolve("bindlo.so.tmp");
      run(tmp, "gcc", "-shared", "-fPIC", "-O2", "-o", tmp.toString(),
          fixtures().resolve("src/bindlo.c").toString(), "-ldl");
      Files.move(tmp, so, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return so;
  }

  /** fixtures/openssl, found from any module's directory. */
  static Path fixtures() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("fixtures/openssl");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no fixtures/openssl above " + Path.of("").toAbsolutePath());
  }

  /** Runs a build step (gcc, req) and checks that it wrote {@code product}. */
  private static void run(Path product, String... command) throws IOException, InterruptedException {
    String output = ExternalProcess.run(List.of(command), 60);
    if (!Files.exists(product)) {
      throw new IOException(String.join(" ", command) + " wrote no " + product + ": " + output.strip());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Connects until s_server accepts (it prints nothing reliable to wait for). The probe connection closes at once;
   * s_server fails that handshake and goes back to accepting.
   */
  private void awaitListening() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(address(), 1000);
        return;
      } catch (ConnectException notYet) {
        if (!process.isAlive()) {
          throw new IOException("s_server exited with " + process.exitValue() + " before listening on " + port);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("s_server did not listen on " + port + " within 20 s");
        }
        Thread.onSpinWait();
      }
    }
  }
}
