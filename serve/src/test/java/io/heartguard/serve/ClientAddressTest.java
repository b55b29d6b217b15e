package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientAddressTest {
  private final ClientAddress behindProxy = new ClientAddress(List.of("10.0.0.0/8", "::1/128"));

  @Test
  void withoutTrustedProxiesTheHeaderIsIgnored() {
    assertThat(new ClientAddress(List.of()).of("203.0.113.5", "198.51.100.1")).isEqualTo("203.0.113.5");
  }

  @Test
  void theRightmostAddressThatIsNotATrustedProxyIsTheClient() {
    // client claims 1.1.1.1, real client 198.51.100.7, then two of our proxies appended what they saw
    assertThat(behindProxy.of("10.0.0.2", "1.1.1.1, 198.51.100.7, 10.0.0.9")).isEqualTo("198.51.100.7");
    assertThat(behindProxy.of("[::1]", "2001:db8::5")).isEqualTo("2001:db8::5");
  }

  @Test
  void aRequestNotFromATrustedProxyOrWithAnUnreadableHopIsItsConnectingAddress() {
    assertThat(behindProxy.of("198.51.100.7", "1.1.1.1")).as("not from a proxy").isEqualTo("198.51.100.7");
    assertThat(behindProxy.of("10.0.0.2", "unknown")).isEqualTo("10.0.0.2");
    assertThat(behindProxy.of("10.0.0.2", null)).isEqualTo("10.0.0.2");
    assertThat(behindProxy.of("10.0.0.2", "10.0.0.3")).as("only proxies").isEqualTo("10.0.0.2");
  }

  @TempDir Path directory;

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnRateBucket() throws Exception {
    try (LabServer lab = LabServer.start(LabOptions.patched().withoutLog().withListen(new InetSocketAddress("127.0.0.1", 0)));
        WebChecker checker = WebChecker.start(ServeOptions.defaults().withListen(new InetSocketAddress("127.0.0.1", 0))
            .withDatabase(directory.resolve("p.db").toString()).withAllowed(List.of("127.0.0.0/8"))
            .withTrustedProxies(List.of("127.0.0.1/32")).withClientRate(1).withTargetRate(1000))) {
      HttpClient client = HttpClient.newHttpClient();
      URI checks = checker.uri().resolve("/api/v1/checks");
      String body = "{\"target\": \"127.0.0.1:" + lab.address().getPort() + "\", \"fresh\": true}";
      int[] statuses = new int[3];
      String[] clients = {"198.51.100.1", "198.51.100.2", "198.51.100.1"};
      for (int i = 0; i < 3; i++) {
        statuses[i] = client.send(HttpRequest.newBuilder(checks).header("X-Forwarded-For", clients[i])
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
      }
      assertThat(statuses[0]).isIn(200, 202);
      assertThat(statuses[1]).as("another forwarded client").isIn(200, 202);
      assertThat(statuses[2]).as("the first client again, over 1 a minute").isEqualTo(429);
    }
  }
}
