package io.heartguard.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Strings from peers are made printable before they reach a terminal: a log line is printable ASCII only. */
class LabLogTest {
  @Test
  void aReasonQuotingAPeerReachesTheTerminalAsPrintableAsciiAndReadsBackWhole() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String hostile = "client sent '\u001b[2J\u0007\u009b31m\u202eevil'";
    try (LabLog log = new LabLog(out, false, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), LabMode.VULNERABLE)) {
      log.connectionClosed("127.0.0.1:40000", hostile);
    }
    byte[] line = out.toByteArray();
    assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
    for (int i = 0; i < line.length - 1; i++) {
      assertThat(line[i] & 0xff).as("byte %d of %s", i, out).isBetween(0x20, 0x7e);
    }
    assertThat(new ObjectMapper().readTree(line).get("reason").asText()).isEqualTo(hostile);
  }
}
