package io.heartguard.detect;

import static io.heartguard.detect.Records.hex;

import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordHeader;
import java.util.ArrayList;
import java.util.List;

/** A monitor fed from hex, both directions through real record readers, collecting its alerts. */
final class MonitoredConnection {
  static final String CCS = "14 0303 0001 01";
  static final String CLIENT_KEY_EXCHANGE = HeartbleedRulesTest.CLIENT_KEY_EXCHANGE;

  final List<Alert> alerts = new ArrayList<>();
  final ConnectionMonitor monitor = new ConnectionMonitor(Records.FLOW, alerts::add);
  private final TlsRecordReader toServer = monitor.reader(Direction.TO_SERVER, true);
  private final TlsRecordReader toClient = monitor.reader(Direction.TO_CLIENT, true);
  private long clock = 1_000_000_000L;

  MonitoredConnection client(String hex) {
    byte[] b = hex(hex);
    toServer.feed(b, 0, b.length, clock++);
    return this;
  }

  MonitoredConnection server(String hex) {
    byte[] b = hex(hex);
    toClient.feed(b, 0, b.length, clock++);
    return this;
  }

  /** A full handshake: ServerHello with {@code suite} at {@code version} (e.g. "0303"), ClientKeyExchange, both CCS. */
  MonitoredConnection handshake(String version, String suite) {
    server("16 " + version + " 0031 02 00002d " + version + "11".repeat(32) + "00" + suite + "00 0005 000f000101");
    client("16 " + version + " 0008 10 000004 0002 abcd" + "14 " + version + " 0001 01");
    return server("14 " + version + " 0001 01");
  }

  /** A heartbeat record of {@code length} opaque bytes (what an encrypted one shows). */
  static String opaqueHeartbeat(String version, int length) {
    return String.format("18 %s %04x", version, length) + "ab".repeat(length);
  }

  /** Hands a record straight to the monitor, as a proxy does, with only {@code held} of its bytes. */
  void record(Direction direction, int type, int length, String heldHex) {
    byte[] held = hex(heldHex);
    monitor.onRecord(direction, new RecordHeader(type, ProtocolVersion.TLS1_2, length), held, 0, held.length,
        clock++);
  }

  List<AlertRule> rules() {
    return alerts.stream().map(Alert::rule).toList();
  }

  Alert only(HeartbleedRules.Rule rule) {
    List<Alert> matching = alerts.stream().filter(a -> a.rule() == rule).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected one " + rule.id() + " alert, got " + alerts);
    }
    return matching.get(0);
  }
}
