package io.heartguard.scan.cli;

import io.heartguard.evidence.LeakFile;
import io.heartguard.keys.KeyRecovery;
import io.heartguard.scan.DumpSummary;
import io.heartguard.scan.HeartbleedCheck;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.dtls.DtlsCheck;
import io.heartguard.scan.engine.ResultSink;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

  @Mixin
  private TargetOptions targets = new TargetOptions();

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

  @Option(names = "--dtls", description = {"check DTLS over UDP instead of TLS over TCP: DTLS 1.2, then 1.0 (with"
      + " --version-only, TLS1.2 means DTLS 1.2 and TLS1.0 or TLS1.1 DTLS 1.0); a target without a port gets 4433,"
      + " s_server's (docs/DTLS.md)"})
  private boolean dtls;

  @Option(names = "--after-handshake", description = {"complete a full handshake (TLS 1.0 to 1.2, RSA or ECDHE-RSA,"
      + " AES-CBC or AES-GCM) and send the two heartbeats encrypted inside it, as attackers did once IDSs read"
      + " plaintext heartbeats; finds servers that ignore heartbeats before the handshake (docs/AFTER-HANDSHAKE.md)"})
  private boolean afterHandshake;

  @Mixin
  private RunOptions run = new RunOptions();

  @Option(names = "--dump", paramLabel = "FILE",
      description = "AUTHORIZED TESTING ONLY: on a vulnerable target, send --dump-requests requests that each leak"
          + " about 16 KB and write the leaked bytes to FILE (mode 600); only a summary is printed. One target only.")
  private Path dump;

  @Option(names = "--recover-key", paramLabel = "KEY.pem",
      description = "AUTHORIZED TESTING ONLY, with --dump: then search the dump for a prime factor of the server's"
          + " certificate and write the private key to KEY.pem (mode 600), as heartguard keys does (docs/KEYS.md)")
  private Path recoverKey;

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
    if (dumpRequests < 1) {
      throw new ParameterException(spec.commandLine(), "--dump-requests must be at least 1, got " + dumpRequests);
    }
    int given = targets.arguments.size() + targets.lists.size();
    if (dump != null && (given != 1 || targets.arguments.contains("-"))) {
      // Checked before the dump file is created; ScanRun checks again once a block's size is known.
      throw new ParameterException(spec.commandLine(), "--dump takes exactly one target, got " + given);
    }
    if (recoverKey != null && (dump == null || dtls)) {
      throw new ParameterException(spec.commandLine(), "--recover-key searches the --dump file; give --dump FILE");
    }
    if (json && run.csv) {
      throw new ParameterException(spec.commandLine(), "--json and --csv exclude each other; choose one");
    }
    if (dtls && (starttls != StartTlsMode.NONE || dump != null || ProtocolVersion.SSL3_0.equals(versionOnly))) {
      throw new ParameterException(spec.commandLine(), "--dtls takes no " + (starttls != StartTlsMode.NONE ? "--starttls"
          : dump != null ? "--dump" : "--version-only SSLv3 (DTLS has no SSLv3)"));
    }
    if (afterHandshake && (dtls || dump != null || ProtocolVersion.SSL3_0.equals(versionOnly))) {
      throw new ParameterException(spec.commandLine(), "--after-handshake takes no " + (dtls ? "--dtls"
          : dump != null ? "--dump (a dump runs before the handshake)" : "--version-only SSLv3 (a full handshake is TLS 1.0 to 1.2)"));
    }
    if (dtls && targets.ports == null && run.resume == null) {
      targets.ports = String.valueOf(DtlsCheck.DEFAULT_PORT);
    }
    Scanner scanner = dtls ? new DtlsCheck() : new HeartbleedCheck();
    ScanOptions options = ScanOptions.defaults().withTimeout(timeout)
        .withConnectTimeout(connectTimeout.compareTo(timeout) > 0 ? timeout : connectTimeout)
        .withVersions(versionOnly != null ? List.of(versionOnly)
            : afterHandshake ? ScanOptions.ALL_VERSIONS.subList(0, 3) : ScanOptions.ALL_VERSIONS)
        .withStartTls(starttls)
        .withAfterHandshake(afterHandshake);
    LeakFile leakFile = openDump();
    if (leakFile != null) {
      options = options.withDump((target, leaked, offset, length) -> leakFile.write(leaked, offset, length),
          dumpRequests);
    }
    PrintWriter out = spec.commandLine().getOut();
    AtomicReference<ScanResult> dumped = new AtomicReference<>();
    ScanRun.Report report = (order, size) -> {
      ResultSink shown = json ? JsonSink.to(out) : run.csv ? new CsvReport(out)
          : TableReport.forTargets(out, order, debug, size);
      return recoverKey == null ? shown : ResultSink.all(List.of(shown, dumped::set));
    };
    int exit;
    try (leakFile) {
      // Many targets: the target space, the engine, --db and the progress line live in ScanRun.
      exit = new ScanRun(spec.commandLine()).execute(targets, run, starttls, protocolName(), options, scanner,
          dump != null, report, System.in);
    }
    if (recoverKey != null) {
      recoverKey(dumped.get());
    }
    return exit;
  }

  /** {@code --recover-key}: the dump just written, searched for a factor of the certificate the server sent. */
  private void recoverKey(ScanResult result) throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (result == null || result.dump() == null || result.dump().bytes() == 0) {
      err.println("scan: --recover-key: nothing was dumped, so there is nothing to search");
    } else if (result.certificate() == null || !(result.certificate().publicKey() instanceof RSAPublicKey rsa)) {
      err.println("scan: --recover-key: the server sent no RSA certificate, so there is no modulus to factor");
    } else {
      DumpSummary summary = result.dump();
      long perRequest = summary.responses() > 0 && summary.bytes() % summary.responses() == 0
          ? summary.bytes() / summary.responses() : 0;
      err.println("scan: " + KeyRecovery.recover(rsa, List.of(dump), recoverKey, Runtime.getRuntime().availableProcessors()).describe(perRequest));
    }
    err.flush();
  }

  /** How targets are reached, as a job keeps it: tls, dtls, auto or the STARTTLS protocol's name. */
  private String protocolName() {
    if (dtls) {
      return DtlsCheck.PROTOCOL;
    }
    return starttls.byPort() ? "auto" : starttls.protocol() == null ? ScanResult.PLAIN_TLS
        : starttls.protocol().protocolName();
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

  /** Keeps Jackson out of a table run: the JSON report's class is loaded only from here. */
  private static final class JsonSink {
    static ResultSink to(PrintWriter out) {
      return new JsonReport(out);
    }
  }
}
