package io.heartguard.lab;

import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.tlsserver.SocketAddressText;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberately vulnerable server that passes, before its handshake finishes, for OpenSSL 1.0.1f (or 1.0.1g): it
 * answers a ClientHello with ServerHello, Certificate and ServerHelloDone and then answers heartbeats the way that
 * version did, leaking a fake heap in vulnerable mode. One virtual thread per connection; loopback by default.
 *
 * <pre>{@code
 * try (LabServer lab = LabServer.start(LabOptions.vulnerable().withoutLog())) {
 *   scan(lab.address());
 * }
 * }</pre>
 */
public final class LabServer implements AutoCloseable {
  /** What every connection shares: immutable, except the log, which serialises its lines. */
  record Context(LabMode mode, ServerIdentity identity, FakeMemory memory, LabLog log, Duration readTimeout,
      Duration connectionDeadline, AtomicBoolean closing, Honeypot honeypot, StartTlsProtocol startTls,
      LabHeartbeatStage heartbeats) {}

  private final ServerSocket serverSocket;
  private final Context context;
  private final int maxConnections;
  private final Thread acceptor;
  private final Map<Socket, Thread> connections = new ConcurrentHashMap<>();
  /** Closes a connection's socket at its deadline even when its thread is blocked writing to a peer that never reads. */
  private final ScheduledExecutorService reaper;
  private final AtomicLong connectionSeeds = new AtomicLong();

  private LabServer(ServerSocket serverSocket, Context context, int maxConnections, long seed) {
    this.serverSocket = serverSocket;
    this.context = context;
    this.maxConnections = maxConnections;
    this.connectionSeeds.set(seed);
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "heartguard-lab-reaper");
      t.setDaemon(true);
      return t;
    });
    this.acceptor = Thread.ofPlatform().daemon().name("heartguard-lab-accept").unstarted(this::acceptLoop);
  }

  /** Binds {@code options.listen()} (port 0 picks a free port) and starts serving. */
  public static LabServer start(LabOptions options) throws IOException {
    return start(options, null);
  }

  /**
   * Starts a honeypot: a vulnerable lab (whatever {@code options.mode()} says) that logs every heartbeat as an attempt
   * with the client's JA3 and the scanner it looks like, leaks a canary login unique to each source address, and
   * stops answering over {@code honeypot}'s byte budgets. A null {@code honeypot} starts a plain lab.
   */
  public static LabServer start(LabOptions options, HoneypotOptions honeypot) throws IOException {
    if (honeypot != null) {
      options = options.withMode(LabMode.VULNERABLE);
    }
    ServerIdentity identity = (options.identity() != null ? options.identity() : ServerIdentity.processDefault())
        .withPaddingCerts(options.chainPaddingCerts());
    FakeMemory memory = FakeMemory.seeded(options.heapSeed(), identity);
    ServerSocket serverSocket = new ServerSocket();
    LabLog log = null;
    try {
      serverSocket.setReuseAddress(true);
      serverSocket.bind(options.listen(), 128);
      log = options.logFile() != null
          ? new LabLog(Files.newOutputStream(options.logFile(), StandardOpenOption.CREATE, StandardOpenOption.APPEND),
              true, Clock.systemUTC(), options.mode())
          : new LabLog(options.logStream(), false, Clock.systemUTC(), options.mode());
    } catch (IOException | RuntimeException e) {
      serverSocket.close();
      throw e;
    }
    Context context = new Context(options.mode(), identity, memory, log, options.readTimeout(),
        options.connectionDeadline(), new AtomicBoolean(),
        honeypot == null ? null : new Honeypot(honeypot, memory, System::currentTimeMillis), options.startTls(),
        options.heartbeats());
    LabServer server = new LabServer(serverSocket, context, options.maxConnections(), options.heapSeed());
    server.acceptor.start();
    return server;
  }

  /** The bound address: with port 0 in the options, the ephemeral port chosen. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  public LabMode mode() {
    return context.mode();
  }

  /** The key and chain served; its private key PEM is planted in the fake heap. */
  public ServerIdentity identity() {
    return context.identity();
  }

  /** Cookies, password and tokens planted in the fake heap, for tests that look for them in a leak. */
  public List<String> plantedSecrets() {
    return context.memory().secrets();
  }

  /** The STARTTLS dialog spoken before TLS, or null for plain TLS. */
  public StartTlsProtocol startTls() {
    return context.startTls();
  }

  /** Whether this server runs as a honeypot ({@link #start(LabOptions, HoneypotOptions)}). */
  public boolean isHoneypot() {
    return context.honeypot() != null;
  }

  /** The canary login ("user:password") a honeypot leaks to {@code source}; null for a plain lab. */
  public String canaryFor(java.net.InetAddress source) {
    return context.honeypot() == null ? null : context.honeypot().canaryFor(source).text();
  }

  /** Connections being served right now. */
  public int openConnections() {
    return connections.size();
  }

  /** Stops accepting, closes every connection and waits for their threads to end. */
  @Override
  public void close() {
    if (!context.closing().compareAndSet(false, true)) {
      return;
    }
    try {
      serverSocket.close();
    } catch (IOException e) {
      // Closing a listening socket only fails if it is already closed; nothing is lost either way.
    }
    joinQuietly(acceptor);
    for (Socket socket : connections.keySet()) {
      closeQuietly(socket);
    }
    for (Thread thread : connections.values()) {
      joinQuietly(thread);
    }
    reaper.shutdownNow();
    try {
      context.log().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the heartbeat log: " + e.getMessage(), e);
    }
  }

  private void acceptLoop() {
    while (!context.closing().get()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        if (context.closing().get()) {
          return;
        }
        continue; // a failed accept (a reset before accept completed) concerns that peer only
      }
      String peer = SocketAddressText.describe((InetSocketAddress) socket.getRemoteSocketAddress());
      if (connections.size() >= maxConnections) {
        closeQuietly(socket);
        context.log().connectionClosed(peer, "over the limit of " + maxConnections + " connections");
        continue;
      }
      long deadline = System.nanoTime() + context.connectionDeadline().toNanos();
      LabConnection connection = new LabConnection(socket, peer, context, deadline,
          connectionSeeds.incrementAndGet() * 0x9E3779B97F4A7C15L);
      Thread thread = Thread.ofVirtual().name("heartguard-lab " + peer).unstarted(() -> {
        ScheduledFuture<?> reaping = reaper.schedule(() -> closeQuietly(socket),
            context.connectionDeadline().toMillis() + 1000, TimeUnit.MILLISECONDS);
        try {
          connection.run();
        } finally {
          reaping.cancel(false);
          connections.remove(socket);
        }
      });
      connections.put(socket, thread);
      if (context.closing().get()) {
        closeQuietly(socket);
      }
      thread.start();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // The socket is unusable either way; its connection thread logs why it ended.
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
