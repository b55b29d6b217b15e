package io.heartguard.scan;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The JSON object of one result, as {@code scan --json} prints it and docs/SCAN-JSON.md describes it; the web
 * checker's API embeds the same object, so both always agree. Leaked bytes never appear, only their count.
 */
public final class ScanResultJson {
  public static final String SCHEMA = "heartguard.scan/1";

  private ScanResultJson() {}

  /** Writes the whole object, start to end, with the generator's current settings. */
  public static void write(JsonGenerator json, ScanResult r) throws IOException {
    json.writeStartObject();
    json.writeStringField("schema", SCHEMA);
    json.writeStringField("target", r.target().input());
    json.writeStringField("host", r.target().host());
    json.writeNumberField("port", r.target().port());
    json.writeStringField("address", r.address());
    json.writeStringField("protocol", r.protocol());
    json.writeStringField("tlsVersion", r.tlsVersion() == null ? null : r.tlsVersion().displayName());
    json.writeStringField("cipher", r.cipher());
    json.writeStringField("heartbeat", r.heartbeat() == null ? null : ScanResult.modeName(r.heartbeat()));
    json.writeStringField("verdict", r.verdict().name());
    json.writeStringField("reason", r.reason());
    json.writeStringField("failure", r.failure().name());
    json.writeArrayFieldStart("evidence");
    for (String e : r.evidence()) {
      json.writeString(e);
    }
    json.writeEndArray();
    json.writeNumberField("bytesLeaked", r.bytesLeaked());
    CertificateFacts c = r.certificate();
    if (c == null) {
      json.writeNullField("certificate");
      json.writeNullField("certificateIssuedAfterDisclosure");
    } else {
      json.writeObjectFieldStart("certificate");
      json.writeStringField("subject", c.subject());
      json.writeStringField("issuer", c.issuer());
      json.writeStringField("notBefore", c.notBefore().toString());
      json.writeStringField("notAfter", c.notAfter().toString());
      json.writeEndObject();
      json.writeBooleanField("certificateIssuedAfterDisclosure", c.issuedAfterDisclosure());
    }
    DumpSummary d = r.dump();
    if (d == null) {
      json.writeNullField("dump");
    } else {
      json.writeObjectFieldStart("dump");
      json.writeNumberField("responses", d.responses());
      json.writeNumberField("bytes", d.bytes());
      json.writeNumberField("printableStrings", d.printableStrings());
      json.writeBooleanField("privateKeyHeaderSeen", d.privateKeyHeaderSeen());
      json.writeEndObject();
    }
    json.writeArrayFieldStart("warnings");
    for (String w : r.warnings()) {
      json.writeString(w);
    }
    json.writeEndArray();
    json.writeNumberField("elapsedMs", r.elapsedMillis());
    json.writeEndObject();
  }
}
