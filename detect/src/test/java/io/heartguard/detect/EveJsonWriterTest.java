package io.heartguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EveJsonWriterTest {
  @Test
  void alertIsOneEveLineNamingTheSenderAsSourceAndNeverTheLeakedBytes() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Alert alert = new Alert(HeartbleedRules.Rule.RESPONSE_LEAK, Direction.TO_CLIENT, Records.FLOW,
        1_396_973_486_721_239_000L, 16403, 16384, 3, 16384, "leak", "TLSv1.1", "TLS_RSA_WITH_AES_128_CBC_SHA",
        Bytes.ofAscii("password=hunter2"));
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
}
