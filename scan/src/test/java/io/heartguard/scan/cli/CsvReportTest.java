package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.scan.Failure;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReportTest {
  @Test
  void aPlainFieldIsWrittenAsIs() {
    assertThat(CsvReport.field("connect failed")).isEqualTo("connect failed");
  }

  @Test
  void aFieldWithACommaIsQuoted() {
    assertThat(CsvReport.field("CN=a, O=b")).isEqualTo("\"CN=a, O=b\"");
  }

  @Test
  void aDoubleQuoteInsideIsDoubled() {
    assertThat(CsvReport.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
  }

  @Test
  void lineBreaksInsideAFieldAreQuotedNotDropped() {
    assertThat(CsvReport.field("a\r\nb")).isEqualTo("\"a\r\nb\"");
    assertThat(CsvReport.field("a\nb")).isEqualTo("\"a\nb\"");
  }

  @Test
  void nullIsTheEmptyField() {
    assertThat(CsvReport.field(null)).isEmpty();
  }

  @Test
  void aReportIsAHeaderThenOneCrlfEndedRecordPerResult() throws Exception {
    StringWriter out = new StringWriter();
    CsvReport report = new CsvReport(out);
    ScanTarget target = ScanTarget.parse("127.0.0.1:8443");
    report.accept(new ScanResult(target, "127.0.0.1", null, null, null, Verdict.INCONCLUSIVE,
        "server said \"no\", then closed", List.of(), 0, null, null, List.of(), 12, ScanResult.PLAIN_TLS, Failure.CLOSED));

    assertThat(out.toString()).isEqualTo(CsvReport.HEADER + "\r\n"
        // target, host, port, address, protocol, 3 empty (tls, cipher, heartbeat), verdict, quoted reason,
        // bytes leaked, 5 empty certificate fields, elapsed
        + "127.0.0.1:8443,127.0.0.1,8443,127.0.0.1,tls,,,,INCONCLUSIVE,\"server said \"\"no\"\", then closed\",0,,,,,,12\r\n");
    assertThat(CsvReport.HEADER.split(",")).hasSize(17);
  }
}
