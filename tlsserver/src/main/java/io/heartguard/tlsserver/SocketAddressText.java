package io.heartguard.tlsserver;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** How the servers print a listening or peer socket address in their log and messages. */
public final class SocketAddressText {
  private SocketAddressText() {}

  /** "127.0.0.1:8443" or "[::1]:8443": IPv6 in brackets so the port stays readable. */
  public static String describe(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
