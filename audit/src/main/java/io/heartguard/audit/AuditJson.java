package io.heartguard.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** {@code --json}: one document with every finding, the notes and the counts; the shape is in docs/audit.md. */
final class AuditJson {
  static final String SCHEMA = "heartguard-audit/1";

  private AuditJson() {}

  static void write(Writer out, List<Finding> findings, List<String> notes) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.writeStartObject();
      json.writeStringField("schema", SCHEMA);
      json.writeArrayFieldStart("findings");
      for (Finding f : findings) {
        json.writeStartObject();
        json.writeStringField("verdict", f.verdict().name());
        json.writeStringField("kind", f.kind().name());
        json.writeStringField("file", f.location().file().toString());
        if (f.location().member() != null) {
          json.writeStringField("member", f.location().member());
        }
        if (f.version() != null) {
          json.writeStringField("version", f.version());
        }
        json.writeArrayFieldStart("evidence");
        for (String e : f.evidence()) {
          json.writeString(e);
        }
        json.writeEndArray();
        if (f.process() != null) {
          json.writeObjectFieldStart("process");
          json.writeNumberField("pid", f.process().pid());
          json.writeStringField("user", f.process().user());
          json.writeStringField("command", f.process().command());
          json.writeBooleanField("restartNeeded", f.process().restartNeeded());
          json.writeEndObject();
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("notes");
      for (String n : notes) {
        json.writeString(n);
      }
      json.writeEndArray();
      json.writeObjectFieldStart("counts");
      for (Verdict v : Verdict.values()) {
        json.writeNumberField(v.name(), findings.stream().filter(f -> f.verdict() == v).count());
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    out.write('\n');
  }
}
