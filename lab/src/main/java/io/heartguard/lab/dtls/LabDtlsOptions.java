package io.heartguard.lab.dtls;

import io.heartguard.lab.LabMode;
import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * How the DTLS lab runs.
 *
 * @param identity the certificate chain and key, or null for the process's generated one
 * @param maxVersion DTLS 1.0 as OpenSSL 1.0.1f (it answers a DTLS 1.2 hello with 1.0), or DTLS 1.2 as 1.0.2-beta1,
 *     the other release Heartbleed shipped in
 * @param mtu the largest datagram the flight is packed into; the Certificate is fragmented to fit
 * @param dropFirstReceived datagrams from peers ignored before any is read, to prove a client retransmits
 * @param dropFirstSent datagrams of ours thrown away instead of sent (HelloVerifyRequests, flights), likewise
 * @param dropFirstFlightDatagrams datagrams of our flights (not HelloVerifyRequests) thrown away, to prove a client
 *     reassembles a flight from a partial first copy and its retransmission
 */
public record LabDtlsOptions(LabMode mode, InetSocketAddress listen, ServerIdentity identity, long heapSeed,
    ProtocolVersion maxVersion, int mtu, int dropFirstReceived, int dropFirstSent,
    int dropFirstFlightDatagrams, OutputStream log, boolean closeLog) {
  public static final long DEFAULT_HEAP_SEED = 20140407L;
  /** Below Ethernet's 1500 less IP and UDP headers, as OpenSSL's default for an unknown path is. */
  public static final int DEFAULT_MTU = 1400;
  /** Records plus handshake headers need room: 13 + 12 bytes and at least one byte of body. */
  static final int MIN_MTU = 13 + 12 + 64;

  public LabDtlsOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(log, "log");
    if (!ProtocolVersion.DTLS1_0.equals(maxVersion) && !ProtocolVersion.DTLS1_2.equals(maxVersion)) {
      throw new IllegalArgumentException("maxVersion must be DTLSv1.0 or DTLSv1.2, got " + maxVersion);
    }
    if (mtu < MIN_MTU || mtu > 65507) {
      throw new IllegalArgumentException("mtu must be " + MIN_MTU + "..65507 bytes, got " + mtu);
    }
    if (dropFirstReceived < 0 || dropFirstSent < 0 || dropFirstFlightDatagrams < 0) {
      throw new IllegalArgumentException("datagrams to drop must be at least 0, got " + dropFirstReceived + " and "
          + dropFirstSent + " and " + dropFirstFlightDatagrams);
    }
  }

  /** Loopback, an ephemeral port, OpenSSL 1.0.1f's DTLS 1.0, log lines to stdout. */
  public static LabDtlsOptions of(LabMode mode) {
    return new LabDtlsOptions(mode, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, DEFAULT_HEAP_SEED,
        ProtocolVersion.DTLS1_0, DEFAULT_MTU, 0, 0, 0, System.out, false);
  }

  public LabDtlsOptions withListen(InetSocketAddress address) {
    return new LabDtlsOptions(mode, address, identity, heapSeed, maxVersion, mtu, dropFirstReceived, dropFirstSent,
        dropFirstFlightDatagrams, log, closeLog);
  }

  public LabDtlsOptions withIdentity(ServerIdentity newIdentity) {
    return new LabDtlsOptions(mode, listen, newIdentity, heapSeed, maxVersion, mtu, dropFirstReceived, dropFirstSent,
        dropFirstFlightDatagrams, log, closeLog);
  }

  public LabDtlsOptions withHeapSeed(long seed) {
    return new LabDtlsOptions(mode, listen, identity, seed, maxVersion, mtu, dropFirstReceived, dropFirstSent,
        dropFirstFlightDatagrams, log, closeLog);
  }

  public LabDtlsOptions withMaxVersion(ProtocolVersion version) {
    return new LabDtlsOptions(mode, listen, identity, heapSeed, version, mtu, dropFirstReceived, dropFirstSent,
        dropFirstFlightDatagrams, log, closeLog);
  }

  public LabDtlsOptions withMtu(int bytes) {
    return new LabDtlsOptions(mode, listen, identity, heapSeed, maxVersion, bytes, dropFirstReceived, dropFirstSent,
        dropFirstFlightDatagrams, log, closeLog);
  }

  /** Loses the first {@code received} datagrams that arrive and the first {@code sent} of ours. */
  public LabDtlsOptions withDropped(int received, int sent) {
    return new LabDtlsOptions(mode, listen, identity, heapSeed, maxVersion, mtu, received, sent,
        dropFirstFlightDatagrams, log, closeLog);
  }

  /** Loses the first {@code count} datagrams of our flights (HelloVerifyRequests go out). */
  public LabDtlsOptions withDroppedFlightDatagrams(int count) {
    return new LabDtlsOptions(mode, listen, identity, heapSeed, maxVersion, mtu, dropFirstReceived, dropFirstSent,
        count, log, closeLog);
  }

  /** Log lines go to {@code out}, closed with the server when {@code close}. */
  public LabDtlsOptions withLog(OutputStream out, boolean close) {
    return new LabDtlsOptions(mode, listen, identity, heapSeed, maxVersion, mtu, dropFirstReceived, dropFirstSent,
        dropFirstFlightDatagrams, out, close);
  }
}
