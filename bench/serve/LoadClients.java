import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CLIENTS concurrent API clients of heartguard serve for bench/serve/run.sh. Each, in a loop: POST /api/v1/checks
 * {"target": T, "fresh": true} for the next lab target, then follows the check to its end (GET /api/v1/checks/{id}
 * every POLL_MS milliseconds; 0 follows the SSE stream instead), and times POST to final status. Checks started in
 * the first WARMUP seconds are not counted (the JIT warms up there). Every verdict is compared with the truth file.
 *
 * <p>Prints one line: {@code checks=N seconds=S rate=R p50_ms=A p99_ms=B wrong=W failed=F rejected=J}.
 *
 * <p>{@code java bench/serve/LoadClients.java http://127.0.0.1:18090/ truth.txt 32 20 5 10}
 */
public final class LoadClients {
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"?([A-Za-z0-9_.-]+)");
  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"(\\w+)\"");
  private static final Pattern VERDICT = Pattern.compile("\"verdict\"\\s*:\\s*\"(\\w+)\"");

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: LoadClients URI TRUTH_FILE CLIENTS SECONDS WARMUP_SECONDS POLL_MS");
      System.exit(2);
    }
    URI base = URI.create(args[0]);
    List<String[]> truth;
    try (Stream<String> lines = Files.lines(Path.of(args[1]))) {
      truth = lines.filter(l -> !l.isBlank()).map(l -> l.trim().split("\\s+")).toList();
    }
    int clients = Integer.parseInt(args[2]);
    long seconds = Long.parseLong(args[3]);
    long warmup = Long.parseLong(args[4]);
    long pollMs = Long.parseLong(args[5]);

    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    LongAdder wrong = new LongAdder();
    LongAdder failed = new LongAdder();
    LongAdder rejected = new LongAdder();
    Map<String, String> firstProblem = new ConcurrentHashMap<>();
    List<long[]> perClient = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      long[][] mine = {new long[1024]};
      int[] count = {0};
      int first = c;
      Thread t = Thread.ofPlatform().name("client-" + c).start(() -> {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        int next = first;
        while (System.nanoTime() < end) {
          String[] target = truth.get(next % truth.size());
          next += clients;
          long t0 = System.nanoTime();
          try {
            Outcome outcome = check(http, base, target[0], pollMs);
            long t1 = System.nanoTime();
            switch (outcome.kind) {
              case DONE -> {
                if (!target[1].equals(outcome.verdict)) {
                  wrong.increment();
                  firstProblem.putIfAbsent("wrong", target[0] + " expected " + target[1] + " got " + outcome.verdict);
                }
                if (t0 >= measureFrom && t1 <= end) {
                  if (count[0] == mine[0].length) {
                    mine[0] = Arrays.copyOf(mine[0], count[0] * 2);
                  }
                  mine[0][count[0]++] = t1 - t0;
                }
              }
              case REJECTED -> rejected.increment();
              case FAILED -> {
                failed.increment();
                firstProblem.putIfAbsent("failed", target[0] + ": " + outcome.verdict);
              }
            }
          } catch (IOException e) {
            failed.increment();
            firstProblem.putIfAbsent("failed", target[0] + ": " + e);
          } catch (InterruptedException e) {
            return;
          }
        }
        synchronized (perClient) {
          perClient.add(Arrays.copyOf(mine[0], count[0]));
        }
      });
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    double rate = all.length / (double) seconds;
    System.out.printf("checks=%d seconds=%d rate=%.1f p50_ms=%.1f p99_ms=%.1f wrong=%d failed=%d rejected=%d%n",
        all.length, seconds, rate, percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6,
        wrong.sum(), failed.sum(), rejected.sum());
    firstProblem.forEach((k, v) -> System.err.println("first " + k + ": " + v));
  }

  enum Kind { DONE, REJECTED, FAILED }

  record Outcome(Kind kind, String verdict) {}

  private static Outcome check(HttpClient http, URI base, String target, long pollMs)
      throws IOException, InterruptedException {
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/checks"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"target\": \"" + target + "\", \"fresh\": true}")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (posted.statusCode() == 429 || posted.statusCode() == 503) {
      // Told to come back later: wait as told (capped), as a polite client would, and count it.
      long retryAfter = posted.headers().firstValueAsLong("Retry-After").orElse(1);
      Thread.sleep(Math.min(1000, retryAfter * 1000));
      return new Outcome(Kind.REJECTED, null);
    }
    if (posted.statusCode() != 202 && posted.statusCode() != 200) {
      return new Outcome(Kind.FAILED, "POST " + posted.statusCode() + " " + posted.body());
    }
    String id = group(ID, posted.body());
    URI self = base.resolve("/api/v1/checks/" + id);
    String body = posted.body();
    if (pollMs == 0 && !isFinal(group(STATUS, body))) {
      followEvents(http, base.resolve("/api/v1/checks/" + id + "/events"));
      body = http.send(HttpRequest.newBuilder(self).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
    while (!isFinal(group(STATUS, body))) {
      Thread.sleep(Math.max(1, pollMs));
      body = http.send(HttpRequest.newBuilder(self).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
    String status = group(STATUS, body);
    return "done".equals(status) ? new Outcome(Kind.DONE, group(VERDICT, body)) : new Outcome(Kind.FAILED, status);
  }

  /** Reads the check's event stream until an event says it ended, or the server ends the stream. */
  private static void followEvents(HttpClient http, URI events) throws IOException, InterruptedException {
    HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(events)
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = stream.body()) {
      lines.filter(l -> l.contains("\"done\"") || l.contains("\"interrupted\"") || l.equals("event: done")
          || l.equals("event:done")).findFirst();
    }
  }

  private static boolean isFinal(String status) {
    return "done".equals(status) || "interrupted".equals(status);
  }

  private static String group(Pattern pattern, String body) {
    Matcher m = pattern.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
