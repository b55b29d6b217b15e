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
 * cipher, whether each direction is encrypted, and whether application data was seen.
 *
 * <p>A direction is encrypted exactly where OpenSSL switches it: at a ChangeCipherSpec of one byte, 0x01, once its
 * receiver has a cipher to change to (ssl3_read_bytes rejects any other content, and one before the hellos).
 * Records OpenSSL discards (empty ones, ssl3_get_record) change nothing. A direction picked up mid-stream is not
 * assumed encrypted: its heartbeats are read as plaintext when their bytes say so.
 */
public final class ConnectionMonitor implements RecordListener, HeartbleedRules.Connection {
  /** ServerHello comes first and is small; a handshake buffered beyond this is not one we need to read. */
  private static final int MAX_HELLO_BYTES = 64 * 1024;
  private static final int SUPPORTED_VERSIONS = 43;

  private final FlowInfo flow;
  private final HeartbleedRules rules;
  private final boolean[] changeCipherSpecSeen = new boolean[2];
  private final boolean[] midStream = new boolean[2];
  private final boolean[] applicationDataFrom = new boolean[2];
  private final long[] records = new long[2];
  private final long[] heartbeats = new long[2];
  private final long[] skippedBytes = new long[2];
  private HandshakeReader serverHandshake = new HandshakeReader(MAX_HELLO_BYTES);
  /** A plaintext handshake record came from this side: its hello, which gives the peer a cipher to change to. */
  private final boolean[] handshakeSeen = new boolean[2];
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
    int length = header.length();
    boolean complete = available == length;
    if (header.contentType() == ContentType.CHANGE_CIPHER_SPEC.code()) {
      onChangeCipherSpec(direction, length, fragment, offset, available, timestampNanos);
      return;
    }
    if (length == 0) {
      return; // ssl3_get_record discards an empty record ("goto again"): no state changes
    }
    if (header.contentType() != ContentType.HEARTBEAT.code()) {
      rules.onOtherRecord(direction);
    }
    switch (header.contentType()) {
      case 22 -> {
        if (!encrypted(direction)) {
          handshakeSeen[d] = true;
          if (direction == Direction.TO_CLIENT && serverHandshake != null) {
            readServerHandshake(fragment, offset, available, complete);
          }
        }
      }
      case 23 -> onApplicationData(direction, length);
      case 24 -> {
        heartbeats[d]++;
        if (heartbeatEncrypted(direction, length, fragment, offset, available)) {
          rules.onEncryptedHeartbeat(direction, length, timestampNanos);
        } else {
          rules.onPlaintextHeartbeat(direction, length, fragment, offset, available, timestampNanos);
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
    if (recordLength == 0) {
      return; // dtls1_get_record discards an empty record
    }
    if (type != ContentType.HEARTBEAT.code()) {
      rules.onOtherRecord(direction);
    }
    switch (type) {
      case 22 -> {
        if (direction == Direction.TO_CLIENT && !encrypted && cipherSuite < 0) {
          readDtlsServerHello(b, off, available);
        }
      }
      case 23 -> onApplicationData(direction, recordLength);
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

  /**
   * RFC 5246 section 7.1: every record after ChangeCipherSpec in that direction is protected, but only once the
   * receiver applies it. OpenSSL 1.0.1's ssl3_read_bytes takes a record of exactly one byte, 0x01, and fails the
   * handshake on any other; ssl3_get_record drops an empty one unread.
   */
  private void onChangeCipherSpec(Direction direction, int length, byte[] fragment, int offset, int available,
      long ts) {
    int d = direction.ordinal();
    if (encrypted(direction)) {
      return; // a renegotiation's ChangeCipherSpec is itself protected: its length is the cipher's, not 1
    }
    if (length == 0) {
      rules.onChangeCipherSpecNotApplied(direction, length, "is empty, and ssl3_get_record discards it", ts);
      return;
    }
    rules.onOtherRecord(direction);
    if (length != 1) {
      rules.onChangeCipherSpecNotApplied(direction, length, "is not a single byte; ssl3_read_bytes fails the"
          + " handshake on it", ts);
      return;
    }
    // Content not held (a proxy may forward it unread): a wrong byte fails the handshake, so the length decides.
    if (available == 1 && fragment[offset] != 1) {
      rules.onChangeCipherSpecNotApplied(direction, length, String.format("holds 0x%02x, not 0x01; ssl3_read_bytes"
          + " fails the handshake on it", fragment[offset] & 0xff), ts);
      return;
    }
    if (changeCipherSpecInPlace(direction)) {
      changeCipherSpecSeen[d] = true;
    }
  }

  /**
   * Whether the receiver has a cipher to change to, which is all OpenSSL 1.0.1 through 1.0.1g check
   * (ssl3_read_bytes: s->s3->tmp.new_cipher; ssl3_do_change_cipher_spec does not ask whether keys exist until
   * 1.0.1h, CVE-2014-0224). The server has one once it read the ClientHello, the client once it read the
   * ServerHello: so the sender's own hello must have gone first (or the server's, which proves the client's, e.g.
   * after an SSLv2-compatible hello that is no record). On a direction picked up mid-stream the hello may predate
   * the capture: the ChangeCipherSpec is taken as applied, since missing a switch would read ciphertext as plaintext.
   */
  private boolean changeCipherSpecInPlace(Direction direction) {
    int d = direction.ordinal();
    return handshakeSeen[d] || midStream[d]
        || (direction == Direction.TO_SERVER && handshakeSeen[Direction.TO_CLIENT.ordinal()]);
  }

  private void onApplicationData(Direction direction, int length) {
    if (length > 0) {
      applicationDataSeen = true;
      applicationDataFrom[direction.ordinal()] = true;
      applicationDataBytes += length;
    }
  }

  /**
   * Whether records in this direction are protected. TLS 1.3 protects everything after ServerHello (its
   * ChangeCipherSpec is a compatibility no-op, RFC 8446 section 5).
   */
  private boolean encrypted(Direction direction) {
    return changeCipherSpecSeen[direction.ordinal()] || tls13;
  }

  /**
   * Whether a heartbeat record is read as encrypted. On a direction picked up mid-stream before any hello, the
   * handshake may or may not be over: application data from it says it is; otherwise the record's own bytes decide
   * ({@link HeartbleedRules#looksLikePlaintextHeartbeat}), so a plaintext attack is still read as one.
   */
  private boolean heartbeatEncrypted(Direction direction, int length, byte[] fragment, int offset, int available) {
    int d = direction.ordinal();
    if (encrypted(direction)) {
      return true;
    }
    if (!midStream[d] || negotiatedVersion != null) {
      return false;
    }
    return applicationDataFrom[d] || !HeartbleedRules.looksLikePlaintextHeartbeat(length, fragment, offset, available);
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

  /**
   * The longest encrypted heartbeat record {@code responder} may send next without it being reported as a leak (the
   * exact bound for the request it answers under the negotiated cipher); 0 when only requests a fixed peer discards
   * are pending, -1 when none is ({@link HeartbleedRules#largestHonestResponse(Direction)}).
   */
  public int largestHonestResponse(Direction responder) {
    return rules.largestHonestResponse(responder);
  }

  /** Whether a record of this type is one the monitor can use only with its bytes (all but application data). */
  static boolean needsFragment(int contentType) {
    return contentType != ContentType.APPLICATION_DATA.code();
  }
}
