package io.heartguard.sensor;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.heartguard.detect.ConnectionMonitor;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import io.heartguard.detect.TlsRecordReader;
import io.heartguard.sensor.capture.CaptureException;
import io.heartguard.sensor.capture.CaptureReader;
import io.heartguard.sensor.flow.FlowTable;
import io.heartguard.sensor.flow.PacketDecoder;
import io.heartguard.sensor.flow.SensorStats;
import java.io.ByteArrayInputStream;

/**
 * Jazzer fuzz tests: run on their seed corpus under plain {@code mvn test}, and fuzz with JAZZER_FUZZ=1. Anything
 * thrown other than our own checked CaptureException is a bug: the pipeline runs here without the sensor's safety
 * net.
 */
class RobustnessFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void captureReaderAndFlowLayersNeverThrow(byte[] capture) {
    SensorStats stats = new SensorStats();
    FlowTable flows = new FlowTable(stats, alert -> { }, true, 64, 1_000_000_000L, 4L << 20);
    PacketDecoder decoder = new PacketDecoder(flows, stats);
    try {
      CaptureReader.read("fuzz", new ByteArrayInputStream(capture), decoder, problem -> { });
    } catch (CaptureException expected) {
      return;
    }
    decoder.finish(); // packets held back to decide on checksums are decoded now
    flows.closeAll();
  }

  @FuzzTest(maxDuration = "30s")
  void recordStreamNeverThrows(FuzzedDataProvider data) {
    ConnectionMonitor monitor = new ConnectionMonitor(
        new FlowInfo(FlowInfo.Transport.TCP, "192.0.2.1", 1, "192.0.2.2", 443, 1), alert -> { }, true);
    TlsRecordReader[] readers = {monitor.reader(Direction.TO_SERVER, data.consumeBoolean()),
        monitor.reader(Direction.TO_CLIENT, data.consumeBoolean())};
    while (data.remainingBytes() > 0) {
      TlsRecordReader reader = readers[data.consumeBoolean() ? 1 : 0];
      if (data.consumeInt(0, 9) == 0) {
        reader.gap(data.consumeLong(1, 1L << 20), 0);
      } else {
        byte[] chunk = data.consumeBytes(data.consumeInt(1, 4096));
        reader.feed(chunk, 0, chunk.length, 0);
      }
    }
    readers[0].finish(0);
    readers[1].finish(0);
  }
}
