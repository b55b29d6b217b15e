package io.heartguard.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.heartguard.store.WebCheck;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** The API's JSON: a check with its links and, once finished, exactly the object {@code scan --json} prints. */
final class CheckJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private CheckJson() {}

  static String check(WebCheck check, boolean cached) {
    return write(json -> object(json, check, cached));
  }

  static String checks(String host, List<WebCheck> checks) {
    return write(json -> {
      json.writeStartObject();
      if (host != null) {
        json.writeStringField("host", host);
      }
      json.writeArrayFieldStart("checks");
      for (WebCheck c : checks) {
        object(json, c, false);
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }

  static String error(String message) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeEndObject();
    });
  }

  /** One SSE event's data: the status, and the verdict once done. */
  static String status(WebCheck check) {
    return write(json -> {
      json.writeStartObject();
      json.writeStringField("id", check.id());
      json.writeStringField("status", check.status().word());
      json.writeStringField("verdict", check.verdict());
      json.writeEndObject();
    });
  }

  private static void object(JsonGenerator json, WebCheck c, boolean cached) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", c.id());
    json.writeStringField("status", c.status().word());
    json.writeStringField("target", c.targetInput());
    json.writeStringField("host", c.host());
    json.writeNumberField("port", c.port());
    json.writeStringField("protocol", c.protocol());
    json.writeStringField("requestedAt", c.requestedAt().toString());
    json.writeStringField("finishedAt", c.finishedAt() == null ? null : c.finishedAt().toString());
    json.writeBooleanField("cached", cached);
    json.writeFieldName("result");
    if (c.resultJson() == null) {
      json.writeNull();
    } else {
      json.writeRawValue(c.resultJson()); // written by ScanResultJson when the check finished: scan --json's object
    }
    json.writeObjectFieldStart("links");
    json.writeStringField("self", "/api/v1/checks/" + c.id());
    json.writeStringField("page", "/checks/" + c.id());
    json.writeStringField("events", "/api/v1/checks/" + c.id() + "/events");
    json.writeEndObject();
    json.writeEndObject();
  }

  private interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
