package io.heartguard.clienttest;

import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run client-test.
 *
 * @param listen address to bind; port 0 picks a free one
 * @param starttls dialog to run before TLS, null for none
 * @param dumpFile authorized testing only: where bytes leaked by a VULNERABLE client are written; null for none
 * @param dumpRequests how many leak requests a dump sends (16 KiB each before the handshake, 64 KiB after it)
 * @param timeout how long one client may take from accept to verdict
 * @param identity the certificate chain served; its key is used only with {@code afterHandshake}
 * @param seed seeds the heartbeat markers and the ServerHello random, for reproducible runs
 * @param afterHandshake whether the oracle runs inside a completed handshake, encrypted, instead of before it
 */
public record ClientTestOptions(InetSocketAddress listen, StartTlsProtocol starttls, Path dumpFile, int dumpRequests,
    Duration timeout, ServerIdentity identity, long seed, boolean afterHandshake) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_DUMP_REQUESTS = 4;

  public ClientTestOptions {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(identity, "identity");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    if (dumpRequests < 1 || dumpRequests > 64) {
      throw new IllegalArgumentException("dump requests must be 1..64, got " + dumpRequests);
    }
  }

  /** Loopback, ephemeral port, plain TLS, no dump, the lab's process identity. */
  public static ClientTestOptions defaults() {
    return new ClientTestOptions(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, null,
        DEFAULT_DUMP_REQUESTS, DEFAULT_TIMEOUT, ServerIdentity.processDefault(), System.nanoTime(), false);
  }

  public ClientTestOptions withListen(InetSocketAddress address) {
    return new ClientTestOptions(address, starttls, dumpFile, dumpRequests, timeout, identity, seed, afterHandshake);
  }

  public ClientTestOptions withStartTls(StartTlsProtocol protocol) {
    return new ClientTestOptions(listen, protocol, dumpFile, dumpRequests, timeout, identity, seed, afterHandshake);
  }

  public ClientTestOptions withDump(Path file, int requests) {
    return new ClientTestOptions(listen, starttls, file, requests, timeout, identity, seed, afterHandshake);
  }

  public ClientTestOptions withTimeout(Duration newTimeout) {
    return new ClientTestOptions(listen, starttls, dumpFile, dumpRequests, newTimeout, identity, seed, afterHandshake);
  }

  public ClientTestOptions withSeed(long newSeed) {
    return new ClientTestOptions(listen, starttls, dumpFile, dumpRequests, timeout, identity, newSeed, afterHandshake);
  }

  public ClientTestOptions withAfterHandshake(boolean after) {
    return new ClientTestOptions(listen, starttls, dumpFile, dumpRequests, timeout, identity, seed, after);
  }
}
