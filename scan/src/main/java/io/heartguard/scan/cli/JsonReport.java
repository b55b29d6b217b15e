package io.heartguard.scan.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.heartguard.scan.CertificateFacts;
import io.heartguard.scan.DumpSummary;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.engine.ResultSink;
import java.io.IOException;
import java.io.Writer;

/**
 * {@code --json}: one JSON object per target and line, in completion order, as docs/SCAN-JSON.md describes. It uses
 * Jackson's streaming generator only, and this class is loaded only with {@code --json}, so a table run never pays
 * for Jackson.
 */
final class JsonReport implements ResultSink {
  static final String SCHEMA = "heartguard.scan/1";

  private final Writer out;
  private final JsonFactory factory = new JsonFactory();

  JsonReport(Writer out) {
    this.out = out;
  }

  @Override
  public void accept(ScanResult r) throws IOException {
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
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
    out.write('\n');
    out.flush();
  }
}
