import io.heartguard.lab.LabMode;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Lab servers behind 50 ms of round-trip time, for bench/distributed/run.sh, where the kernel has no netem: ADDRESSES
 * × PORTS relays on 127.0.0.1.. from FIRST_PORT, each in front of a lab server on 127.0.1.x (vulnerable or patched,
 * drawn with a fixed seed). LAB_ADDRESSES (default ADDRESSES) bounds the lab servers: relay 127.0.0.a goes to lab
 * 127.0.1.(a mod LAB_ADDRESSES), so a large fleet of targets costs relays, which are cheap, not lab servers. A relay
 * waits one RTT before it connects (the TCP handshake a real path costs) and holds every chunk half an RTT in each
 * direction, in order, so a check costs the round trips it would cost on a 50 ms path. Writes the truth
 * ("address port VULNERABLE|NOT_VULNERABLE") to TRUTH once all listen; serves until stdin closes.
 * {@code java -cp cli/target/heartguard.jar bench/distributed/DelayedFleet.java 24 64 20480 truth.txt [8]}
 */
public final class DelayedFleet {
  static final long HALF_RTT_NANOS = 25_000_000L;

  public static void main(String[] args) throws Exception {
    int addresses = Integer.parseInt(args[0]);
    int ports = Integer.parseInt(args[1]);
    int firstPort = Integer.parseInt(args[2]);
    Path truth = Path.of(args[3]);
    int labAddresses = args.length > 4 ? Math.min(addresses, Integer.parseInt(args[4])) : addresses;
    SplittableRandom random = new SplittableRandom(20140407L);
    List<LabServer> labs = new ArrayList<>();
    List<LabMode> modes = new ArrayList<>();
    for (int a = 1; a <= labAddresses; a++) {
      InetAddress back = InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) a});
      for (int p = firstPort; p < firstPort + ports; p++) {
        LabMode mode = random.nextBoolean() ? LabMode.VULNERABLE : LabMode.PATCHED;
        labs.add(LabServer.start(LabOptions.of(mode).withListen(new InetSocketAddress(back, p)).withoutLog()));
        modes.add(mode);
      }
    }
    List<String> lines = new ArrayList<>();
    for (int a = 1; a <= addresses; a++) {
      InetAddress front = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) a});
      for (int p = firstPort; p < firstPort + ports; p++) {
        int lab = ((a - 1) % labAddresses) * ports + (p - firstPort);
        ServerSocket relay = new ServerSocket();
        relay.setReuseAddress(true);
        relay.bind(new InetSocketAddress(front, p), 512);
        InetSocketAddress backend = labs.get(lab).address();
        Thread.ofVirtual().start(() -> accept(relay, backend));
        lines.add(front.getHostAddress() + " " + p + " "
            + (modes.get(lab) == LabMode.VULNERABLE ? "VULNERABLE" : "NOT_VULNERABLE"));
      }
    }
    Path partial = truth.resolveSibling(truth.getFileName() + ".part");
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(partial))) {
      lines.forEach(out::println);
    }
    Files.move(partial, truth);
    System.err.println("delayed fleet: " + lines.size() + " relays up in front of " + labs.size() + " lab servers");
    while (System.in.read() >= 0) {
      // serve until the bench closes our stdin
    }
    labs.forEach(LabServer::close);
  }

  private static void accept(ServerSocket relay, InetSocketAddress backend) {
    while (true) {
      try {
        Socket client = relay.accept();
        Thread.ofVirtual().start(() -> relay(client, backend));
      } catch (Exception e) {
        return;
      }
    }
  }

  private static void relay(Socket client, InetSocketAddress backend) {
    try (client; Socket server = new Socket()) {
      Thread.sleep(2 * HALF_RTT_NANOS / 1_000_000); // the TCP handshake's round trip
      server.connect(backend);
      Thread up = Thread.ofVirtual().start(() -> pipe(client, server));
      pipe(server, client);
      up.join();
    } catch (Exception e) {
      // a closed peer ends the relay
    }
  }

  /** Copies in to out, each chunk delivered half an RTT after it was read, in order. */
  private static void pipe(Socket from, Socket to) {
    record Chunk(long due, byte[] bytes) {}
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread writer = Thread.ofVirtual().start(() -> {
      try (OutputStream out = to.getOutputStream()) {
        for (Chunk c = queue.take(); c.bytes.length > 0; c = queue.take()) {
          long wait = c.due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          out.write(c.bytes);
          out.flush();
        }
        to.shutdownOutput();
      } catch (Exception e) {
        // the peer went away
      }
    });
    try (InputStream in = from.getInputStream()) {
      byte[] buffer = new byte[16384];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        queue.add(new Chunk(System.nanoTime() + HALF_RTT_NANOS, Arrays.copyOf(buffer, n)));
      }
    } catch (Exception e) {
      // reset or closed
    }
    queue.add(new Chunk(System.nanoTime() + HALF_RTT_NANOS, new byte[0]));
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
