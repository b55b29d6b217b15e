package io.heartguard.detect;

import java.util.Objects;

/**
 * The connection a monitor watches, as its alerts name it: transport, client and server endpoints, and an id that
 * is stable for the connection. Addresses are kept as text so that the engine need not know about packets.
 */
public record FlowInfo(Transport transport, String clientAddress, int clientPort, String serverAddress,
    int serverPort, long flowId) {

  public enum Transport {
    TCP,
    UDP
  }

  public FlowInfo {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(clientAddress, "clientAddress");
    Objects.requireNonNull(serverAddress, "serverAddress");
    if (clientPort < 0 || clientPort > 0xffff || serverPort < 0 || serverPort > 0xffff) {
      throw new IllegalArgumentException("ports must be 0..65535, got " + clientPort + " and " + serverPort);
    }
  }

  public String sourceAddress(Direction direction) {
    return direction == Direction.TO_SERVER ? clientAddress : serverAddress;
  }

  public int sourcePort(Direction direction) {
    return direction == Direction.TO_SERVER ? clientPort : serverPort;
  }

  public String destinationAddress(Direction direction) {
    return direction == Direction.TO_SERVER ? serverAddress : clientAddress;
  }

  public int destinationPort(Direction direction) {
    return direction == Direction.TO_SERVER ? serverPort : clientPort;
  }
}
