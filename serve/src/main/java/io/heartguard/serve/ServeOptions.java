package io.heartguard.serve;

import io.heartguard.scan.ScanOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How {@code heartguard serve} runs: where it listens, where results live, which normally refused address ranges
 * are opened, and its limits.
 *
 * @param listen where the HTTP server binds; port 0 picks a free one
 * @param database a SQLite file name or a {@code jdbc:postgresql://} URL, as {@code scan --db} takes
 * @param allowed CIDR ranges checked although the address policy refuses them (e.g. "127.0.0.0/8" for tests)
 * @param maxInFlight checks queued or running at once; more are answered 503
 * @param cacheFor how long a finished check answers a new request for the same target (unless {@code fresh})
 * @param clientRate new checks a minute per client address
 * @param targetRate new checks a minute per target (host, port and protocol)
 * @param scanOptions timeouts and versions of each check; its STARTTLS mode is replaced per check
 * @param trustedProxies reverse proxies (CIDR) whose X-Forwarded-For names the client for the rate limit; none by
 *     default, so the header is ignored and the connecting address is the client
 */
public record ServeOptions(InetSocketAddress listen, String database, List<String> allowed, int maxInFlight,
    Duration cacheFor, int clientRate, int targetRate, ScanOptions scanOptions, List<String> trustedProxies) {
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_DATABASE = "heartguard-serve.db";
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;
  public static final Duration DEFAULT_CACHE_FOR = Duration.ofMinutes(10);
  public static final int DEFAULT_CLIENT_RATE = 30;
  public static final int DEFAULT_TARGET_RATE = 6;

  public ServeOptions {
    if (listen == null) {
      throw new IllegalArgumentException("a listen address is needed, e.g. 127.0.0.1:8080");
    }
    if (database == null || database.isBlank()) {
      throw new IllegalArgumentException("a database is needed: a SQLite file name or a jdbc:postgresql:// URL");
    }
    allowed = List.copyOf(allowed);
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("max in flight must be at least 1, got " + maxInFlight);
    }
    if (cacheFor == null || cacheFor.isNegative()) {
      throw new IllegalArgumentException("the cache window cannot be negative, got " + cacheFor);
    }
    if (clientRate < 1 || targetRate < 1) {
      throw new IllegalArgumentException("rates must be at least 1 a minute, got client " + clientRate
          + " and target " + targetRate);
    }
    if (scanOptions == null) {
      throw new IllegalArgumentException("scan options are needed, ScanOptions.defaults() at least");
    }
    trustedProxies = List.copyOf(trustedProxies);
  }

  public static ServeOptions defaults() {
    return new ServeOptions(new InetSocketAddress("127.0.0.1", DEFAULT_PORT), DEFAULT_DATABASE, List.of(),
        DEFAULT_MAX_IN_FLIGHT, DEFAULT_CACHE_FOR, DEFAULT_CLIENT_RATE, DEFAULT_TARGET_RATE, ScanOptions.defaults(),
        List.of());
  }

  public ServeOptions withListen(InetSocketAddress newListen) {
    return new ServeOptions(newListen, database, allowed, maxInFlight, cacheFor,
        clientRate, targetRate, scanOptions, trustedProxies);
  }

  public ServeOptions withDatabase(String location) {
    return new ServeOptions(listen, location, allowed, maxInFlight, cacheFor,
        clientRate, targetRate, scanOptions, trustedProxies);
  }

  public ServeOptions withAllowed(List<String> cidrs) {
    return new ServeOptions(listen, database, cidrs, maxInFlight, cacheFor,
        clientRate, targetRate, scanOptions, trustedProxies);
  }

  public ServeOptions withMaxInFlight(int max) {
    return new ServeOptions(listen, database, allowed, max, cacheFor,
        clientRate, targetRate, scanOptions, trustedProxies);
  }

  public ServeOptions withCacheFor(Duration window) {
    return new ServeOptions(listen, database, allowed, maxInFlight, window,
        clientRate, targetRate, scanOptions, trustedProxies);
  }

  public ServeOptions withClientRate(int perMinute) {
    return new ServeOptions(listen, database, allowed, maxInFlight, cacheFor,
        perMinute, targetRate, scanOptions, trustedProxies);
  }

  public ServeOptions withTargetRate(int perMinute) {
    return new ServeOptions(listen, database, allowed, maxInFlight, cacheFor,
        clientRate, perMinute, scanOptions, trustedProxies);
  }

  public ServeOptions withScanOptions(ScanOptions options) {
    return new ServeOptions(listen, database, allowed, maxInFlight, cacheFor,
        clientRate, targetRate, options, trustedProxies);
  }

  public ServeOptions withTrustedProxies(List<String> cidrs) {
    return new ServeOptions(listen, database, allowed, maxInFlight, cacheFor,
        clientRate, targetRate, scanOptions, cidrs);
  }
}
