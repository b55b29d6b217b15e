// Writes N results into a new job with the default batching, then times summarize and resume.
// Single-file program against the jar ./heartguard builds (store and its dependencies are in it):
//   ./heartguard --version >/dev/null
//   java --enable-native-access=ALL-UNNAMED -cp cli/target/heartguard.jar bench/store/StoreWriteBench.java /tmp/bench.db 200000
//   java -cp cli/target/heartguard.jar bench/store/StoreWriteBench.java "$(bin/start-postgres.sh)&currentSchema=bench" 200000
import io.heartguard.scan.Verdict;
import io.heartguard.store.JobSummary;
import io.heartguard.store.ResultStore;
import io.heartguard.store.ResultWriter;
import io.heartguard.store.ResumePoint;
import io.heartguard.store.StoredCertificate;
import io.heartguard.store.StoredResult;
import java.time.Instant;

public class StoreWriteBench {
  public static void main(String[] args) throws Exception {
    String db = args[0];
    int n = Integer.parseInt(args[1]);
    try (ResultStore store = ResultStore.open(db)) {
      String job = "bench-" + System.currentTimeMillis();
      ResumePoint point = store.createJob(job, "bench", 1);
      StoredCertificate old = new StoredCertificate("CN=x.example", "CN=CA", Instant.parse("2013-01-01T00:00:00Z"),
          Instant.parse("2030-01-01T00:00:00Z"), false);
      long start = System.nanoTime();
      long commits;
      try (ResultWriter writer = store.writer(point)) {
        for (int i = 0; i < n; i++) {
          boolean vulnerable = i % 50 == 0;
          writer.write(new StoredResult(job, i, "host" + i + ".example:443", "host" + i + ".example", 443,
              "10.0." + (i / 256 % 256) + "." + (i % 256), "tls", "TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA",
              "peer_allowed_to_send", vulnerable ? Verdict.VULNERABLE : Verdict.NOT_VULNERABLE, "reason",
              vulnerable ? 16 : 0, i % 2 == 0 ? old : null, 40, Instant.now()));
        }
        writer.close();
        commits = writer.commits();
      }
      long written = System.nanoTime();
      JobSummary summary = store.summarize(job, 100);
      long summarized = System.nanoTime();
      store.resume(job);
      long resumed = System.nanoTime();
      System.out.printf("%d results in %d ms (%.0f results/s, %d commits); summarize %d ms (%d results); resume %d ms%n",
          n, (written - start) / 1_000_000, n / ((written - start) / 1e9), commits, (summarized - written) / 1_000_000,
          summary.results(), (resumed - summarized) / 1_000_000);
    }
  }
}
