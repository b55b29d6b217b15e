package io.heartguard.detect;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one writer of alerts, for the sensor and the guard: JSON Lines shaped like Suricata's EVE alert records, with
 * timestamp, flow_id, the 5-tuple of the offending record's sender, direction, an "alert" object with the rule and
 * EVE's action ("blocked" when an inline device dropped or reset the record, else "allowed"), then "tls" and
 * "heartbeat" details where the alert has them, and a "guard" object naming the {@link RecordAction} when one was
 * taken. Leaked bytes are never written here: only their count.
 */
public final class EveJsonWriter implements AlertSink, Closeable, Flushable {
  /** Suricata's format: microseconds and a numeric offset, always UTC here. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ").withZone(ZoneOffset.UTC);

  private final JsonGenerator json;
  private final OutputStream out;

  public EveJsonWriter(OutputStream out) {
    this.out = out;
    try {
      // No separator between root values: one alert per line, nothing before its brace (JSON Lines).
      this.json = new JsonFactory().setRootValueSeparator(null).createGenerator(out, JsonEncoding.UTF8)
          .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String timestamp(long epochNanos) {
    return TIMESTAMP.format(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
        Math.floorMod(epochNanos, 1_000_000_000L)));
  }

  @Override
  public void onAlert(Alert alert) {
    try {
      write(alert);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write alert: " + e.getMessage(), e);
    }
  }

  /**
   * One alert line, flushed at once so that a tail sees it as it happens. Synchronized: the guard's event loops share
   * one writer.
   */
  public synchronized void write(Alert a) throws IOException {
    FlowInfo flow = a.flow();
    Direction d = a.direction();
    RecordAction taken = a.recordAction();
    json.writeStartObject();
    json.writeStringField("timestamp", timestamp(a.timestampNanos()));
    json.writeNumberField("flow_id", flow.flowId());
    json.writeStringField("event_type", "alert");
    json.writeStringField("src_ip", flow.sourceAddress(d));
    json.writeNumberField("src_port", flow.sourcePort(d));
    json.writeStringField("dest_ip", flow.destinationAddress(d));
    json.writeNumberField("dest_port", flow.destinationPort(d));
    json.writeStringField("proto", flow.transport().name());
    json.writeStringField("app_proto", flow.transport() == FlowInfo.Transport.UDP ? "dtls" : "tls");
    json.writeStringField("direction", d.eveName());
    json.writeObjectFieldStart("alert");
    json.writeStringField("action", taken == null || taken == RecordAction.FORWARD ? "allowed" : "blocked");
    json.writeNumberField("signature_id", a.rule().signatureId());
    json.writeStringField("rule", a.rule().id());
    json.writeStringField("signature", a.reason());
    json.writeStringField("category", "Heartbleed (CVE-2014-0160)");
    json.writeNumberField("severity", a.severity().eveLevel());
    json.writeEndObject();
    if (a.tlsVersion() != null || a.cipherSuite() != null) {
      json.writeObjectFieldStart("tls");
      json.writeStringField("version", a.tlsVersion());
      json.writeStringField("cipher_suite", a.cipherSuite());
      json.writeEndObject();
    }
    if (a.recordLength() >= 0) {
      json.writeObjectFieldStart("heartbeat");
      json.writeNumberField("record_length", a.recordLength());
      if (a.payloadLength() >= 0) {
        json.writeNumberField("payload_length", a.payloadLength());
      }
      if (a.requestRecordLength() >= 0) {
        json.writeNumberField("request_record_length", a.requestRecordLength());
      }
      if (a.bytesLeaked() >= 0) {
        json.writeNumberField("bytes_leaked", a.bytesLeaked());
      }
      json.writeEndObject();
    }
    if (taken != null) {
      json.writeObjectFieldStart("guard");
      json.writeStringField("verdict", taken.eveName());
      json.writeEndObject();
    }
    json.writeEndObject();
    json.writeRaw('\n');
    json.flush();
  }

  @Override
  public synchronized void flush() throws IOException {
    json.flush();
    out.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    json.close();
    out.flush();
  }
}
