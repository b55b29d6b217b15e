package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.ScanOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
  @TempDir Path directory;

  @Test
  void closingWithAnOpenEventStreamEndsItWithInterruptedAndDoesNotWaitForIt() throws Exception {
    WebChecker checker = WebChecker.start(ServeOptions.defaults().withListen(new InetSocketAddress("127.0.0.1", 0))
        .withDatabase(directory.resolve("s.db").toString()).withAllowed(List.of("127.0.0.0/8"))
        .withScanOptions(ScanOptions.defaults().withTimeout(Duration.ofSeconds(30))));
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Http http = new Http(checker.uri());
      String id = Http.json(http.postJson("/api/v1/checks", "{\"target\": \"127.0.0.1:" + silent.getLocalPort() + "\"}"))
          .get("id").asText();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(checker.uri().resolve("/api/v1/checks/" + id + "/events"))
          .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines())
          .thenAccept(r -> r.body().filter(l -> l.startsWith("data:")).forEach(lines::add));
      assertThat(lines.poll(10, TimeUnit.SECONDS)).as("the first event").contains("\"status\":");

      long start = System.nanoTime();
      checker.close();
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(millis).as("close with a 30 s check in flight and a stream open").isLessThan(5_000);
      String last = null;
      for (String line = lines.poll(5, TimeUnit.SECONDS); line != null; line = lines.poll(1, TimeUnit.SECONDS)) {
        last = line;
      }
      assertThat(last).contains("\"status\":\"interrupted\"");
    }
  }
}
