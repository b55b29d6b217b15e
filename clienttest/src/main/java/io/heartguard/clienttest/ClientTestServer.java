package io.heartguard.clienttest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Listens for TLS clients and checks each for Heartbleed on its own virtual thread, handing every
 * {@link ClientReport} to a sink (called from several threads; it must be thread-safe).
 *
 * <pre>{@code
 * try (ClientTestServer server = ClientTestServer.start(ClientTestOptions.defaults(), reports::add)) {
 *   runClient(server.address());
 * }
 * }</pre>
 */
public final class ClientTestServer implements AutoCloseable {
  /** Clients checked at once; more are closed on accept. */
  static final int MAX_CONNECTIONS = 256;

  private final ServerSocket serverSocket;
  private final ClientTestOptions options;
  private final Consumer<ClientReport> sink;
  private final Thread acceptor;
  private final Map<Socket, Thread> connections = new ConcurrentHashMap<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicLong seeds;

  private ClientTestServer(ServerSocket serverSocket, ClientTestOptions options, Consumer<ClientReport> sink) {
    this.serverSocket = serverSocket;
    this.options = options;
    this.sink = sink;
    this.seeds = new AtomicLong(options.seed());
    this.acceptor = Thread.ofPlatform().daemon().name("heartguard-client-test-accept").unstarted(this::acceptLoop);
  }

  public static ClientTestServer start(ClientTestOptions options, Consumer<ClientReport> sink) throws IOException {
    Objects.requireNonNull(sink, "sink");
    ServerSocket serverSocket = new ServerSocket();
    try {
      serverSocket.setReuseAddress(true);
      serverSocket.bind(options.listen(), 128);
    } catch (IOException | RuntimeException e) {
      serverSocket.close();
      throw e;
    }
    ClientTestServer server = new ClientTestServer(serverSocket, options, sink);
    server.acceptor.start();
    return server;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    try {
      serverSocket.close();
    } catch (IOException e) {
      // closing a listening socket fails only when it is closed already
    }
    join(acceptor);
    connections.keySet().forEach(ClientTestServer::closeQuietly);
    connections.values().forEach(ClientTestServer::join);
  }

  private void acceptLoop() {
    while (!closing.get()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (closing.get()) {
          return;
        }
        continue; // a reset before accept completed concerns that client only
      }
      if (connections.size() >= MAX_CONNECTIONS) {
        closeQuietly(socket);
        continue;
      }
      long seed = seeds.incrementAndGet() * 0x9E3779B97F4A7C15L;
      Thread thread = Thread.ofVirtual().name("heartguard-client-test").unstarted(() -> {
        try (socket) {
          ClientReport report = new ClientCheck(socket, options, seed).run();
          if (!closing.get() || report.verdict() != io.heartguard.scan.Verdict.INCONCLUSIVE) {
            sink.accept(report);
          }
        } catch (IOException e) {
          // the close of a finished connection: its report is out already
        } finally {
          connections.remove(socket);
        }
      });
      connections.put(socket, thread);
      thread.start();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // unusable either way
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
