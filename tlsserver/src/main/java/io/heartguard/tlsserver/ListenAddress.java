package io.heartguard.tlsserver;

import io.heartguard.address.HostPort;
import java.net.InetSocketAddress;

/**
 * Parses {@code --listen}: {@code 127.0.0.1:8443}, {@code [::1]:8443}, or {@code :8443} (loopback, never all
 * interfaces), in the address grammar every command uses; port 0 picks a free one. The lab's and client-test's
 * servers share it.
 */
public final class ListenAddress {
  private ListenAddress() {}

  /** The address, or IllegalArgumentException with a one-line reason that quotes the text: {@link HostPort#parseListen}. */
  public static InetSocketAddress parse(String text) {
    return HostPort.parseListen(text);
  }
}
