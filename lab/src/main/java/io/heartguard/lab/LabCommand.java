package io.heartguard.lab;

import io.heartguard.tlsserver.ListenAddress;
import io.heartguard.tlsserver.ServerIdentity;
import io.heartguard.tlsserver.SocketAddressText;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
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
        "Runs a deliberately vulnerable TLS server for trying Heartbleed scanners and detectors.",
        "It passes for OpenSSL 1.0.1f before its handshake finishes and leaks a fake heap (planted cookies, passwords"
            + " and its own private key), never real memory. It binds loopback unless told otherwise; do not expose it."})
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
      description = "Run as a honeypot: vulnerable to every scanner, one JSON line per attempt (source, JA3,"
          + " payload_length, bytes served, the scanner it looks like) and a canary login unique to each source in the"
          + " leaked memory.")
  boolean honeypot;

  @Option(names = "--starttls", paramLabel = "PROTOCOL", converter = StartTlsConverter.class,
      description = "Speak this protocol's plaintext greeting and STARTTLS dialog before TLS: smtp, lmtp, imap, pop3,"
          + " ftp, xmpp, xmpp-server, ldap, postgres, mysql, nntp, irc or sieve.")
  StartTlsProtocol starttls;

  @Option(names = "--heartbeats", paramLabel = "any|after-handshake", defaultValue = "any",
      converter = HeartbeatStageConverter.class,
      description = "any: answer plaintext heartbeats before the handshake ends, as 1.0.1f did (default);"
          + " after-handshake: complete the handshake (RSA key exchange) and answer only encrypted heartbeats inside it,"
          + " ignoring plaintext ones before it (a --honeypot logs those as attempts it did not answer).")
  LabHeartbeatStage heartbeats = LabHeartbeatStage.ANY;

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

  @Option(names = "--dtls",
      description = "Serve DTLS over UDP instead of TLS over TCP: OpenSSL 1.0.1f's DTLS 1.0 (or 1.0.1g's with --mode"
          + " patched), HelloVerifyRequest cookies, the Certificate fragmented to the MTU. Default --listen"
          + " 127.0.0.1:4433.")
  boolean dtls;

  @Option(names = "--patched", description = "Same as --mode patched (OpenSSL 1.0.1g).")
  boolean patched;

  @Option(names = "--dtls-max-version", defaultValue = "1.0", paramLabel = "1.0|1.2",
      description = "DTLS: the newest version answered: 1.0 as 1.0.1f, 1.2 as 1.0.2-beta1. Default: ${DEFAULT-VALUE}.")
  String dtlsMaxVersion;

  @Option(names = "--dtls-mtu", defaultValue = "" + io.heartguard.lab.dtls.LabDtlsOptions.DEFAULT_MTU, paramLabel = "BYTES",
      description = "DTLS: the largest datagram of the server's flight. Default: ${DEFAULT-VALUE}.")
  int dtlsMtu;

  @Option(names = "--dtls-drop-first", defaultValue = "0", paramLabel = "N",
      description = "DTLS: ignore the first N datagrams received, to watch a client retransmit. Default: ${DEFAULT-VALUE}.")
  int dtlsDropFirst;

  public LabCommand() {}

  /** {@code --dtls}: the UDP lab of io.heartguard.lab.dtls, with the options it shares with the TCP lab. */
  private Integer callDtls(PrintWriter err) {
    io.heartguard.lab.dtls.LabDtlsOptions options;
    try {
      if ((cert == null) != (key == null)) {
        throw new IllegalArgumentException("--cert and --key go together; got only " + (cert != null ? "--cert" : "--key"));
      }
      boolean listenGiven = spec != null && spec.commandLine().getParseResult().hasMatchedOption("--listen");
      options = io.heartguard.lab.dtls.LabDtlsOptions.of(patched ? LabMode.PATCHED : mode)
          .withListen(listenGiven ? listen : ListenAddress.parse("127.0.0.1:4433"))
          .withHeapSeed(heapSeed).withMtu(dtlsMtu).withDropped(dtlsDropFirst, 0)
          .withMaxVersion(switch (dtlsMaxVersion) {
            case "1.0" -> io.heartguard.wire.record.ProtocolVersion.DTLS1_0;
            case "1.2" -> io.heartguard.wire.record.ProtocolVersion.DTLS1_2;
            default -> throw new IllegalArgumentException("--dtls-max-version is 1.0 or 1.2, got " + dtlsMaxVersion);
          });
      if (cert != null) {
        options = options.withIdentity(ServerIdentity.load(cert, key));
      }
      if (log != null) {
        options = options.withLog(java.nio.file.Files.newOutputStream(log, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND), true);
      }
    } catch (IOException | IllegalArgumentException e) {
      err.println("lab: cannot start DTLS: " + e.getMessage());
      err.flush();
      return 2;
    }
    io.heartguard.lab.dtls.LabDtlsServer server;
    try {
      server = io.heartguard.lab.dtls.LabDtlsServer.start(options);
    } catch (IOException | RuntimeException e) {
      err.println("lab: cannot start DTLS on udp " + SocketAddressText.describe(options.listen()) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    return serveUntilStopped(server::close, "lab: DTLS listening on udp " + SocketAddressText.describe(server.address())
        + " (mode " + options.mode().label() + ", up to " + options.maxVersion() + ")", err);
  }

  @Override
  public Integer call() {
    PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
    if (dtls) {
      return callDtls(err);
    }
    if (patched) {
      mode = LabMode.PATCHED;
    }
    LabServer server;
    try {
      server = LabServer.start(options(), honeypotOptions());
    } catch (IOException | IllegalArgumentException e) {
      err.println("lab: cannot start on " + SocketAddressText.describe(listen) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    return serveUntilStopped(server::close, "lab: listening on " + SocketAddressText.describe(server.address()) + " (mode "
        + mode.label() + (honeypot ? ", honeypot" : "") + (starttls != null ? ", STARTTLS " + starttls.label() : "")
        + (heartbeats == LabHeartbeatStage.AFTER_HANDSHAKE ? ", heartbeats after the handshake" : "") + ")", err);
  }

  /** Says where the started server listens, then serves until the JVM is stopped (Ctrl-C), closing it on the way. */
  private static int serveUntilStopped(Runnable close, String listening, PrintWriter err) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close.run();
      stopped.countDown();
    }, "heartguard-lab-shutdown"));
    err.println(listening);
    err.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close.run();
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
      options = options.withIdentity(ServerIdentity.load(cert, key));
    }
    options = options.withStartTls(starttls).withHeartbeats(heartbeats);
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

  static final class StartTlsConverter implements ITypeConverter<StartTlsProtocol> {
    @Override
    public StartTlsProtocol convert(String value) {
      try {
        return StartTlsProtocol.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  static final class HeartbeatStageConverter implements ITypeConverter<LabHeartbeatStage> {
    @Override
    public LabHeartbeatStage convert(String value) {
      try {
        return LabHeartbeatStage.parse(value.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
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
