package io.heartguard.lab;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Parses {@code --listen}: {@code 127.0.0.1:8443}, {@code [::1]:8443}, or {@code :8443} (loopback, never all
 * interfaces). The lab's and client-test's servers share it.
 */
public final class ListenAddress {
  private ListenAddress() {}

  /** The address, or IllegalArgumentException with a one-line reason that quotes the text. */
  public static InetSocketAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("listen address '" + text + "' has no port; expected HOST:PORT, [IPv6]:PORT or :PORT");
    }
    String host = text.substring(0, colon);
    int port = parsePort(text, text.substring(colon + 1));
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("listen address '" + text + "' has an IPv6 host without brackets; expected [" + host + "]:" + port);
    }
    if (host.isEmpty()) {
      // A deliberately vulnerable server must not reach the network by accident.
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("listen host '" + host + "' does not resolve");
    }
  }

  private static int parsePort(String text, String port) {
    try {
      int value = Integer.parseInt(port);
      if (value >= 0 && value <= 65535) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below with the whole address
    }
    throw new IllegalArgumentException("listen address '" + text + "' has port '" + port + "'; expected 0..65535");
  }
}
