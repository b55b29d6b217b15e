package io.heartguard.scan.cli;

import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.Target;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.scan.engine.ScanEngine;
import io.heartguard.scan.engine.TargetList;
import io.heartguard.scan.starttls.StartTls;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code heartguard scan}: checks TLS servers for Heartbleed. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Checks TLS servers for Heartbleed (CVE-2014-0160) without completing a handshake.",
        "Safe by default: the probe reads at most 16 bytes past its request, and they are counted, never kept."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every target NOT_VULNERABLE",
        "1:some target VULNERABLE",
        "2:usage error (bad target or option)",
        "3:nothing vulnerable, but some target INCONCLUSIVE"})
public final class ScanCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "TARGET", converter = Converters.TargetConverter.class,
      description = "host, host:port, 192.0.2.1:8443, [::1]:443 or https://host[:port]/ (port 443 by default)")
  private List<Target> targets;

  @Option(names = "--json", description = "one JSON object per target and line (docs/SCAN-JSON.md)")
  private boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
      description = "time allowed per target, all versions included (default: 5s)")
  private Duration timeout = ScanOptions.DEFAULT_TIMEOUT;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
      description = "time allowed for each TCP connect (default: 3s, at most --timeout)")
  private Duration connectTimeout = ScanOptions.DEFAULT_CONNECT_TIMEOUT;

  @Option(names = "--version-only", paramLabel = "VERSION", converter = Converters.VersionConverter.class,
      description = "offer only this version: SSLv3, TLS1.0, TLS1.1 or TLS1.2 (default: TLS1.2 down to SSLv3)")
  private ProtocolVersion versionOnly;

  @Option(names = "--starttls", paramLabel = "PROTOCOL", converter = Converters.StartTlsConverter.class,
      description = {"reach TLS through this protocol's STARTTLS dialog: smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server,"
          + " ldap, postgres, mysql, nntp, irc, sieve (a target without a port gets the protocol's); or auto: by"
          + " well-known port (25/587 smtp, 143 imap, 5432 postgres, ...), plain TLS on other ports (default: plain TLS)"})
  private StartTlsMode starttls = StartTlsMode.NONE;

  @Option(names = "--concurrency", paramLabel = "N", description = "targets checked at once (default: 16)")
  private int concurrency = ScanEngine.DEFAULT_CONCURRENCY;

  @Option(names = "--dump", paramLabel = "FILE",
      description = "AUTHORIZED TESTING ONLY: on a vulnerable target, send --dump-requests requests that each leak"
          + " about 16 KB and write the leaked bytes to FILE (mode 600); only a summary is printed. One target only.")
  private Path dump;

  @Option(names = "--dump-requests", paramLabel = "N", description = "full-size requests a dump sends (default: 4)")
  private int dumpRequests = ScanOptions.DEFAULT_DUMP_REQUESTS;

  @Option(names = "--debug", description = "print what was seen on the wire for each target, and the stack trace of an unexpected failure")
  private boolean debug;

  public ScanCommand() {}

  /** Standalone entry point; {@code heartguard} runs this command as its {@code scan} subcommand instead. */
  public static void main(String[] args) {
    System.exit(OneLineErrors.install(new CommandLine(new ScanCommand())).execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (concurrency < 1) {
      throw new ParameterException(spec.commandLine(), "--concurrency must be at least 1, got " + concurrency);
    }
    if (dumpRequests < 1) {
      throw new ParameterException(spec.commandLine(), "--dump-requests must be at least 1, got " + dumpRequests);
    }
    if (dump != null && targets.size() != 1) {
      throw new ParameterException(spec.commandLine(), "--dump takes exactly one target, got " + targets.size());
    }
    ScanOptions options = ScanOptions.defaults().withTimeout(timeout)
        .withConnectTimeout(connectTimeout.compareTo(timeout) > 0 ? timeout : connectTimeout)
        .withVersions(versionOnly == null ? ScanOptions.ALL_VERSIONS : List.of(versionOnly))
        .withStartTls(starttls);
    if (starttls.protocol() != null) {
      targets = withDefaultPort(targets, starttls.protocol());
    }
    LeakFile leakFile = openDump();
    if (leakFile != null) {
      options = options.withDump(leakFile, dumpRequests);
    }
    PrintWriter out = spec.commandLine().getOut();
    Outcome outcome = new Outcome(json ? JsonSink.to(out) : new TableReport(out, sourceOrder(), debug));
    try (leakFile; outcome) {
      new ScanEngine(new HeartbleedCheck(), options, concurrency).run(new TargetList(targets), outcome);
    }
    return outcome.exitCode();
  }

  private LeakFile openDump() {
    if (dump == null) {
      return null;
    }
    try {
      return LeakFile.create(dump);
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "cannot write --dump file " + dump + ": " + e.getMessage());
    }
  }

  /** "mail.example.com" with --starttls smtp means port 25, not 443. */
  private static List<Target> withDefaultPort(List<Target> given, StartTls protocol) {
    return given.stream().map(t -> Target.parse(t.input(), protocol.defaultPort())).toList();
  }

  private Map<Target, Integer> sourceOrder() {
    Map<Target, Integer> order = new HashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      order.putIfAbsent(targets.get(i), i);
    }
    return order;
  }

  /** Keeps Jackson out of a table run: the JSON report's class is loaded only from here. */
  private static final class JsonSink {
    static ResultSink to(PrintWriter out) {
      return new JsonReport(out);
    }
  }
}
