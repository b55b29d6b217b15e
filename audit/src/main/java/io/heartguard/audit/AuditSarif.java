package io.heartguard.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * {@code --sarif}: a SARIF 2.1.0 log (OASIS, sarif-v2.1.0) with one run. VULNERABLE findings are results of rule
 * CVE-2014-0160 at level "error"; INCONCLUSIVE ones of heartguard/audit-inconclusive at "warning"; a process whose
 * library is fixed but must restart is heartguard/restart-needed at "warning". NOT_VULNERABLE findings are not
 * results: a dashboard lists problems. Notes go to the invocation's toolExecutionNotifications (section 3.20.21).
 */
final class AuditSarif {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
  static final String VULNERABLE = "CVE-2014-0160";
  static final String INCONCLUSIVE = "heartguard/audit-inconclusive";
  static final String RESTART = "heartguard/restart-needed";
  private static final String[][] RULES = {
      {VULNERABLE, "OpenSSL affected by Heartbleed", "An OpenSSL 1.0.1 to 1.0.1f (or 1.0.2-beta1) copy with its"
          + " heartbeat code and no distribution fix: a peer can read up to 64 KB of process memory per heartbeat.",
          "error", "https://nvd.nist.gov/vuln/detail/CVE-2014-0160"},
      {INCONCLUSIVE, "OpenSSL copy that could not be judged", "An OpenSSL library or package whose version or build"
          + " could not be told; the evidence says what was missing.", "warning",
          "https://nvd.nist.gov/vuln/detail/CVE-2014-0160"},
      {RESTART, "Process still maps a replaced OpenSSL", "A process maps an OpenSSL library that was deleted or replaced"
          + " on disk since it started; it runs the old copy until restarted.", "warning",
          "https://nvd.nist.gov/vuln/detail/CVE-2014-0160"}};

  private AuditSarif() {}

  static void write(Writer out, List<Finding> findings, List<String> notes, String version) throws IOException {
    try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.writeStartObject();
      json.writeStringField("$schema", SCHEMA);
      json.writeStringField("version", "2.1.0");
      json.writeArrayFieldStart("runs");
      json.writeStartObject();
      json.writeObjectFieldStart("tool");
      json.writeObjectFieldStart("driver");
      json.writeStringField("name", "heartguard");
      json.writeStringField("version", version);
      json.writeStringField("informationUri", "https://heartbleed.com/");
      json.writeArrayFieldStart("rules");
      for (String[] r : RULES) {
        json.writeStartObject();
        json.writeStringField("id", r[0]);
        json.writeObjectFieldStart("shortDescription");
        json.writeStringField("text", r[1]);
        json.writeEndObject();
        json.writeObjectFieldStart("fullDescription");
        json.writeStringField("text", r[2]);
        json.writeEndObject();
        json.writeObjectFieldStart("defaultConfiguration");
        json.writeStringField("level", r[3]);
        json.writeEndObject();
        json.writeStringField("helpUri", r[4]);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndObject();
      json.writeArrayFieldStart("invocations");
      json.writeStartObject();
      json.writeBooleanField("executionSuccessful", true);
      json.writeArrayFieldStart("toolExecutionNotifications");
      for (String n : notes) {
        json.writeStartObject();
        json.writeStringField("level", "note");
        json.writeObjectFieldStart("message");
        json.writeStringField("text", n);
        json.writeEndObject();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeArrayFieldStart("results");
      for (Finding f : findings) {
        int rule = rule(f);
        if (rule >= 0) {
          result(json, f, rule);
        }
      }
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
    }
    out.write('\n');
  }

  private static int rule(Finding f) {
    return switch (f.verdict()) {
      case VULNERABLE -> 0;
      case INCONCLUSIVE -> 1;
      case NOT_VULNERABLE -> f.process() != null && f.process().restartNeeded() ? 2 : -1;
    };
  }

  private static void result(JsonGenerator json, Finding f, int rule) throws IOException {
    json.writeStartObject();
    json.writeStringField("ruleId", RULES[rule][0]);
    json.writeNumberField("ruleIndex", rule);
    json.writeStringField("level", RULES[rule][3]);
    json.writeObjectFieldStart("message");
    String who = f.process() == null ? "" : " mapped by pid " + f.process().pid() + " " + f.process().command()
        + " (" + f.process().user() + ")" + (f.process().restartNeeded() ? ", restart needed" : "");
    json.writeStringField("text", f.verdict() + ": " + f.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
        + (f.version() == null ? "" : " " + f.version()) + " at " + f.location().display() + who + ". "
        + String.join("; ", f.evidence()));
    json.writeEndObject();
    json.writeArrayFieldStart("locations");
    json.writeStartObject();
    json.writeObjectFieldStart("physicalLocation");
    json.writeObjectFieldStart("artifactLocation");
    json.writeStringField("uri", f.location().file().toAbsolutePath().toUri().toString());
    json.writeEndObject();
    json.writeEndObject();
    if (f.location().member() != null) {
      // The member inside an image or archive has no URI of its own; SARIF's logical location names it.
      json.writeArrayFieldStart("logicalLocations");
      json.writeStartObject();
      json.writeStringField("fullyQualifiedName", f.location().member());
      json.writeEndObject();
      json.writeEndArray();
    }
    json.writeEndObject();
    json.writeEndArray();
    json.writeObjectFieldStart("properties");
    json.writeStringField("verdict", f.verdict().name());
    json.writeStringField("kind", f.kind().name());
    if (f.version() != null) {
      json.writeStringField("version", f.version());
    }
    json.writeEndObject();
    json.writeEndObject();
  }
}
