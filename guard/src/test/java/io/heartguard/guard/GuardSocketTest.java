package io.heartguard.guard;

import static io.heartguard.guard.GuardedLoopback.readToEnd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.detect.Alert;
import io.heartguard.detect.RecordAction;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The guard on real sockets on 127.0.0.1: relaying, half-close, resets, back-pressure, limits, shutdown, admin. */
class GuardSocketTest {

  /** Echoes everything until the client's FIN, then closes. */
  private static final Upstream.Behaviour ECHO = s -> {
    s.getInputStream().transferTo(s.getOutputStream());
    s.shutdownOutput();
  };

  @Test
  void randomTrafficCrossesBothWaysByteForByte() throws Exception {
    Random random = new Random(20140407);
    // Text is not TLS: only monitor carries it (the default resets it, see RecordInspectorTest).
    try (Upstream upstream = new Upstream(ECHO); GuardedLoopback guard = new GuardedLoopback(upstream.endpoint());
        GuardedLoopback monitor = new GuardedLoopback(upstream.endpoint(), EnumSet.of(Policy.MONITOR), Action.RESET,
            GuardServer.Limits.defaults())) {
      for (int round = 0; round < 4; round++) {
        boolean tls = round % 2 == 0;
        byte[] traffic = tls ? tlsLike(random, 2_000_000) : text(random, 500_000);
        try (Socket client = (tls ? guard : monitor).connect()) {
          CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
              client.getOutputStream().write(traffic);
              client.shutdownOutput();
            } catch (Exception e) {
              throw new RuntimeException(e);
            }
          });
          byte[] echoed = readToEnd(client.getInputStream());
          writer.join();
          assertThat(echoed).as("round %d", round).isEqualTo(traffic);
        }
      }
      assertThat(guard.alerts).isEmpty();
      assertThat(monitor.alerts).extracting((Alert a) -> a.rule().id()).containsOnly("not_tls");
    }
  }

  @Test
  void halfClosePassesTheFinAndKeepsTheOtherWayOpen() throws Exception {
    Upstream.Behaviour pingPong = s -> {
      byte[] got = s.getInputStream().readAllBytes(); // returns at the client's FIN, passed on by the guard
      s.getOutputStream().write(TlsBytes.record(23, got)); // the answer: everything it got, in one record
    };
    try (Upstream upstream = new Upstream(pingPong); GuardedLoopback guard = new GuardedLoopback(upstream.endpoint());
        Socket client = guard.connect()) {
      client.getOutputStream().write(TlsBytes.CLIENT_HELLO);
      client.shutdownOutput();

      assertThat(readToEnd(client.getInputStream())).isEqualTo(TlsBytes.record(23, TlsBytes.CLIENT_HELLO));
    }
  }

  @Test
  void upstreamResetIsPassedOnAsReset() throws Exception {
    Upstream.Behaviour resetAtOnce = s -> {
      s.getInputStream().read(); // wait for the client's first byte, so the guard has connected both sides
      s.setSoLinger(true, 0);
    };
    try (Upstream upstream = new Upstream(resetAtOnce); GuardedLoopback guard = new GuardedLoopback(upstream.endpoint());
        Socket client = guard.connect()) {
      client.getOutputStream().write(TlsBytes.CLIENT_HELLO);

      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class)
          .hasMessageContaining("reset");
    }
  }

  @Test
  void heartbleedRequestResetsBothConnectionsAndIsLogged() throws Exception {
    CompletableFuture<byte[]> upstreamSaw = new CompletableFuture<>();
    Upstream.Behaviour record = s -> {
      try {
        upstreamSaw.complete(readToEnd(s.getInputStream()));
      } catch (SocketException e) {
        upstreamSaw.complete(null); // reset by the guard: what was read before is lost, so see below
      }
    };
    try (Upstream upstream = new Upstream(record); GuardedLoopback guard = new GuardedLoopback(upstream.endpoint());
        Socket client = guard.connect()) {
      OutputStream out = client.getOutputStream();
      out.write(TlsBytes.concat(TlsBytes.CLIENT_HELLO, TlsBytes.HEARTBLEED_REQUEST));

      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class);
      assertThat(upstreamSaw.get()).isNull(); // the upstream got a reset, not a clean end
      assertThat(guard.alerts).extracting((Alert a) -> a.rule().id(), Alert::recordAction)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("heartbleed_request_overflow", RecordAction.RESET));
    }
  }

  @Test
  void slowReaderMakesTheGuardStopReadingInsteadOfBuffering() throws Exception {
    int total = 64 << 20;
    CompletableFuture<Long> writtenBeforeStall = new CompletableFuture<>();
    try (var serverChannel = java.nio.channels.ServerSocketChannel.open()) {
      serverChannel.bind(new InetSocketAddress("127.0.0.1", 0));
      Endpoint upstreamEndpoint = Endpoint.of((InetSocketAddress) serverChannel.getLocalAddress());
      GuardServer.Limits limits = GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(1))
          .withBuffers(64 * 1024, 64 * 1024);
      try (GuardedLoopback guard = new GuardedLoopback(upstreamEndpoint, Policy.DEFAULT, Action.RESET, limits);
          Socket client = new Socket()) {
        client.setReceiveBufferSize(64 * 1024);
        client.connect(guard.address());
        client.setSoTimeout(10_000);
        byte[] data = applicationDataRecords(new Random(7), total);
        CompletableFuture<Void> writer;
        try (SocketChannel upstream = serverChannel.accept()) {
          upstream.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 64 * 1024);
          upstream.configureBlocking(false);
          // Write without blocking until nothing more is taken for a second: the guard has stopped reading.
          writer = CompletableFuture.runAsync(() -> {
            try (Selector selector = Selector.open()) {
              upstream.register(selector, SelectionKey.OP_WRITE);
              ByteBuffer buf = ByteBuffer.wrap(data);
              while (buf.hasRemaining()) {
                if (upstream.write(buf) == 0) {
                  selector.selectedKeys().clear();
                  if (selector.select(1000) == 0 && !writtenBeforeStall.isDone()) {
                    writtenBeforeStall.complete((long) buf.position());
                  }
                }
              }
              writtenBeforeStall.complete((long) total); // never stalled: the guard buffered it all
            } catch (Exception e) {
              writtenBeforeStall.completeExceptionally(e);
            }
          });
          long written = writtenBeforeStall.get();
          assertThat(written).as("bytes the upstream could push into a client that reads nothing")
              .isLessThan(total / 2);
          byte[] received = client.getInputStream().readNBytes(total);
          writer.get();
          assertThat(Arrays.equals(received, data)).as("all bytes arrive, in order, once the client reads").isTrue();
          System.out.println("slow reader: upstream stalled after " + written + " bytes");
        }
      }
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedWithAReset() throws Exception {
    GuardServer.Limits limits = GuardServer.Limits.defaults().withMaxConnections(1).withDrainTimeout(Duration.ofSeconds(1));
    try (Upstream upstream = new Upstream(ECHO);
        GuardedLoopback guard = new GuardedLoopback(upstream.endpoint(), Policy.DEFAULT, Action.RESET, limits);
        Socket first = guard.connect()) {
      first.getOutputStream().write(TlsBytes.CLIENT_HELLO);
      assertThat(first.getInputStream().readNBytes(TlsBytes.CLIENT_HELLO.length)).isEqualTo(TlsBytes.CLIENT_HELLO);

      try (Socket second = guard.connect()) {
        assertThatThrownBy(() -> {
          second.getOutputStream().write('b');
          if (second.getInputStream().read() == -1) {
            throw new SocketException("closed without a reset");
          }
        }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
      }
      assertThat(guard.server.metrics().prometheusText()).contains("heartguard_guard_connections_refused_total 1");
    }
  }

  @Test
  void idleConnectionsAreClosed() throws Exception {
    GuardServer.Limits limits = GuardServer.Limits.defaults().withIdleTimeout(Duration.ofMillis(300))
        .withDrainTimeout(Duration.ofSeconds(1));
    try (Upstream upstream = new Upstream(ECHO);
        GuardedLoopback guard = new GuardedLoopback(upstream.endpoint(), Policy.DEFAULT, Action.RESET, limits);
        Socket client = guard.connect()) {
      long start = System.nanoTime();
      assertThat(client.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  @Test
  void unreachableUpstreamResetsTheClient() throws Exception {
    Endpoint closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = Endpoint.of((InetSocketAddress) s.getLocalSocketAddress());
    }
    try (GuardedLoopback guard = new GuardedLoopback(closedPort); Socket client = guard.connect()) {
      assertThatThrownBy(() -> {
        if (client.getInputStream().read() == -1) {
          throw new SocketException("closed without a reset");
        }
      }).isInstanceOf(SocketException.class).hasMessageContaining("reset");
      assertThat(guard.server.metrics().prometheusText()).contains("heartguard_guard_upstream_failures_total 1");
    }
  }

  @Test
  void shutdownStopsAcceptingAndDrainsOpenConnections() throws Exception {
    GuardServer.Limits limits = GuardServer.Limits.defaults().withDrainTimeout(Duration.ofSeconds(20));
    try (Upstream upstream = new Upstream(ECHO)) {
      GuardedLoopback guard = new GuardedLoopback(upstream.endpoint(), Policy.DEFAULT, Action.RESET, limits);
      InetSocketAddress address = guard.address();
      try (Socket client = guard.connect()) {
        client.getOutputStream().write(TlsBytes.CLIENT_HELLO);
        assertThat(client.getInputStream().readNBytes(TlsBytes.CLIENT_HELLO.length)).isEqualTo(TlsBytes.CLIENT_HELLO);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(guard::close);
        awaitRefused(address);
        client.getOutputStream().write(TlsBytes.APPLICATION_DATA); // the open connection still works while draining
        assertThat(client.getInputStream().readNBytes(TlsBytes.APPLICATION_DATA.length))
            .isEqualTo(TlsBytes.APPLICATION_DATA);
        assertThat(closing).isNotDone();
        client.shutdownOutput();
        assertThat(client.getInputStream().read()).isEqualTo(-1);
        closing.get();
      }
    }
  }

  @Test
  void adminPortServesMetricsAndHealth() throws Exception {
    try (Upstream upstream = new Upstream(ECHO); GuardedLoopback guard = new GuardedLoopback(upstream.endpoint());
        AdminServer admin = AdminServer.start(new Endpoint("127.0.0.1", 0), guard.server);
        HttpClient http = HttpClient.newHttpClient()) {
      try (Socket client = guard.connect()) {
        client.getOutputStream().write(TlsBytes.CLIENT_HELLO);
        assertThat(client.getInputStream().readNBytes(TlsBytes.CLIENT_HELLO.length)).isEqualTo(TlsBytes.CLIENT_HELLO);
      }
      String base = "http://127.0.0.1:" + admin.address().getPort();

      HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(metrics.body()).contains("heartguard_guard_connections_accepted_total 1",
          "heartguard_guard_bytes_total{direction=\"to_server\"} " + TlsBytes.CLIENT_HELLO.length,
          "heartguard_guard_alerts_total{rule=\"heartbleed_request_overflow\"} 0");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");
      assertThat(missing.statusCode()).isEqualTo(404);
    }
  }

  /** Connects until the listener is gone; the guard closes its listener before it starts draining. */
  private static void awaitRefused(InetSocketAddress address) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(address, 1000);
        Thread.onSpinWait();
      } catch (ConnectException refused) {
        return;
      } catch (SocketException resetWhileTheListenerCloses) {
        // accepted in the instant before the listener closed, and reset at once as "shutting down": try again
      }
    }
    throw new AssertionError("the guard still accepted connections 10 s after shutdown began");
  }

  /** Application data records of 2^14 random bytes, {@code size} bytes in all (the last record cut to fit). */
  private static byte[] applicationDataRecords(Random random, int size) {
    byte[] out = new byte[size];
    random.nextBytes(out);
    for (int pos = 0; pos + 5 <= size; pos += 5 + (1 << 14)) {
      int length = Math.min(1 << 14, size - pos - 5);
      System.arraycopy(TlsBytes.record(23, new byte[0]), 0, out, pos, 3);
      out[pos + 3] = (byte) (length >>> 8);
      out[pos + 4] = (byte) length;
    }
    return out;
  }

  /** Records of types 20..23 with random bodies, opened by a ClientHello record. */
  private static byte[] tlsLike(Random random, int size) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(TlsBytes.CLIENT_HELLO);
    while (out.size() < size) {
      byte[] body = new byte[random.nextInt(1 + random.nextInt(16384))];
      random.nextBytes(body);
      int type = 20 + random.nextInt(4);
      out.writeBytes(TlsBytes.record(type, type == 20 ? new byte[] {1} : body)); // ChangeCipherSpec is one byte
    }
    return out.toByteArray();
  }

  private static byte[] text(Random random, int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i % 80 == 79 ? '\n' : ' ' + random.nextInt(95));
    }
    return b;
  }
}
