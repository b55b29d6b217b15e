package io.heartguard.guard;

import io.heartguard.address.HostPort;

import java.net.InetSocketAddress;

/** A host and port as given on the command line (port 0 only for a listener built in code): {@code 127.0.0.1:8443}, {@code localhost:443}, {@code [::1]:443}. */
public record Endpoint(String host, int port) {
  public Endpoint {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("port " + port + " is not 0..65535");
    }
  }

  /** HOST:PORT in the address grammar every command uses ({@link HostPort}): ports 1..65535, IPv6 in brackets. */
  public static Endpoint parse(String text) {
    HostPort hostPort = HostPort.parse(text);
    return new Endpoint(hostPort.host(), hostPort.port());
  }

  public static Endpoint of(InetSocketAddress address) {
    return new Endpoint(address.getHostString(), address.getPort());
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return HostPort.authority(host, port);
  }
}
