package io.heartguard.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Set;

/**
 * What a user asked to check, from the API's JSON body or the page's form, before any validation of its meaning.
 *
 * @param target a host, host:port or https:// URL
 * @param port the port when {@code target} names none, or null
 * @param protocol {@code auto}, {@code tls} or a STARTTLS protocol name; null means auto
 * @param fresh whether to check again although a recent result exists
 */
record CheckRequest(String target, Integer port, String protocol, boolean fresh) {
  static final int MAX_TARGET_LENGTH = 300;
  private static final Set<String> FIELDS = Set.of("target", "port", "protocol", "fresh");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses POST /api/v1/checks; every mistake is a one-line 400 saying what was seen and what was expected. */
  static CheckRequest fromJson(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("the body is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
          + "); expected an object like {\"target\": \"example.com\"}");
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest("the body must be a JSON object like {\"target\": \"example.com\"}, got "
          + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw ApiError.badRequest("unknown field '" + Html.printable(name, 40) + "'; expected target, port, protocol, fresh");
      }
    }
    JsonNode target = root.get("target");
    if (target == null || target.isNull()) {
      throw ApiError.badRequest("'target' is missing; expected a host, host:port or https:// URL");
    }
    if (!target.isTextual()) {
      throw ApiError.badRequest("'target' must be a string, got " + kind(target));
    }
    Integer port = null;
    JsonNode p = root.get("port");
    if (p != null && !p.isNull()) {
      if (!p.isIntegralNumber() || !p.canConvertToInt()) {
        throw ApiError.badRequest("'port' must be an integer in 1..65535, got " + kind(p));
      }
      port = p.intValue();
    }
    String protocol = null;
    JsonNode proto = root.get("protocol");
    if (proto != null && !proto.isNull()) {
      if (!proto.isTextual()) {
        throw ApiError.badRequest("'protocol' must be a string, got " + kind(proto));
      }
      protocol = proto.textValue();
    }
    boolean fresh = false;
    JsonNode f = root.get("fresh");
    if (f != null && !f.isNull()) {
      if (!f.isBoolean()) {
        throw ApiError.badRequest("'fresh' must be true or false, got " + kind(f));
      }
      fresh = f.booleanValue();
    }
    return new CheckRequest(target.textValue(), port, protocol, fresh);
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
        + (node.isNumber() ? " " + Html.printable(node.asText(), 30) : "");
  }
}
