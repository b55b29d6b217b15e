package io.heartguard.guard;

import io.heartguard.detect.Alert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** A {@link GuardServer} on 127.0.0.1 in front of one upstream, recording its alerts. */
public final class GuardedLoopback implements AutoCloseable {
  public final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
  public final GuardServer server;

  public GuardedLoopback(Endpoint upstream, Set<Policy> policies, Action action, GuardServer.Limits limits) {
    ListenerSpec spec = new ListenerSpec(new Endpoint("127.0.0.1", 0), upstream, policies, action);
    server = GuardServer.start(List.of(spec), limits, alerts::add, new GuardMetrics());
  }

  public GuardedLoopback(Endpoint upstream) {
    this(upstream, Policy.DEFAULT, Action.RESET, GuardServer.Limits.defaults().withDrainTimeout(java.time.Duration.ofSeconds(1)));
  }

  public InetSocketAddress address() {
    return server.addresses().getFirst();
  }

  public Socket connect() throws IOException {
    Socket s = new Socket(address().getAddress(), address().getPort());
    s.setSoTimeout(10_000); // a hung test fails instead of hanging
    return s;
  }

  public static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  @Override
  public void close() {
    server.close();
  }
}
