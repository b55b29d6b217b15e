package io.heartguard.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A Java HttpClient against one checker on loopback; responses as text, with JSON parsed on demand. */
final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final URI base;

  Http(URI base) {
    this.base = base;
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  HttpResponse<String> postJson(String path, String body) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> postForm(String path, String form) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)));
  }

  HttpResponse<String> postJson(String path, String body, String origin) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .header("Origin", origin).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * Follows the check's event stream (one event at once, then one per status change) until an event's status is one
   * of {@code statuses}; the stream's own events are the signal, no polling. Fails if the stream ends first.
   */
  void awaitStatus(String id, String... statuses) {
    List<String> wanted = List.of(statuses);
    List<String> seen = new ArrayList<>();
    HttpResponse<Stream<String>> events;
    try {
      events = client.send(HttpRequest.newBuilder(base.resolve("/api/v1/checks/" + id + "/events"))
          .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    try (Stream<String> lines = events.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.startsWith("data:")) {
          String status = json(line.substring(5).strip()).get("status").asText();
          seen.add(status);
          if (wanted.contains(status)) {
            return;
          }
        }
      }
    }
    throw new AssertionError("check " + id + ": the event stream ended after " + seen + ", never " + wanted);
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
    }
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
