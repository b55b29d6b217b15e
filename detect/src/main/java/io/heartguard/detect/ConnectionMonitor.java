package io.heartguard.detect;

import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.DtlsRecordHeader;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordFramer;
import io.heartguard.wire.record.RecordHeader;

/**
 * Watches one TLS or DTLS connection record by record and runs {@link HeartbleedRules} over its heartbeats. It
 * knows nothing of packets: a sensor feeds it from reassembled TCP streams (through {@link #reader}) or UDP
 * datagrams ({@link #onDatagram}), a proxy from its sockets. It tracks what the rules need: versions, the chosen
 * cipher, ChangeCipherSpec per direction, and whether application data was seen.
 */
public final class ConnectionMonitor implements RecordListener, HeartbleedRules.Connection {
  /** ServerHello comes first and is small; a handshake buffered beyond this is not one we need to read. */
  private static final int MAX_HELLO_BYTES = 64 * 1024;
  private static final int SUPPORTED_VERSIONS = 43;

  private final FlowInfo flow;
  private final HeartbleedRules rules;
  private final boolean[] changeCipherSpecSeen = new boolean[2];
  private final boolean[] midStream = new boolean[2];
  private final long[] records = new long[2];
  private final long[] heartbeats = new long[2];
  private final long[] skippedBytes = new long[2];
  private HandshakeReader serverHandshake = new HandshakeReader(MAX_HELLO_BYTES);
  private boolean applicationDataSeen;
  private long applicationDataBytes;
  private ProtocolVersion recordVersion;
  private ProtocolVersion negotiatedVersion;
  private int cipherSuite = -1;
  private CipherLayout cipherLayout;
  private boolean tls13;
  private boolean dtls;

  public ConnectionMonitor(FlowInfo flow, AlertSink sink) {
    this(flow, sink, false);
  }

  /** {@code keepLeakedBytes}: attach leaked memory to alerts (sensitive; only when the user asked to dump it). */
  public ConnectionMonitor(FlowInfo flow, AlertSink sink, boolean keepLeakedBytes) {
    this.flow = flow;
    this.rules = new HeartbleedRules(this, sink, keepLeakedBytes);
  }

  /** A record reader for one direction of a TCP stream that feeds this monitor. */
  public TlsRecordReader reader(Direction direction, boolean streamStart) {
    return new TlsRecordReader(direction, this, streamStart);
  }

  @Override
  public void onRecord(Direction direction, RecordHeader header, byte[] fragment, int offset, int available,
      long timestampNanos) {
    int d = direction.ordinal();
    records[d]++;
    if (recordVersion == null) {
      recordVersion = header.version();
    }
    boolean complete = available == header.length();
    switch (header.contentType()) {
      case 20 -> onChangeCipherSpec(direction);
      case 22 -> {
        if (direction == Direction.TO_CLIENT && !encrypted(direction) && serverHandshake != null) {
          readServerHandshake(fragment, offset, available, complete);
        }
      }
      case 23 -> onApplicationData(header.length());
      case 24 -> {
        heartbeats[d]++;
        if (encrypted(direction)) {
          rules.onEncryptedHeartbeat(direction, header.length(), timestampNanos);
        } else {
          rules.onPlaintextHeartbeat(direction, header.length(), fragment, offset, available, timestampNanos);
        }
      }
      default -> { }
    }
  }

  /**
   * One UDP datagram of a DTLS connection: any number of records, each with its 13-byte header (RFC 6347 section
   * 4.1), placed by {@link RecordFramer#isDtlsHeader}. Returns how many records it held; stops at the first header
   * the framer refuses, where dtls1_get_record stops reading the datagram.
   */
  public int onDatagram(Direction direction, byte[] datagram, int offset, int length, long timestampNanos) {
    dtls = true;
    int count = 0;
    int pos = offset;
    int end = offset + length;
    while (end - pos >= DtlsRecordHeader.LENGTH && RecordFramer.isDtlsHeader(datagram, pos)) {
      int type = datagram[pos] & 0xff;
      int epoch = ((datagram[pos + 3] & 0xff) << 8) | (datagram[pos + 4] & 0xff);
      int recordLength = ((datagram[pos + 11] & 0xff) << 8) | (datagram[pos + 12] & 0xff);
      int body = pos + DtlsRecordHeader.LENGTH;
      int available = Math.min(recordLength, end - body);
      onDtlsRecord(direction, type, epoch, recordLength, datagram, body, available, timestampNanos);
      count++;
      pos = body + available;
    }
    return count;
  }

  private void onDtlsRecord(Direction direction, int type, int epoch, int recordLength, byte[] b, int off,
      int available, long ts) {
    int d = direction.ordinal();
    records[d]++;
    if (recordVersion == null) {
      recordVersion = new ProtocolVersion(b[off - 12] & 0xff, b[off - 11] & 0xff);
    }
    // RFC 6347 section 4.1: epoch 0 is the initial, unprotected state; every ChangeCipherSpec increments it.
    boolean encrypted = epoch > 0;
    switch (type) {
      case 22 -> {
        if (direction == Direction.TO_CLIENT && !encrypted && cipherSuite < 0) {
          readDtlsServerHello(b, off, available);
        }
      }
      case 23 -> onApplicationData(recordLength);
      case 24 -> {
        heartbeats[d]++;
        if (encrypted) {
          rules.onEncryptedHeartbeat(direction, recordLength, ts);
        } else {
          rules.onPlaintextHeartbeat(direction, recordLength, b, off, available, ts);
        }
      }
      default -> { }
    }
  }

