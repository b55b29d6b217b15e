package io.heartguard.guard;

import java.net.InetSocketAddress;

/** A host and port as given on the command line: {@code 127.0.0.1:8443}, {@code localhost:443}, {@code [::1]:443}. */
public record Endpoint(String host, int port) {
  public Endpoint {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port " + port + " is not 0..65535");
    }
  }

  public static Endpoint parse(String text) {
    String t = text.strip();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT (write an IPv6 address as [::1]:PORT)");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port in '" + text + "' is not a number");
    }
    return new Endpoint(host, port);
  }

  public static Endpoint of(InetSocketAddress address) {
    return new Endpoint(address.getHostString(), address.getPort());
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
