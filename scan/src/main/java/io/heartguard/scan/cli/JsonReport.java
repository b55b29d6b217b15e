package io.heartguard.scan.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.ScanResultJson;
import io.heartguard.scan.engine.ResultSink;
import java.io.IOException;
import java.io.Writer;

/**
 * {@code --json}: one JSON object per target and line, in completion order, as docs/SCAN-JSON.md describes. It uses
 * Jackson's streaming generator only, and this class is loaded only with {@code --json}, so a table run never pays
 * for Jackson.
 */
final class JsonReport implements ResultSink {
  static final String SCHEMA = ScanResultJson.SCHEMA;

  private final Writer out;
  private final JsonFactory factory = new JsonFactory();

  JsonReport(Writer out) {
    this.out = out;
  }

  @Override
  public void accept(ScanResult r) throws IOException {
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      ScanResultJson.write(json, r);
    }
    out.write('\n');
    out.flush();
  }
}
