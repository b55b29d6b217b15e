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

/**
 * The targets of bench/serve/run.sh: COUNT lab listeners on 127.0.0.1, ephemeral ports, alternately emulated OpenSSL
 * 1.0.1f (vulnerable) and 1.0.1g (patched). Writes "127.0.0.1:PORT VULNERABLE|NOT_VULNERABLE" lines to TRUTH once
 * every listener is bound (the file appears whole), then serves until stdin closes.
 *
 * <p>{@code java -cp CLASSPATH bench/serve/LabTargets.java 200 truth.txt}
 */
public final class LabTargets {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LabTargets COUNT TRUTH_FILE");
      System.exit(2);
    }
    int count = Integer.parseInt(args[0]);
    Path truth = Path.of(args[1]);
    List<LabServer> servers = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        LabMode mode = i % 2 == 0 ? LabMode.VULNERABLE : LabMode.PATCHED;
        LabServer lab = LabServer.start(LabOptions.of(mode).withoutLog()
            .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
        servers.add(lab);
        lines.add("127.0.0.1:" + lab.address().getPort() + " " + (mode == LabMode.VULNERABLE ? "VULNERABLE" : "NOT_VULNERABLE"));
      }
      Path partial = truth.resolveSibling(truth.getFileName() + ".part");
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(partial))) {
        lines.forEach(out::println);
      }
      Files.move(partial, truth);
      System.err.println("lab targets: " + servers.size() + " listeners up");
      while (System.in.read() >= 0) {
        // serve until run.sh closes our stdin
      }
    } finally {
      servers.forEach(LabServer::close);
    }
  }
}
