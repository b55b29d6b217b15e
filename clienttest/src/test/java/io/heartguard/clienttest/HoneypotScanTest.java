package io.heartguard.clienttest;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.HoneypotOptions;
import io.heartguard.lab.LabOptions;
import io.heartguard.lab.LabServer;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** heartguard scan against the lab honeypot (this module sees both): recorded as heartguard-scan, given no canary. */
class HoneypotScanTest {
  @Test
  void heartguardScanIsRecognisedByItsProbeAndItsSafeProbeReachesNoCanary() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ScanResult result;
    try (LabServer honeypot = LabServer.start(LabOptions.vulnerable().withLog(log), HoneypotOptions.defaults())) {
      result = new HeartbleedCheck().check(ScanTarget.parse("127.0.0.1:" + honeypot.address().getPort()), ScanOptions.defaults());
    }
    assertThat(result.verdict()).isEqualTo(Verdict.VULNERABLE);
    String lines = log.toString(StandardCharsets.UTF_8);
    assertThat(lines).contains("\"event\":\"attempt\"", "\"tool\":\"heartguard-scan\"", "\"payload_length\":4640",
        "\"record_length\":4627", "\"canary\":null");
  }
}
