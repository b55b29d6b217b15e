import io.heartguard.lab.LabMode;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Many lab servers in one JVM, for bench/scan-many/run.sh: ADDRESSES loopback addresses (127.0.0.1, 127.0.0.2, ...)
 * × PORTS consecutive ports from FIRST_PORT, each one emulated OpenSSL 1.0.1f (vulnerable) or 1.0.1g (patched), drawn
 * with a fixed seed so that about half are vulnerable. Writes the truth ("address port VULNERABLE|NOT_VULNERABLE", one
 * line per listener) to TRUTH once every listener is bound, then serves until stdin closes.
 *
 * <p>Run from the source file with the shaded jar on the class path:
 * {@code java -cp cli/target/heartguard.jar bench/scan-many/LabFleet.java 8 40 20000 truth.txt}
 */
public final class LabFleet {
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: LabFleet ADDRESSES PORTS FIRST_PORT TRUTH_FILE");
      System.exit(2);
    }
    int addresses = Integer.parseInt(args[0]);
    int ports = Integer.parseInt(args[1]);
    int firstPort = Integer.parseInt(args[2]);
    Path truth = Path.of(args[3]);
    SplittableRandom random = new SplittableRandom(20140407L);
    List<LabServer> servers = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    try {
      for (int a = 1; a <= addresses; a++) {
        InetAddress address = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) a});
        for (int p = firstPort; p < firstPort + ports; p++) {
          LabMode mode = random.nextBoolean() ? LabMode.VULNERABLE : LabMode.PATCHED;
          // Peers hold a patched connection open until their own timeout; the lab must outlast them (testssl, nmap).
          servers.add(LabServer.start(LabOptions.of(mode).withListen(new InetSocketAddress(address, p)).withoutLog()
              .withReadTimeout(java.time.Duration.ofSeconds(30))));
          lines.add(address.getHostAddress() + " " + p + " " + (mode == LabMode.VULNERABLE ? "VULNERABLE" : "NOT_VULNERABLE"));
        }
      }
      Path partial = truth.resolveSibling(truth.getFileName() + ".part");
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(partial))) {
        lines.forEach(out::println);
      }
      Files.move(partial, truth); // appears whole: run.sh waits for it
      System.err.println("lab fleet: " + servers.size() + " listeners up");
      while (System.in.read() >= 0) {
        // serve until the bench closes our stdin
      }
    } finally {
      servers.forEach(LabServer::close);
    }
  }
}
