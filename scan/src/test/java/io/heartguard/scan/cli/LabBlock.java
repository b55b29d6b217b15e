package io.heartguard.scan.cli;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.testkit.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lab servers on a block of loopback addresses over three ports, started for a test class and stopped after it, and
 * what a scan of the block must find: {@value #RANGE} × 3 ports is {@value #TARGETS} targets, of which
 *
 * <pre>
 *   port A: 127.0.0.1 vulnerable, 127.0.0.2 vulnerable, 127.0.0.3 patched
 *   port B: 127.0.0.4 vulnerable, 127.0.0.5 patched,    127.0.0.6 patched
 *   port C: 127.0.0.7 patched
 * </pre>
 *
 * and the other 17 refuse the connection: 3 VULNERABLE, 4 NOT_VULNERABLE, 17 INCONCLUSIVE. Shared by scan's
 * ManyTargetsTest and store's ScanJobTest (as scan's test-jar).
 */
final class LabBlock implements BeforeAllCallback, AfterAllCallback {
  static final String RANGE = "127.0.0.0/29";
  static final int TARGETS = 24;
  /** The verdicts of a scan of the whole block, counted by name. */
  static final Map<String, Long> VERDICTS = Map.of("INCONCLUSIVE", 17L, "NOT_VULNERABLE", 4L, "VULNERABLE", 3L);

  private final List<LabServer> servers = new ArrayList<>();
  private int[] ports;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    ports = LoopbackPorts.free(4); // the fourth is closed again at once: nothing listens there
    lab(LabOptions.vulnerable(), 1, ports[0]);
    lab(LabOptions.vulnerable(), 2, ports[0]);
    lab(LabOptions.patched(), 3, ports[0]);
    lab(LabOptions.vulnerable(), 4, ports[1]);
    lab(LabOptions.patched(), 5, ports[1]);
    lab(LabOptions.patched(), 6, ports[1]);
    lab(LabOptions.patched(), 7, ports[2]);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    servers.forEach(LabServer::close);
  }

  private void lab(LabOptions options, int lastOctet, int port) throws IOException {
    InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet});
    servers.add(LabServer.start(options.withoutLog().withListen(new InetSocketAddress(address, port))));
  }

  /** Port A, B or C (0, 1 or 2). */
  int port(int index) {
    return ports[index];
  }

  /** The three ports as {@code -p} takes them. */
  String portList() {
    return ports[0] + "," + ports[1] + "," + ports[2];
  }

  /** A port handed out with the three and closed again: nothing listens there. */
  int closedPort() {
    return ports[3];
  }

  /** The vulnerable targets as address:port, in order. */
  List<String> vulnerable() {
    return List.of("127.0.0.1:" + ports[0], "127.0.0.2:" + ports[0], "127.0.0.4:" + ports[1]);
  }

  static Map<String, Long> byVerdict(List<String> verdicts) {
    return new TreeMap<>(verdicts.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting())));
  }
}
