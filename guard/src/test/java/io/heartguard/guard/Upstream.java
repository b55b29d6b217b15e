package io.heartguard.guard;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server on 127.0.0.1 that runs {@code behaviour} for each connection on its own virtual thread. Failures inside a
 * behaviour are kept and rethrown by {@link #close}, never swallowed.
 */
public final class Upstream implements AutoCloseable {
  public interface Behaviour {
    void serve(Socket socket) throws Exception;
  }

  private final ServerSocket server;
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  public Upstream(Behaviour behaviour) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.add(s);
          Thread.ofVirtual().start(() -> {
            try (s) {
              behaviour.serve(s);
            } catch (Throwable t) {
              failures.add(t);
            }
          });
        } catch (IOException e) {
          return; // closed
        }
      }
    });
  }

  public Endpoint endpoint() {
    return Endpoint.of((InetSocketAddress) server.getLocalSocketAddress());
  }

  /** The next connection the guard opened here, waiting up to ten seconds. */
  public Socket nextAccepted() throws InterruptedException {
    Socket s = accepted.poll(10, TimeUnit.SECONDS);
    if (s == null) {
      throw new AssertionError("the guard opened no upstream connection within 10 s");
    }
    return s;
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError("upstream behaviour failed: " + failures.getFirst());
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }
}
