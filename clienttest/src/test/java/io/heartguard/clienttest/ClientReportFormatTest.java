package io.heartguard.clienttest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heartguard.scan.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Strings from peers are made printable before they reach a terminal: SNI and reasons in the table and JSON lines. */
class ClientReportFormatTest {
  private static final String HOSTILE_SNI = "evil\u001b[2J\u001b]0;pwned\u0007\u009b31m.example";
  private static final ClientReport REPORT = new ClientReport("127.0.0.1:40000", "771,49199,65281,,", "0123456789abcdef0123456789abcdef",
      List.of("TLS 1.2"), List.of("0xc02f"), HOSTILE_SNI, true, null, Verdict.INCONCLUSIVE,
      "client sent '\u001b[31mOK\u202e'", 0);

  private static void assertPrintableAscii(String line) {
    for (int i = 0; i < line.length(); i++) {
      assertThat((int) line.charAt(i)).as("char %d of %s", i, line).isBetween(0x20, 0x7e);
    }
  }

  @Test
  void theTableShowsPeerTextWithVisibleEscapesForWhatIsNotPrintable() {
    String row = ClientReportFormat.TABLE.format(REPORT);
    assertPrintableAscii(row);
    assertThat(row).contains("evil\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m.example", "client sent '\\x1b[31mOK\\u202e'");
  }

  @Test
  void aJsonLineIsPrintableAsciiAndKeepsPeerTextWhole() throws Exception {
    String line = ClientReportFormat.JSON_LINES.format(REPORT);
    assertPrintableAscii(line);
    assertThat(new ObjectMapper().readTree(line).get("sni").asText()).isEqualTo(HOSTILE_SNI);
  }
}
