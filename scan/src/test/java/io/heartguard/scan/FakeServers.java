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

  /** A patched server whose certificate's common name is {@code commonName}, whatever characters it holds. */
  public static Running withCommonName(String commonName) throws IOException {
    var certificate = TestCertificates.selfSigned(commonName, java.time.Instant.parse("2020-01-01T00:00:00Z"),
        java.time.Instant.parse("2040-01-01T00:00:00Z"));
    return wrap(FakeServer.start(FakeServer.Config.of(ServerPolicy.PATCHED).withChain(java.util.List.of(certificate),
        Integer.MAX_VALUE)));
  }

  /**
   * A server that first plays a STARTTLS dialog ({@link DialogScript}, by its name, e.g. "SMTP" or "FTP_500_OOPS"),
   * then behaves like OpenSSL 1.0.1f (vulnerable) or 1.0.1g.
   */
  public static Running startTls(String dialogScript, boolean vulnerable) throws IOException {
    return wrap(FakeServer.start(FakeServer.Config.of(vulnerable ? ServerPolicy.VULNERABLE : ServerPolicy.PATCHED)
        .withPrelude(DialogScript.valueOf(dialogScript))));
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