  @Override
  public void onResync(Direction direction, TlsRecordReader.Resync kind, long skipped) {
    skippedBytes[direction.ordinal()] += skipped;
    if (kind == TlsRecordReader.Resync.MID_STREAM) {
      midStream[direction.ordinal()] = true;
    }
  }

  private void onChangeCipherSpec(Direction direction) {
    // RFC 5246 section 7.1: every record after ChangeCipherSpec in that direction is protected.
    changeCipherSpecSeen[direction.ordinal()] = true;
  }

  private void onApplicationData(int length) {
    if (length > 0) {
      applicationDataSeen = true;
      applicationDataBytes += length;
    }
  }

  /**
   * Whether records in this direction are protected. TLS 1.3 protects everything after ServerHello (its
   * ChangeCipherSpec is a compatibility no-op, RFC 8446 section 5). A direction first seen mid-stream is taken as
   * protected: the handshake, and so the plaintext phase, is over.
   */
  private boolean encrypted(Direction direction) {
    int d = direction.ordinal();
    return changeCipherSpecSeen[d] || tls13 || (midStream[d] && negotiatedVersion == null);
  }

  private void readServerHandshake(byte[] fragment, int offset, int available, boolean complete) {
    if (!complete) {
      serverHandshake = null; // a lost piece makes the rest unreadable; go on without the cipher
      return;
    }
    try {
      serverHandshake.feed(Bytes.of(fragment, offset, available));
      HandshakeMessage message;
      while ((message = serverHandshake.next()) != null) {
        if (message.typeCode() == HandshakeType.SERVER_HELLO.code()) {
          onServerHello(ServerHello.parse(message.body()));
          serverHandshake = null;
          return;
        }
      }
    } catch (HandshakeException e) {
      serverHandshake = null; // unreadable hello: the rules fall back to cipher-independent thresholds
    }
  }

  private void readDtlsServerHello(byte[] b, int off, int available) {
    // RFC 6347 section 4.2.2: type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3), then the body.
    if (available < 12 || (b[off] & 0xff) != HandshakeType.SERVER_HELLO.code()) {
      return;
    }
    int length = uint24(b, off + 1);
    int fragmentOffset = uint24(b, off + 6);
    int fragmentLength = uint24(b, off + 9);
    if (fragmentOffset != 0 || fragmentLength != length || 12 + length > available) {
      return;
    }
    try {
      byte[] body = java.util.Arrays.copyOfRange(b, off + 12, off + 12 + length);
      onServerHello(ServerHello.parse(Bytes.of(body)));
    } catch (HandshakeException e) {
      // An unreadable hello leaves the cipher unknown; the rules fall back to cipher-independent thresholds.
    }
  }

  private static int uint24(byte[] b, int off) {
    return ((b[off] & 0xff) << 16) | ((b[off + 1] & 0xff) << 8) | (b[off + 2] & 0xff);
  }

  private void onServerHello(ServerHello hello) {
    negotiatedVersion = hello.version();
    Extension versions = hello.extension(SUPPORTED_VERSIONS);
    if (versions != null && versions.data().size() == 2) {
      // RFC 8446 section 4.2.1: the real version of a TLS 1.3 server hides in supported_versions.
      negotiatedVersion = new ProtocolVersion(versions.data().get(0), versions.data().get(1));
      tls13 = !negotiatedVersion.isDtls() && negotiatedVersion.code() >= 0x0304;
    }
    cipherSuite = hello.cipherSuite();
    cipherLayout = CipherLayout.forSuite(cipherSuite);
  }

  // ---- What the rules ask ----------------------------------------------------------------------------------------

  @Override
  public FlowInfo flow() {
    return flow;
  }

  @Override
  public boolean applicationDataSeen() {
    return applicationDataSeen;
  }

  @Override
  public boolean startedMidStream() {
    return midStream[0] || midStream[1];
  }

  @Override
  public CipherLayout cipherLayout() {
    return cipherLayout;
  }

  @Override
  public boolean explicitIv() {
    // RFC 4346 section 6.2.3.2: TLS 1.1 added the explicit IV; DTLS 1.0 derives from TLS 1.1.
    return dtls || (negotiatedVersion != null && negotiatedVersion.code() >= 0x0302);
  }

  @Override
  public String versionName() {
    ProtocolVersion v = negotiatedVersion != null ? negotiatedVersion : recordVersion;
    return v == null ? "unknown" : v.displayName();
  }

  @Override
  public String cipherName() {
    return cipherSuite < 0 ? "unknown" : CipherLayout.nameOf(cipherSuite);
  }

  // ---- Counters --------------------------------------------------------------------------------------------------

  public boolean changeCipherSpecSeen(Direction direction) {
    return changeCipherSpecSeen[direction.ordinal()];
  }

  public long records(Direction direction) {
    return records[direction.ordinal()];
  }

  public long heartbeats(Direction direction) {
    return heartbeats[direction.ordinal()];
  }

  public long skippedBytes(Direction direction) {
    return skippedBytes[direction.ordinal()];
  }

  public long applicationDataBytes() {
    return applicationDataBytes;
  }

  /** The chosen cipher suite's code, or -1 before ServerHello. */
  public int cipherSuite() {
    return cipherSuite;
  }

  public int alertCount() {
    return rules.alertCount();
  }

  /** Whether a record of this type is one the monitor can use only with its bytes (all but application data). */
  static boolean needsFragment(int contentType) {
    return contentType != ContentType.APPLICATION_DATA.code();
  }
}
