package io.heartguard.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports for test servers on loopback addresses. */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * {@code count} different ports the kernel just handed out on 127.0.0.1, all held until the last is found and then
   * closed: free there (and, in practice, on the rest of 127/8) for a test to bind or to find nothing listening on.
   */
  public static int[] free(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
