package io.heartguard.sensor;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A relay on loopback in front of a server that records both byte streams of the one connection it carries, in the
 * order it forwarded them, and writes them as a pcap: how tests capture a live attack for the sensor.
 */
final class RecordingRelay implements AutoCloseable {
  /** Bytes one side sent, in the order the relay saw them. */
  private record Chunk(boolean fromClient, byte[] bytes) {}

  private final ServerSocket socket;
  private final List<Chunk> recorded = new ArrayList<>();
  private final Thread relaying;

  private RecordingRelay(InetSocketAddress server) throws IOException {
    this.socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    this.relaying = Thread.ofVirtual().start(() -> relay(server));
  }

  /** A relay to {@code server}, accepting one client. */
  static RecordingRelay to(InetSocketAddress server) throws IOException {
    return new RecordingRelay(server);
  }

  /** Where the client connects. */
  InetSocketAddress address() {
    return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
  }

  /** Once both sides have closed: the connection as a pcap between 127.0.0.1 ports {@code client} and {@code server}. */
  byte[] pcap(int client, int server) throws InterruptedException {
    relaying.join();
    TcpConversation tcp = new TcpConversation(new byte[] {127, 0, 0, 1}, client, new byte[] {127, 0, 0, 1}, server);
    tcp.open();
    synchronized (recorded) {
      for (Chunk c : recorded) {
        tcp.send(c.fromClient(), c.bytes());
      }
    }
    tcp.close();
    return tcp.pcap();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void relay(InetSocketAddress server) {
    try (Socket client = socket.accept(); Socket upstream = new Socket(server.getAddress(), server.getPort())) {
      Thread up = Thread.ofVirtual().start(() -> pipe(client, upstream, true));
      pipe(upstream, client, false);
      up.join();
    } catch (IOException | InterruptedException e) {
      throw new AssertionError("the recording relay failed", e);
    }
  }

  private void pipe(Socket from, Socket to, boolean fromClient) {
    try {
      InputStream in = from.getInputStream();
      byte[] chunk = new byte[16384];
      for (int n; (n = in.read(chunk)) > 0; ) {
        synchronized (recorded) { // recorded in the order forwarded, so the pcap keeps the real interleaving
          recorded.add(new Chunk(fromClient, Arrays.copyOf(chunk, n)));
          to.getOutputStream().write(chunk, 0, n);
        }
      }
      to.shutdownOutput();
    } catch (IOException closed) {
      // one side closed or reset: the relay ends with it
    }
  }
}
