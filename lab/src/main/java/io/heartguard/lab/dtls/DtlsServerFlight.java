package io.heartguard.lab.dtls;

import io.heartguard.tlsserver.ServerHelloFlight;
import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.DtlsHandshakeHeader;
import io.heartguard.wire.handshake.Extension;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.DtlsRecord;
import io.heartguard.wire.record.DtlsRecordHeader;
import io.heartguard.wire.record.ProtocolVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The DTLS lab's answer to a ClientHello that carried the right cookie, as OpenSSL 1.0.1f's dtls1_accept sends it
 * as a plain-RSA server: ServerHello, Certificate, ServerHelloDone, each fragmented to fit the MTU (RFC 6347 section
 * 4.2.3), one fragment per record, records packed into datagrams of at most the MTU.
 */
final class DtlsServerFlight {
  /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 section 3.3). */
  static final int RENEGOTIATION_SCSV = 0x00ff;

  private DtlsServerFlight() {}

  /** The flight's datagrams, the version and suite chosen; or {@code suite} -1 when no suite is shared. */
  record Flight(ProtocolVersion version, int suite, boolean heartbeat, List<byte[]> datagrams, long nextSequence) {}

  /** The version the lab answers {@code offered} with: the client's, capped at {@code max} (a lower code is newer). */
  static ProtocolVersion chooseVersion(ProtocolVersion offered, ProtocolVersion max) {
    return offered.compareTo(max) >= 0 ? max : ProtocolVersion.DTLS1_0;
  }

  /** The TCP lab's suites in its order, without RC4 (RFC 6347 section 4.1.2.2). */
  static int chooseSuite(List<Integer> offered, ProtocolVersion version) {
    return ServerHelloFlight.chooseSuite(offered, version.equals(ProtocolVersion.DTLS1_2), false);
  }

  /**
   * The flight for {@code hello}; its messages take message_seq from {@code firstMessageSeq} on and its records
   * sequence numbers from {@code firstSequence} on.
   */
  static Flight build(ClientHello hello, ProtocolVersion max, ServerIdentity identity, int mtu, int firstMessageSeq,
      long firstSequence, RandomGenerator random) {
    ProtocolVersion version = chooseVersion(hello.version(), max);
    int suite = chooseSuite(hello.cipherSuites(), version);
    if (suite < 0) {
      return new Flight(version, -1, false, List.of(), firstSequence);
    }
    List<Extension> extensions = new ArrayList<>();
    if (hello.cipherSuites().contains(RENEGOTIATION_SCSV) || hello.extension(Extension.RENEGOTIATION_INFO) != null) {
      extensions.add(new Extension(Extension.RENEGOTIATION_INFO, Bytes.of((byte) 0)));
    }
    // 1.0.1f answers the heartbeat extension only when the client sent one (RFC 6520 section 2).
    boolean heartbeat = hello.offersHeartbeat();
    if (heartbeat) {
      extensions.add(HeartbeatMode.PEER_ALLOWED_TO_SEND.toExtension());
    }
    ServerHello serverHello =
        new ServerHello(version, randomBytes(random, 32), randomBytes(random, 32), suite, 0, extensions);
    List<HandshakeMessage> messages = List.of(serverHello.toMessage(),
        new CertificateMessage(identity.chain()).toMessage(),
        new HandshakeMessage(HandshakeType.SERVER_HELLO_DONE, Bytes.EMPTY));
    int maxBody = mtu - DtlsRecordHeader.LENGTH - DtlsHandshakeHeader.LENGTH;
    List<byte[]> datagrams = new ArrayList<>();
    List<DtlsRecord> packing = new ArrayList<>();
    int packed = 0;
    long sequence = firstSequence;
    int messageSeq = firstMessageSeq;
    for (HandshakeMessage message : messages) {
      for (DtlsHandshakeFragment fragment : DtlsHandshakeFragment.split(message, messageSeq, maxBody)) {
        DtlsRecord record =
            DtlsRecord.of(ContentType.HANDSHAKE, version, 0, sequence++, Bytes.of(fragment.toByteArray()));
        if (packed + record.length() > mtu) {
          datagrams.add(DtlsRecord.datagram(packing));
          packing.clear();
          packed = 0;
        }
        packing.add(record);
        packed += record.length();
      }
      messageSeq++;
    }
    datagrams.add(DtlsRecord.datagram(packing));
    return new Flight(version, suite, heartbeat, List.copyOf(datagrams), sequence);
  }

  private static Bytes randomBytes(RandomGenerator random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return Bytes.of(b);
  }
}
