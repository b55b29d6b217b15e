package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.ScanOptions;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A name whose DNS never answers ({@link SlowNames}) costs a request the check's timeout, not the resolver's. */
class SlowNameTest {
  @TempDir Path directory;

  @Test
  void aNameThatNeverResolvesIsAnsweredWithinTheCheckTimeoutAnd504() throws Exception {
    try (WebChecker checker = WebChecker.start(ServeOptions.defaults()
        .withListen(new InetSocketAddress("127.0.0.1", 0))
        .withDatabase(directory.resolve("s.db").toString())
        .withScanOptions(ScanOptions.defaults().withTimeout(Duration.ofMillis(500))))) {
      Http http = new Http(checker.uri());

      HttpResponse<String> response = http.postJson("/api/v1/checks", "{\"target\": \"www" + SlowNames.DOMAIN + "\"}");

      assertThat(response.statusCode()).isEqualTo(504);
      assertThat(Http.json(response).get("error").asText())
          .isEqualTo("resolving www" + SlowNames.DOMAIN + " took more than 500 ms; try again later");
      // The next request is served: the lookup did not take a request thread with it.
      assertThat(http.get("/health").statusCode()).isEqualTo(200);
    }
  }
}
