package io.heartguard.serve;

import io.heartguard.address.AddressSyntaxException;
import io.heartguard.address.HostPort;

import io.heartguard.scan.ScanOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code heartguard serve}: the web checker and its API until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {
        "Runs the web checker, where people see whether a host name is affected by Heartbleed.",
        "A page where people type a host name, a bulk page, per-host history, and a JSON API (/api/v1/openapi.yaml),"
            + " all over the scan engine.",
        "",
        "Private, loopback, link-local, multicast and reserved addresses are refused unless opened with --allow."
            + " Results are kept in --db (SQLite by default; PostgreSQL with a jdbc:postgresql:// URL)."})
public final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--listen", defaultValue = "127.0.0.1:8080", paramLabel = "ADDR:PORT", converter = ListenConverter.class,
      description = "Address to listen on: 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080. Default: ${DEFAULT-VALUE}.")
  InetSocketAddress listen;

  @Option(names = "--db", defaultValue = ServeOptions.DEFAULT_DATABASE, paramLabel = "FILE|URL",
      description = "A SQLite file, or jdbc:postgresql://HOST[:PORT]/DB?user=...&password=... Default: ${DEFAULT-VALUE}.")
  String database;

  @Option(names = "--allow", paramLabel = "CIDR",
      description = "Open a normally refused range to checks, e.g. 127.0.0.0/8 or 10.1.0.0/16 (repeatable).")
  List<String> allowed = new ArrayList<>();

  @Option(names = "--trust-proxy", paramLabel = "CIDR",
      description = "A reverse proxy whose X-Forwarded-For names the client for the rate limit (repeatable).")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--max-in-flight", defaultValue = "" + ServeOptions.DEFAULT_MAX_IN_FLIGHT, paramLabel = "N",
      description = "Checks queued or running at once; more are answered 503. Default: ${DEFAULT-VALUE}.")
  int maxInFlight;

  @Option(names = "--cache-minutes", defaultValue = "10", paramLabel = "MINUTES",
      description = "A check of the same server within this time returns the recent result unless fresh. Default: ${DEFAULT-VALUE}.")
  long cacheMinutes;

  @Option(names = "--client-rate", defaultValue = "" + ServeOptions.DEFAULT_CLIENT_RATE, paramLabel = "PER_MINUTE",
      description = "Check requests a minute per client address. Default: ${DEFAULT-VALUE}.")
  int clientRate;

  @Option(names = "--target-rate", defaultValue = "" + ServeOptions.DEFAULT_TARGET_RATE, paramLabel = "PER_MINUTE",
      description = "New checks a minute per server. Default: ${DEFAULT-VALUE}.")
  int targetRate;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "The whole check of one server, every TLS version tried. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  public ServeCommand() {}

  @Override
  public Integer call() throws IOException, InterruptedException {
    ServeOptions options;
    try {
      if (timeoutSeconds < 1 || timeoutSeconds > 120) {
        throw new IllegalArgumentException("--timeout must be 1..120 seconds, got " + timeoutSeconds);
      }
      if (cacheMinutes < 0) {
        throw new IllegalArgumentException("--cache-minutes cannot be negative, got " + cacheMinutes);
      }
      options = ServeOptions.defaults().withListen(listen).withDatabase(database).withAllowed(allowed)
          .withMaxInFlight(maxInFlight).withCacheFor(Duration.ofMinutes(cacheMinutes)).withClientRate(clientRate)
          .withTargetRate(targetRate).withTrustedProxies(trustedProxies)
          .withScanOptions(ScanOptions.defaults().withTimeout(Duration.ofSeconds(timeoutSeconds)));
      AddressPolicy.allowing(allowed); // a bad --allow or --trust-proxy is a usage error before anything opens
      new ClientAddress(trustedProxies);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    WebChecker checker = WebChecker.start(options);
    Thread hook = new Thread(() -> {
      try {
        checker.close();
      } catch (IOException e) {
        System.err.println("serve: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "heartguard-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("heartguard serve: listening on " + checker.uri() + " (database " + database + "); Ctrl-C stops");
    out.flush();
    stopped.await();
    return 0;
  }

  /** 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080 or :8080 (loopback), in the address grammar; port 0 picks a free one. */
  static final class ListenConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      try {
        return HostPort.parseListen(value);
      } catch (AddressSyntaxException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
