package io.heartguard.scan.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One UDP "connection" to a target: a DatagramChannel connected to its address, so only the target's datagrams are
 * read and an ICMP port unreachable is seen. Every wait ends by the check's deadline; what the target may send is
 * capped in datagrams and bytes.
 */
final class DatagramLink implements AutoCloseable {
  /** The largest UDP payload over IPv4 (65535 less 8 bytes of UDP and 20 of IP): a datagram is read whole or not. */
  static final int MAX_DATAGRAM = 65507;
  /** Datagrams read per check: the flight, retransmissions of it, two answers, and slack. */
  static final int MAX_DATAGRAMS = 1024;
  /** Bytes read per check: a 1 MiB flight, the answers and slack (as TCP's read limit). */
  static final long MAX_BYTES = (1L << 20) + 256 * 1024;

  private final DatagramChannel channel;
  private final Selector selector;
  private final long deadlineNanos;
  private final int port;
  private final ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM + 1);
  private int datagramsRead;
  private long bytesRead;
  private int datagramsSent;

  private DatagramLink(DatagramChannel channel, Selector selector, long deadlineNanos, int port) {
    this.channel = channel;
    this.selector = selector;
    this.deadlineNanos = deadlineNanos;
    this.port = port;
  }

  static DatagramLink open(InetSocketAddress address, long deadlineNanos) throws DtlsFailure {
    DatagramChannel channel = null;
    Selector selector = null;
    try {
      channel = DatagramChannel.open(address.getAddress() instanceof java.net.Inet6Address
          ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
      channel.connect(address);
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      return new DatagramLink(channel, selector, deadlineNanos, address.getPort());
    } catch (IOException e) {
      closeQuietly(channel, selector);
      throw new DtlsFailure(DtlsFailure.Kind.IO, "cannot open a UDP socket to " + address + ": " + e.getMessage());
    }
  }

  int port() {
    return port;
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  boolean expired() {
    return System.nanoTime() - deadlineNanos >= 0;
  }

  int datagramsSent() {
    return datagramsSent;
  }

  void send(byte[] datagram) throws DtlsFailure {
    try {
      channel.write(ByteBuffer.wrap(datagram));
      datagramsSent++;
    } catch (PortUnreachableException e) {
      throw unreachable();
    } catch (IOException e) {
      throw new DtlsFailure(DtlsFailure.Kind.IO, "cannot send a " + datagram.length + "-byte datagram: "
          + e.getMessage());
    }
  }

  /**
   * The next datagram from the target, or null when none came before {@code untilNanos} (never later than the
   * deadline).
   */
  byte[] receive(long untilNanos) throws DtlsFailure {
    long until = untilNanos - deadlineNanos < 0 ? untilNanos : deadlineNanos;
    try {
      while (true) {
        in.clear();
        int before = in.position();
        if (channel.receive(in) != null) {
          int length = in.position() - before;
          datagramsRead++;
          bytesRead += length;
          if (datagramsRead > MAX_DATAGRAMS || bytesRead > MAX_BYTES) {
            throw new DtlsFailure(DtlsFailure.Kind.LIMIT, "the server sent more than " + MAX_DATAGRAMS
                + " datagrams or " + MAX_BYTES + " bytes");
          }
          if (length > MAX_DATAGRAM) {
            throw new DtlsFailure(DtlsFailure.Kind.LIMIT, "a datagram over " + MAX_DATAGRAM + " bytes");
          }
          return Arrays.copyOf(in.array(), length);
        }
        long waitNanos = until - System.nanoTime();
        if (waitNanos <= 0) {
          return null;
        }
        selector.selectedKeys().clear();
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
      }
    } catch (PortUnreachableException e) {
      throw unreachable();
    } catch (IOException e) {
      throw new DtlsFailure(DtlsFailure.Kind.IO, "cannot receive: " + e.getMessage());
    }
  }

  private DtlsFailure unreachable() {
    return new DtlsFailure(DtlsFailure.Kind.UNREACHABLE, "ICMP port unreachable: nothing listens on udp/" + port);
  }

  @Override
  public void close() {
    closeQuietly(channel, selector);
  }

  private static void closeQuietly(DatagramChannel channel, Selector selector) {
    try {
      if (selector != null) {
        selector.close();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // Closing UDP sockets: nothing was promised to the peer.
    }
  }
}
