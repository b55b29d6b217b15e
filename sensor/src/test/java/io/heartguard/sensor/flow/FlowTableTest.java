package io.heartguard.sensor.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlowTableTest {
  private static final long SECOND = 1_000_000_000L;
  private static final int PSH_ACK = 0x18;
  /** One TLS application-data record: type 23, version 3.3, length 1, one byte. */
  private static final byte[] RECORD = {0x17, 0x03, 0x03, 0x00, 0x01, 0x00};
  private static final long SERVER = Addresses.v4Low(new byte[] {(byte) 192, (byte) 168, 0, 1}, 0);

  private final SensorStats stats = new SensorStats();

  private static long client(int n) {
    return Addresses.v4Low(new byte[] {10, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}, 0);
  }

  /** A data segment from client n to the server, or back. */
  private static void segment(FlowTable table, int n, boolean toServer, long ts) {
    if (toServer) {
      table.onTcp(0, client(n), 40_000, 0, SERVER, 443, 1, 0, PSH_ACK, 65535, -1, -1, RECORD, 0, RECORD.length, 0, ts);
    } else {
      table.onTcp(0, SERVER, 443, 0, client(n), 40_000, 1, 0, PSH_ACK, 65535, -1, -1, RECORD, 0, RECORD.length, 0, ts);
    }
  }

  @Test
  void flowsLeftAfterOthersTimeOutAreStillFoundInBothDirections() {
    // 5000 flows grow the open-addressing table past its first size; timing out a random half removes entries from
    // the middle of probe chains, which must not hide the flows behind them.
    FlowTable table = new FlowTable(stats, alert -> { }, false, 100_000, 10 * SECOND, 1L << 30);
    int n = 5000;
    for (int i = 0; i < n; i++) {
      segment(table, i, true, 0);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(20140407));
    List<Integer> kept = order.subList(0, n / 2);
    for (int i : kept) {
      segment(table, i, false, 5 * SECOND);
    }
    segment(table, n, true, 12 * SECOND); // the sweep at 12 s closes the flows idle since 0 s
    assertThat(stats.flowsTimedOut).isEqualTo(n / 2);
    assertThat(table.size()).isEqualTo(n / 2 + 1);
    for (int i : kept) {
      segment(table, i, i % 2 == 0, 12 * SECOND + 1);
    }
    assertThat(stats.flowsCreated).as("no kept flow was lost and opened again").isEqualTo(n + 1);
    for (int i : order.subList(n / 2, n)) {
      segment(table, i, true, 12 * SECOND + 2);
    }
    assertThat(stats.flowsCreated).as("each timed-out flow opens anew").isEqualTo(n + 1 + n / 2);
    assertThat(table.size()).isEqualTo(n + 1);
  }

  @Test
  void atTheFlowLimitTheLeastRecentlyUsedFlowIsEvicted() {
    FlowTable table = new FlowTable(stats, alert -> { }, false, 3, 100 * SECOND, 1L << 30);
    segment(table, 1, true, 1);
    segment(table, 2, true, 2);
    segment(table, 3, true, 3);
    segment(table, 1, false, 4); // flow 1 is now the most recently used, flow 2 the least
    segment(table, 4, true, 5); // evicts flow 2
    segment(table, 1, true, 6);
    assertThat(stats.flowsCreated).isEqualTo(4);
    segment(table, 2, true, 7); // flow 2 again: a new flow, evicting flow 3
    assertThat(stats.flowsCreated).isEqualTo(5);
    assertThat(stats.flowsEvictedForCapacity).isEqualTo(2);
    segment(table, 4, true, 8);
    segment(table, 1, true, 9);
    assertThat(stats.flowsCreated).as("flows 4 and 1 survived").isEqualTo(5);
    assertThat(table.size()).isEqualTo(3);
  }

  @Test
  void aClosedFlowsTimeCountsFromItsCloseNotFromLatePackets() {
    // Closed by FIN both ways at 0 s; late ACKs every 30 s must not keep the entry alive past the 100 s timeout, so
    // data at 130 s opens a flow of its own instead of being absorbed by the closed one.
    FlowTable table = new FlowTable(stats, alert -> { }, false, 100_000, 100 * SECOND, 1L << 30);
    long client = client(1);
    segment(table, 1, true, 0);
    table.onTcp(0, client, 40_000, 0, SERVER, 443, 1 + RECORD.length, 0, 0x11, 65535, -1, -1, RECORD, 0, 0, 0, 1);
    table.onTcp(0, SERVER, 443, 0, client, 40_000, 1, 2 + RECORD.length, 0x11, 65535, -1, -1, RECORD, 0, 0, 0, 2);
    assertThat(stats.flowsClosed).isEqualTo(1);
    for (long t = 30; t <= 120; t += 30) {
      table.onTcp(0, client, 40_000, 0, SERVER, 443, 2 + RECORD.length, 2, 0x10, 65535, -1, -1, RECORD, 0, 0, 0,
          t * SECOND);
    }
    segment(table, 1, true, 130 * SECOND);
    assertThat(stats.flowsCreated).as("the closed entry expired 100 s after its close").isEqualTo(2);
  }
}
