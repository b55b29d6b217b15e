package io.heartguard.lab;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code heartguard lab}: runs the emulated OpenSSL 1.0.1f (or 1.0.1g) server until Ctrl-C. */
@Command(name = "lab", mixinStandardHelpOptions = true, subcommands = LabClientCommand.class,
    description = {
        "Runs a deliberately vulnerable server that passes for OpenSSL 1.0.1f before its handshake finishes,",
        "for trying Heartbleed scanners and detectors. It leaks a fake heap (planted cookies, passwords and its own",
        "private key), never real memory. It binds loopback unless told otherwise; do not expose it."})
public final class LabCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--mode", defaultValue = "vulnerable", converter = ModeConverter.class,
      description = "vulnerable (OpenSSL 1.0.1f) or patched (1.0.1g). Default: ${DEFAULT-VALUE}.")
  LabMode mode = LabMode.VULNERABLE;

  @Option(names = "--listen", defaultValue = "127.0.0.1:8443", paramLabel = "ADDR:PORT", converter = ListenConverter.class,
      description = "Address to bind: 127.0.0.1:8443, [::1]:8443 or :8443 (loopback). Default: ${DEFAULT-VALUE}.")
  InetSocketAddress listen;

  @Option(names = "--cert", paramLabel = "PEM", description = "Certificate chain to serve (the server's first); needs --key.")
  Path cert;

  @Option(names = "--key", paramLabel = "PEM", description = "RSA private key (PKCS#1 or PKCS#8) matching --cert.")
  Path key;

  @Option(names = "--chain-padding-certs", defaultValue = "0", paramLabel = "N",
      description = "Append N extra certificates to the chain (about 20 make it span several records).")
  int chainPaddingCerts;

  @Option(names = "--log", paramLabel = "FILE", description = "Append heartbeat JSON lines to FILE instead of stdout.")
  Path log;

  @Option(names = "--read-timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "Close a connection that sends nothing for this long. Default: ${DEFAULT-VALUE}.")
  int readTimeoutSeconds;

  @Option(names = "--max-connections", defaultValue = "512", paramLabel = "N",
      description = "Connections served at once. Default: ${DEFAULT-VALUE}.")
  int maxConnections;

  @Option(names = "--heap-seed", defaultValue = "20140407", paramLabel = "SEED",
      description = "Seed of the fake heap's content. Default: ${DEFAULT-VALUE}.")
  long heapSeed;

  @Option(names = "--honeypot",
      description = {"Run as a honeypot: vulnerable to every scanner, one JSON line per attempt (source, JA3, payload_length,",
          "bytes served, the scanner it looks like) and a canary login unique to each source in the leaked memory."})
  boolean honeypot;

  @Option(names = "--source-bytes-per-second", paramLabel = "BYTES", defaultValue = "" + HoneypotOptions.DEFAULT_SOURCE_BYTES_PER_SECOND,
      description = "Honeypot: heartbeat bytes served to one source address per second. Default: ${DEFAULT-VALUE}.")
  long sourceBytesPerSecond;

  @Option(names = "--source-bytes-per-minute", paramLabel = "BYTES", defaultValue = "" + HoneypotOptions.DEFAULT_SOURCE_BYTES_PER_MINUTE,
      description = "Honeypot: per source address per minute. Default: ${DEFAULT-VALUE}.")
  long sourceBytesPerMinute;

  @Option(names = "--global-bytes-per-second", paramLabel = "BYTES", defaultValue = "" + HoneypotOptions.DEFAULT_GLOBAL_BYTES_PER_SECOND,
      description = "Honeypot: to everyone together per second. Default: ${DEFAULT-VALUE}.")
  long globalBytesPerSecond;

  @Option(names = "--global-bytes-per-minute", paramLabel = "BYTES", defaultValue = "" + HoneypotOptions.DEFAULT_GLOBAL_BYTES_PER_MINUTE,
      description = "Honeypot: to everyone together per minute. Default: ${DEFAULT-VALUE}.")
  long globalBytesPerMinute;

  public LabCommand() {}

  @Override
  public Integer call() {
    PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
    LabServer server;
    try {
      server = LabServer.start(options(), honeypotOptions());
    } catch (IOException | IllegalArgumentException e) {
      err.println("lab: cannot start on " + LabServer.describe(listen) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "heartguard-lab-shutdown"));
    err.println("lab: listening on " + LabServer.describe(server.address()) + " (mode " + mode.label()
        + (honeypot ? ", honeypot" : "") + ")");
    err.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /** The honeypot these arguments describe, or null without {@code --honeypot}. */
  HoneypotOptions honeypotOptions() {
    if (!honeypot) {
      return null;
    }
    if (mode != LabMode.VULNERABLE) {
      throw new IllegalArgumentException("--honeypot looks vulnerable to every scanner; it cannot run in --mode " + mode.label());
    }
    return HoneypotOptions.defaults().withSourceLimits(sourceBytesPerSecond, sourceBytesPerMinute)
        .withGlobalLimits(globalBytesPerSecond, globalBytesPerMinute);
  }

  /** The options these arguments describe. */
  LabOptions options() throws IOException {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--cert and --key go together; got only " + (cert != null ? "--cert" : "--key"));
    }
    LabOptions options = LabOptions.of(mode).withListen(listen).withChainPaddingCerts(chainPaddingCerts)
        .withReadTimeout(Duration.ofSeconds(readTimeoutSeconds)).withMaxConnections(maxConnections).withHeapSeed(heapSeed);
    if (cert != null) {
      options = options.withIdentity(LabIdentity.load(cert, key));
    }
    return log != null ? options.withLog(log) : options;
  }

  static final class ModeConverter implements ITypeConverter<LabMode> {
    @Override
    public LabMode convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "vulnerable" -> LabMode.VULNERABLE;
        case "patched" -> LabMode.PATCHED;
        default -> throw new TypeConversionException("mode '" + value + "' is neither vulnerable nor patched");
      };
    }
  }

  static final class ListenConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      try {
        return ListenAddress.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
