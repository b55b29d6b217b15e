package io.heartguard.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heartguard.targets.ScanTarget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A block of work on the blocks topic: a few thousand targets of one job, each with its position in the job's target
 * stream ({@link #UNNUMBERED} for an address a host name resolved to), and how to check them. Its record key is
 * {@link #key()}, job and block number. JSON, so that a block can be read with any Kafka tool.
 */
record Block(String job, long number, CheckSettings settings, List<Entry> entries) {
  static final long UNNUMBERED = -1;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One target; {@code address} is null for a name that did not resolve (the worker reports it unresolved). */
  record Entry(long seq, String input, String host, InetAddress address, int port) {
    static Entry of(long seq, ScanTarget t) {
      return new Entry(seq, t.input(), t.host(), t.address(), t.port());
    }

    ScanTarget target() {
      return new ScanTarget(input, host, address, port);
    }

    /** What identifies this target's result in the job: its position, or for a name's address the address itself. */
    String resultKey() {
      return ResultMessage.key(seq, host, address == null ? null : address.getHostAddress(), port);
    }
  }

  Block {
    entries = List.copyOf(entries);
  }

  String key() {
    return key(job, number);
  }

  static String key(String job, long number) {
    return job + "/" + number;
  }

  byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("job", job);
    root.put("block", number);
    root.set("settings", settings.toJson(JSON));
    ArrayNode list = root.putArray("targets");
    for (Entry e : entries) {
      ObjectNode n = list.addObject();
      n.put("seq", e.seq());
      n.put("input", e.input());
      n.put("host", e.host());
      if (e.address() != null) {
        n.put("address", e.address().getHostAddress());
      }
      n.put("port", e.port());
    }
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Parses a block; a record that is not one is a {@link IOException} whose message says why. */
  static Block parse(byte[] json) throws IOException {
    try {
      JsonNode root = JSON.readTree(json);
      List<Entry> entries = new ArrayList<>();
      for (JsonNode n : required(root, "targets")) {
        JsonNode address = n.get("address");
        // A literal: getByName parses it without a DNS lookup.
        InetAddress inet = address == null ? null : InetAddress.getByName(address.asText());
        entries.add(new Entry(required(n, "seq").asLong(), required(n, "input").asText(), required(n, "host").asText(),
            inet, required(n, "port").asInt()));
      }
      return new Block(required(root, "job").asText(), required(root, "block").asLong(),
          CheckSettings.parse(required(root, "settings")), entries);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new IOException("not a block of targets: " + e.getMessage(), e);
    }
  }

  static JsonNode required(JsonNode node, String field) throws IOException {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      throw new IOException("not a heartguard message: no \"" + field + "\" field");
    }
    return value;
  }
}
