package io.heartguard.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.detect.Alert;
import io.heartguard.detect.Direction;
import io.heartguard.detect.EveJsonWriter;
import io.heartguard.detect.RecordAction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's alerts as the one EVE writer, {@link EveJsonWriter}, writes them for the sensor and the guard. */
class GuardAlertLinesTest {

  /** The lines {@code --alerts} gets for these alerts. */
  static String eveLines(List<Alert> alerts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (EveJsonWriter eve = new EveJsonWriter(out)) {
      alerts.forEach(eve::onAlert);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void guardEventsTakeTheEngineShapeWithTheRecordActionAdded() {
    Alert hit = Alert.event(GuardRule.HEARTBEAT_RESTRICTED, Direction.TO_CLIENT, InspectedConnection.FLOW,
        1_767_225_600_000_000_000L, 22, "heartbeat record of 22 bytes restricted", RecordAction.DROP);

    assertThat(eveLines(List.of(hit))).isEqualTo("{\"timestamp\":\"2026-01-01T00:00:00.000000+0000\",\"flow_id\":7,"
        + "\"event_type\":\"alert\",\"src_ip\":\"127.0.0.1\",\"src_port\":443,\"dest_ip\":\"127.0.0.1\","
        + "\"dest_port\":50000,\"proto\":\"TCP\",\"app_proto\":\"tls\",\"direction\":\"to_client\","
        + "\"alert\":{\"action\":\"blocked\",\"signature_id\":9160101,\"rule\":\"heartbeat_restricted\","
        + "\"signature\":\"heartbeat record of 22 bytes restricted\",\"category\":\"Heartbleed (CVE-2014-0160)\","
        + "\"severity\":3},\"heartbeat\":{\"record_length\":22},\"guard\":{\"verdict\":\"drop\"}}\n");
  }

  @Test
  void framingLostHasNoRecordSoNoHeartbeatDetails() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.BLOCK_MALFORMED), Action.RESET);
    c.send(Direction.TO_SERVER, TlsBytes.concat(TlsBytes.CLIENT_HELLO, TlsBytes.hex("474554202f")));

    assertThat(eveLines(c.alerts)).isEqualTo("{\"timestamp\":\"2026-01-01T00:00:00.000000+0000\",\"flow_id\":7,"
        + "\"event_type\":\"alert\",\"src_ip\":\"127.0.0.1\",\"src_port\":50000,\"dest_ip\":\"127.0.0.1\","
        + "\"dest_port\":443,\"proto\":\"TCP\",\"app_proto\":\"tls\",\"direction\":\"to_server\","
        + "\"alert\":{\"action\":\"blocked\",\"signature_id\":9160102,\"rule\":\"framing_lost\","
        + "\"signature\":\"bytes 474554202f from the client do not start a TLS record (expected version 0x03xx,"
        + " length up to 2^14 + 2048); reset, failing closed\",\"category\":\"Heartbleed (CVE-2014-0160)\","
        + "\"severity\":2},\"guard\":{\"verdict\":\"reset\"}}\n");
  }

  @Test
  void engineFindingsAreTheEngineLineMarkedBlockedOneLineEach() {
    InspectedConnection c = new InspectedConnection(EnumSet.of(Policy.BLOCK_MALFORMED), Action.RESET);
    c.send(Direction.TO_SERVER, TlsBytes.concat(TlsBytes.CLIENT_HELLO, TlsBytes.HEARTBLEED_REQUEST));

    assertThat(eveLines(c.alerts)).isEqualTo("{\"timestamp\":\"2026-01-01T00:00:00.000000+0000\","
        + "\"flow_id\":7,\"event_type\":\"alert\",\"src_ip\":\"127.0.0.1\",\"src_port\":50000,"
        + "\"dest_ip\":\"127.0.0.1\",\"dest_port\":443,\"proto\":\"TCP\",\"app_proto\":\"tls\","
        + "\"direction\":\"to_server\",\"alert\":{\"action\":\"blocked\",\"signature_id\":9160001,"
        + "\"rule\":\"heartbleed_request_overflow\",\"signature\":\"heartbeat request from the client: payload_length"
        + " 16384 exceeds its 3-byte record by 16384 bytes (at most 0 fit). Record length 3. Payload length 16384\","
        + "\"category\":\"Heartbleed (CVE-2014-0160)\",\"severity\":1},\"tls\":{\"version\":\"TLSv1.0\","
        + "\"cipher_suite\":\"unknown\"},\"heartbeat\":{\"record_length\":3,\"payload_length\":16384,"
        + "\"bytes_leaked\":0},\"guard\":{\"verdict\":\"reset\"}}\n");
  }
}
