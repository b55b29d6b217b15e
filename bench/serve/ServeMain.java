import io.heartguard.serve.ServeOptions;
import io.heartguard.serve.WebChecker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * heartguard serve for bench/serve/run.sh, started through the same Java entry point the CLI's ServeCommand uses:
 * 127.0.0.1 on PORT, database DB (a SQLite file or a jdbc:postgresql:// URL), 127.0.0.0/8 allowed, rate limits out of
 * the way, at most MAX_IN_FLIGHT checks at once. Prints "serve: URI" to stdout when it takes checks, then serves
 * until stdin closes.
 *
 * <p>{@code java -cp CLASSPATH bench/serve/ServeMain.java 18090 /tmp/serve.db 1024}
 */
public final class ServeMain {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ServeMain PORT DB MAX_IN_FLIGHT");
      System.exit(2);
    }
    ServeOptions options = ServeOptions.defaults()
        .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])))
        .withDatabase(args[1])
        .withAllowed(List.of("127.0.0.0/8"))
        .withMaxInFlight(Integer.parseInt(args[2]))
        .withClientRate(100_000_000)
        .withTargetRate(100_000_000);
    try (WebChecker checker = WebChecker.start(options)) {
      System.out.println("serve: " + checker.uri());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until run.sh closes our stdin
      }
    }
  }
}
