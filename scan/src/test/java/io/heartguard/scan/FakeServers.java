package io.heartguard.scan;

import java.io.IOException;

/** Public doors to the package-private {@link FakeServer} for tests in other packages. */
public final class FakeServers {
  private FakeServers() {}

  /** A running server, its address as a target string, and close. */
  public interface Running extends AutoCloseable {
    String target();

    java.net.InetSocketAddress address();
  }

  public static Running vulnerable() throws IOException {
    return wrap(FakeServer.start(ServerPolicy.VULNERABLE));
  }

  public static Running patched() throws IOException {
    return wrap(FakeServer.start(ServerPolicy.PATCHED));
  }

  private static Running wrap(FakeServer server) {
    return new Running() {
      @Override
      public String target() {
        return server.target();
      }

      @Override
      public java.net.InetSocketAddress address() {
        return server.address();
      }

      @Override
      public void close() throws Exception {
        server.close();
      }
    };
  }
}
