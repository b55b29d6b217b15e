package io.heartguard.guard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heartguard.detect.Direction;
import io.heartguard.detect.EveJsonWriter;
import io.heartguard.detect.FlowInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Writes the guard's alerts as JSON Lines in the detection engine's EVE format ({@link EveJsonWriter}, the one the
 * sensor writes), with what the guard did added: {@code alert.action} is "blocked" when the record was dropped or
 * the connection reset, and {@code guard.verdict} says which. Guard events (restrict, framing lost) take the same
 * shape. One line per alert, flushed at once so that a tail sees it as the connection is cut.
 */
public final class AlertLog implements AlertSink, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutputStream out;
  private final boolean closeStream;

  public AlertLog(OutputStream out, boolean closeStream) {
    this.out = out;
    this.closeStream = closeStream;
  }

  @Override
  public synchronized void onAlert(GuardAlert alert) {
    try {
      out.write((toJson(alert) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write alert: " + e.getMessage(), e);
    }
  }

  /** One alert as a JSON object on one line. */
  public static String toJson(GuardAlert alert) {
    String action = alert.verdict() == Verdict.FORWARD ? "allowed" : "blocked";
    String verdict = alert.verdict().name().toLowerCase(Locale.ROOT);
    try {
      return switch (alert) {
        case GuardAlert.Detection d -> detection(d, action, verdict);
        case GuardAlert.PolicyHit p -> {
          ObjectNode event = policyHit(p);
          ((ObjectNode) event.get("alert")).put("action", action);
          event.putObject("guard").put("verdict", verdict);
          yield JSON.writeValueAsString(event);
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The detection engine's own EVE line, so the sensor and the guard can never disagree on the format. */
  private static String detection(GuardAlert.Detection d, String action, String verdict) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    try (EveJsonWriter writer = new EveJsonWriter(line)) {
      writer.write(d.alert(), action, verdict);
    }
    return line.toString(StandardCharsets.UTF_8).strip();
  }

  private static ObjectNode policyHit(GuardAlert.PolicyHit p) {
    FlowInfo flow = p.flow();
    Direction d = p.direction();
    ObjectNode event = JSON.createObjectNode();
    event.put("timestamp", EveJsonWriter.timestamp(p.timestampNanos()));
    event.put("flow_id", flow.flowId());
    event.put("event_type", "alert");
    event.put("src_ip", flow.sourceAddress(d));
    event.put("src_port", flow.sourcePort(d));
    event.put("dest_ip", flow.destinationAddress(d));
    event.put("dest_port", flow.destinationPort(d));
    event.put("proto", flow.transport().name());
    event.put("app_proto", "tls");
    event.put("direction", d.eveName());
    ObjectNode a = event.putObject("alert");
    a.put("action", "allowed");
    a.put("signature_id", p.rule().signatureId());
    a.put("rule", p.rule().id());
    a.put("signature", p.reason());
    a.put("category", "Heartbleed (CVE-2014-0160)");
    a.put("severity", p.rule().severity());
    if (p.recordLength() >= 0) {
      event.putObject("heartbeat").put("record_length", p.recordLength());
    }
    return event;
  }

  @Override
  public void close() throws IOException {
    if (closeStream) {
      out.close();
    } else {
      out.flush();
    }
  }
}
