package io.heartguard.lab;

import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a lab server. Start from {@link #vulnerable()} or {@link #patched()} (loopback, ephemeral port) and
 * change what a test needs with the withers.
 *
 * @param identity the key and chain to serve; null means the process's generated RSA 2048 identity
 * @param chainPaddingCerts extra certificates appended to the chain (about 20 make it span several records)
 * @param logFile where heartbeat JSON lines are appended; when null they go to {@code logStream}
 * @param logStream where heartbeat JSON lines go when there is no {@code logFile}; it is not closed by the server
 * @param readTimeout how long a read may wait for the peer before the connection is closed
 * @param connectionDeadline how long any connection may live, so a slow drip cannot hold one open
 * @param maxConnections connections served at once; more are closed on accept
 * @param heapSeed decides the fake heap's garbage and planted secrets
 * @param startTls the plaintext greeting and STARTTLS dialog spoken before TLS on every connection; null for plain TLS
 * @param heartbeats when heartbeats are answered: at any time (the handshake then stops after ServerHelloDone, as
 *     always), or only inside a completed handshake, plaintext ones before it being ignored
 */
public record LabOptions(
    LabMode mode,
    InetSocketAddress listen,
    ServerIdentity identity,
    int chainPaddingCerts,
    Path logFile,
    OutputStream logStream,
    Duration readTimeout,
    Duration connectionDeadline,
    int maxConnections,
    long heapSeed,
    StartTlsProtocol startTls,
    LabHeartbeatStage heartbeats) {

  public static final int DEFAULT_PORT = 8443;
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CONNECTION_DEADLINE = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_CONNECTIONS = 512;
  /** The day Heartbleed was disclosed. */
  public static final long DEFAULT_HEAP_SEED = 20140407L;

  public LabOptions {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(heartbeats, "heartbeats");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(readTimeout, "readTimeout");
    Objects.requireNonNull(connectionDeadline, "connectionDeadline");
    if (logFile == null) {
      Objects.requireNonNull(logStream, "logStream (or a logFile)");
    }
    if (chainPaddingCerts < 0 || chainPaddingCerts > 1000) {
      throw new IllegalArgumentException("chain padding certificates must be 0..1000, got " + chainPaddingCerts);
    }
    if (readTimeout.isNegative() || readTimeout.isZero() || connectionDeadline.isNegative() || connectionDeadline.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive, got read " + readTimeout + ", deadline " + connectionDeadline);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("max connections must be at least 1, got " + maxConnections);
    }
  }

  /** OpenSSL 1.0.1f on 127.0.0.1, ephemeral port, log to stdout. */
  public static LabOptions vulnerable() {
    return of(LabMode.VULNERABLE);
  }

  /** OpenSSL 1.0.1g on 127.0.0.1, ephemeral port, log to stdout. */
  public static LabOptions patched() {
    return of(LabMode.PATCHED);
  }

  public static LabOptions of(LabMode mode) {
    return new LabOptions(mode, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, 0, null,
        System.out, DEFAULT_READ_TIMEOUT, DEFAULT_CONNECTION_DEADLINE, DEFAULT_MAX_CONNECTIONS, DEFAULT_HEAP_SEED, null,
        LabHeartbeatStage.ANY);
  }

  public LabOptions withMode(LabMode newMode) {
    return new LabOptions(newMode, listen, identity, chainPaddingCerts, logFile, logStream, readTimeout,
        connectionDeadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  public LabOptions withListen(InetSocketAddress newListen) {
    return new LabOptions(mode, newListen, identity, chainPaddingCerts, logFile, logStream, readTimeout,
        connectionDeadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  public LabOptions withIdentity(ServerIdentity newIdentity) {
    return new LabOptions(mode, listen, newIdentity, chainPaddingCerts, logFile, logStream, readTimeout,
        connectionDeadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  public LabOptions withChainPaddingCerts(int count) {
    return new LabOptions(mode, listen, identity, count, logFile, logStream, readTimeout,
        connectionDeadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  /** Appends JSON lines to {@code file}, creating it if needed. */
  public LabOptions withLog(Path file) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, Objects.requireNonNull(file, "file"), logStream,
        readTimeout, connectionDeadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  /** Writes JSON lines to {@code stream}, which stays open after the server closes. */
  public LabOptions withLog(OutputStream stream) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, null, Objects.requireNonNull(stream, "stream"),
        readTimeout, connectionDeadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  /** Drops the JSON lines. */
  public LabOptions withoutLog() {
    return withLog(OutputStream.nullOutputStream());
  }

  public LabOptions withReadTimeout(Duration timeout) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, logFile, logStream, timeout,
        connectionDeadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  public LabOptions withConnectionDeadline(Duration deadline) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, logFile, logStream, readTimeout,
        deadline, maxConnections, heapSeed, startTls, heartbeats);
  }

  public LabOptions withMaxConnections(int count) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, logFile, logStream, readTimeout,
        connectionDeadline, count, heapSeed, startTls, heartbeats);
  }

  public LabOptions withHeapSeed(long seed) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, logFile, logStream, readTimeout,
        connectionDeadline, maxConnections, seed, startTls, heartbeats);
  }

  /** Speaks {@code protocol}'s plaintext greeting and STARTTLS dialog before TLS; null for plain TLS. */
  public LabOptions withStartTls(StartTlsProtocol protocol) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, logFile, logStream, readTimeout,
        connectionDeadline, maxConnections, heapSeed, protocol, heartbeats);
  }

  /** By the protocol's name: smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server, ldap, postgres, mysql, nntp, irc, sieve. */
  public LabOptions withHeartbeats(LabHeartbeatStage stage) {
    return new LabOptions(mode, listen, identity, chainPaddingCerts, logFile, logStream, readTimeout,
        connectionDeadline, maxConnections, heapSeed, startTls, stage);
  }

  public LabOptions withStartTls(String protocol) {
    return withStartTls(StartTlsProtocol.parse(protocol));
  }
}
