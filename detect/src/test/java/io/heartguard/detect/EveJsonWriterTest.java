package io.heartguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EveJsonWriterTest {
  @Test
  void alertIsOneEveLineNamingTheSenderAsSourceAndNeverTheLeakedBytes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Alert alert = new Alert(HeartbleedRules.Rule.RESPONSE_LEAK, Direction.TO_CLIENT, Records.FLOW,
        1_396_973_486_721_239_000L, 16403, 16384, 3, 16384, "leak", "TLSv1.1", "TLS_RSA_WITH_AES_128_CBC_SHA",
        Bytes.ofAscii("password=hunter2"), null);
    try (EveJsonWriter eve = new EveJsonWriter(out)) {
      eve.onAlert(alert);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("{\"timestamp\":\"2014-04-08T16:11:26.721239+0000\","
        + "\"flow_id\":7,\"event_type\":\"alert\",\"src_ip\":\"192.0.2.2\",\"src_port\":443,"
        + "\"dest_ip\":\"192.0.2.1\",\"dest_port\":51000,\"proto\":\"TCP\",\"app_proto\":\"tls\","
        + "\"direction\":\"to_client\",\"alert\":{\"action\":\"allowed\",\"signature_id\":9160003,"
        + "\"rule\":\"heartbleed_response_leak\",\"signature\":\"leak\",\"category\":\"Heartbleed (CVE-2014-0160)\","
        + "\"severity\":1},\"tls\":{\"version\":\"TLSv1.1\",\"cipher_suite\":\"TLS_RSA_WITH_AES_128_CBC_SHA\"},"
        + "\"heartbeat\":{\"record_length\":16403,\"payload_length\":16384,\"request_record_length\":3,"
        + "\"bytes_leaked\":16384}}\n");
    assertThat(alert.toString()).doesNotContain("hunter2");
  }

  /** An event a device raises itself, as the guard does; signature ids of that kind start at 9160101. */
  private enum DeviceRule implements AlertRule {
    BYTES_NOT_FRAMED;

    @Override
    public String id() {
      return "bytes_not_framed";
    }

    @Override
    public int signatureId() {
      return 9_160_199;
    }

    @Override
    public Severity severity() {
      return Severity.MEDIUM;
    }
  }

  @Test
  void anInlineDevicesEventOmitsTheDetailsItLacksAndNamesWhatWasDoneWithTheRecord() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (EveJsonWriter eve = new EveJsonWriter(out)) {
      eve.onAlert(Alert.event(DeviceRule.BYTES_NOT_FRAMED, Direction.TO_SERVER, Records.FLOW,
          1_767_225_600_000_000_000L, Alert.UNKNOWN, "not framed", RecordAction.RESET));
      eve.onAlert(Alert.event(DeviceRule.BYTES_NOT_FRAMED, Direction.TO_SERVER, Records.FLOW,
          1_767_225_600_000_000_000L, 22, "framed", RecordAction.FORWARD));
    }
    String head = "{\"timestamp\":\"2026-01-01T00:00:00.000000+0000\",\"flow_id\":7,\"event_type\":\"alert\","
        + "\"src_ip\":\"192.0.2.1\",\"src_port\":51000,\"dest_ip\":\"192.0.2.2\",\"dest_port\":443,\"proto\":\"TCP\","
        + "\"app_proto\":\"tls\",\"direction\":\"to_server\",\"alert\":{\"action\":";
    String rule = ",\"signature_id\":9160199,\"rule\":\"bytes_not_framed\",\"signature\":";
    String tail = ",\"category\":\"Heartbleed (CVE-2014-0160)\",\"severity\":2}";
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        head + "\"blocked\"" + rule + "\"not framed\"" + tail + ",\"guard\":{\"verdict\":\"reset\"}}\n"
        + head + "\"allowed\"" + rule + "\"framed\"" + tail + ",\"heartbeat\":{\"record_length\":22},"
        + "\"guard\":{\"verdict\":\"forward\"}}\n");
  }

  @Test
  void aFindingAnInlineDeviceBlockedIsTheSensorsLineMarkedBlockedWithWhatWasDone() throws Exception {
    Alert finding = new Alert(HeartbleedRules.Rule.REQUEST_PAYLOAD_OVERFLOW, Direction.TO_SERVER, Records.FLOW,
        1_767_225_600_000_000_000L, 3, 16384, -1, 0, "overflow", "TLSv1.0", "unknown", Bytes.EMPTY, null);
    ByteArrayOutputStream sensor = new ByteArrayOutputStream();
    ByteArrayOutputStream guard = new ByteArrayOutputStream();
    try (EveJsonWriter eve = new EveJsonWriter(sensor); EveJsonWriter inline = new EveJsonWriter(guard)) {
      eve.onAlert(finding);
      inline.onAlert(finding.withRecordAction(RecordAction.DROP));
    }
    String sensorLine = sensor.toString(StandardCharsets.UTF_8);
    assertThat(guard.toString(StandardCharsets.UTF_8)).isEqualTo(sensorLine
        .replace("\"action\":\"allowed\"", "\"action\":\"blocked\"")
        .replace("}}\n", "},\"guard\":{\"verdict\":\"drop\"}}\n"));
    assertThat(sensorLine).doesNotContain("guard");
  }

  @Test
  void eachLineReachesTheStreamAtOnceAndThreadsSharingTheWriterNeverInterleave() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EveJsonWriter eve = new EveJsonWriter(out);
    Alert alert = Alert.event(DeviceRule.BYTES_NOT_FRAMED, Direction.TO_SERVER, Records.FLOW, 0, 22, "x".repeat(300),
        RecordAction.DROP);
    eve.onAlert(alert);
    String line = out.toString(StandardCharsets.UTF_8); // not closed, not flushed by hand: written at once
    assertThat(line).endsWith("\n").hasLineCount(1);

    int threads = 4;
    int each = 500;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            eve.onAlert(alert);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    eve.close();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(line.repeat(1 + threads * each));
  }
}
