package io.heartguard.detect;

import static io.heartguard.detect.Records.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.wire.record.RecordHeader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TlsRecordReaderTest {
  /** Records as "type/length/available", resyncs as "resync KIND skipped". */
  private final List<String> events = new ArrayList<>();
  private final RecordListener recorder = new RecordListener() {
    @Override
    public void onRecord(Direction d, RecordHeader h, byte[] fragment, int offset, int available, long ts) {
      events.add(h.contentType() + "/" + h.length() + "/" + available);
    }

    @Override
    public void onResync(Direction d, TlsRecordReader.Resync kind, long skipped) {
      events.add("resync " + kind + " " + skipped);
    }
  };

  private static final String HANDSHAKE = "16 0303 0004 0e000000"; // ServerHelloDone in a 4-byte record
  private static final String APP_DATA = "17 0303 0006 aabbccddeeff";
  private static final String HEARTBEAT = "18 0303 0003 014000";

  @Test
  void oneRecordFedOneByteAtATimeComesOutWhole() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_CLIENT, recorder, true);
    byte[] b = hex(HANDSHAKE + HEARTBEAT);
    for (int i = 0; i < b.length; i++) {
      reader.feed(b, i, 1, 0);
    }
    assertThat(events).containsExactly("22/4/4", "24/3/3");
  }

  @Test
  void recordsAfterAnSslv2CompatibleHelloStartWhereOpenSslReadsThemEvenSplitByteByByte() {
    // 802e 01 0301 0015 0000 0010 | SSLv2 2-byte header, 46 bytes, CLIENT-HELLO, TLS 1.0, 21/0/16 lengths
    // then 21 bytes of cipher specs and a 16-byte challenge; s23_srvr.c reads TLS records from byte 48 on,
    // here a heartbeat 18 0301 0003 01 4000 whose own bytes hold no header a framer could be misled by.
    byte[] b = hex("802e 01 0301 0015 0000 0010 000039000038000035000016000013 00000a0700c0"
        + "000102030405060708090a0b0c0d0e0f" + "18 0301 0003 014000");
    new TlsRecordReader(Direction.TO_SERVER, recorder, true).feed(b, 0, b.length, 0);
    List<String> whole = List.copyOf(events);
    events.clear();
    TlsRecordReader split = new TlsRecordReader(Direction.TO_SERVER, recorder, true);
    for (int i = 0; i < b.length; i++) {
      split.feed(b, i, 1, 0);
    }
    assertThat(whole).containsExactly("24/3/3");
    assertThat(events).isEqualTo(whole);
  }

  @Test
  void applicationDataIsSkippedUnread() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_CLIENT, recorder, true);
    byte[] b = hex(APP_DATA + HEARTBEAT);
    reader.feed(b, 0, b.length, 0);
    assertThat(events).containsExactly("23/6/0", "24/3/3");
  }

  @Test
  void bytesLostInsideApplicationDataCostNoSync() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_CLIENT, recorder, true);
    byte[] b = hex(APP_DATA + HEARTBEAT);
    reader.feed(b, 0, 7, 0); // header and 2 bytes of application data
    reader.gap(3, 0); // 3 of its bytes lost
    reader.feed(b, 10, b.length - 10, 0);
    assertThat(events).containsExactly("23/6/0", "24/3/3");
    assertThat(reader.resyncs()).isZero();
  }

  @Test
  void afterLosingAHeaderTheReaderResynchronisesOnTwoPlausibleHeadersInARow() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_CLIENT, recorder, true);
    byte[] before = hex(APP_DATA);
    byte[] after = hex("0102 0304" + APP_DATA + HEARTBEAT); // tail of a lost record, then two records
    reader.feed(before, 0, before.length, 0);
    reader.gap(100, 0);
    reader.feed(after, 0, after.length, 0);
    reader.finish(0);
    assertThat(events).containsExactly("23/6/0", "resync GAP 4", "23/6/0", "24/3/3");
  }

  @Test
  void tlsAfterAPlaintextStarttlsDialogIsFound() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_SERVER, recorder, true);
    byte[] b = hex("5354415254544c530d0a" // "STARTTLS\r\n"
        + "16 0301 0005 0100000100"); // a (tiny) ClientHello record
    reader.feed(b, 0, b.length, 0);
    assertThat(events).containsExactly("resync PLAINTEXT_PREAMBLE 10", "22/5/5");
  }

  @Test
  void aCaptureStartingMidStreamSynchronisesOnTheFirstConfirmedRecord() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_SERVER, recorder, false);
    byte[] b = hex("99887766" + APP_DATA + APP_DATA);
    reader.feed(b, 0, b.length, 0);
    reader.finish(0);
    assertThat(events).containsExactly("resync MID_STREAM 4", "23/6/0", "23/6/0");
  }

  @Test
  void aRecordCutShortByTheEndOfTheCaptureIsHandedOverWithWhatArrived() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_SERVER, recorder, true);
    byte[] b = hex("18 0303 4000 01 3ffd 4141"); // a 16384-byte heartbeat of which 5 bytes arrived
    reader.feed(b, 0, b.length, 0);
    reader.finish(0);
    assertThat(events).containsExactly("24/16384/5");
  }

  @Test
  void anImplausibleHeaderInSyncStartsASearch() {
    TlsRecordReader reader = new TlsRecordReader(Direction.TO_SERVER, recorder, true);
    byte[] b = hex(APP_DATA + "ff ffff ffff" + APP_DATA + HEARTBEAT);
    reader.feed(b, 0, b.length, 0);
    assertThat(events).containsExactly("23/6/0", "resync DESYNC 5", "23/6/0", "24/3/3");
  }
}
