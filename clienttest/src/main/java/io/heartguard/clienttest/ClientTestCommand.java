package io.heartguard.clienttest;

import io.heartguard.evidence.LeakFile;
import io.heartguard.tlsserver.ListenAddress;
import io.heartguard.tlsserver.SocketAddressText;
import io.heartguard.tlsserver.starttls.StartTlsProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code heartguard client-test}: a server that checks the TLS clients connecting to it for Heartbleed. */
@Command(name = "client-test", mixinStandardHelpOptions = true,
    description = {
        "Checks the TLS clients that connect to it for Heartbleed (\"reverse Heartbleed\").",
        "Every client that connects gets a ServerHello and a heartbeat request claiming a few bytes more than it"
            + " carries. A client that returns bytes from past the request is VULNERABLE; one that negotiates no"
            + " heartbeat, or answers only the well-formed control, is NOT_VULNERABLE.",
        "Exit codes with --once: 0 NOT_VULNERABLE, 1 VULNERABLE, 3 INCONCLUSIVE; 2 usage errors."})
public final class ClientTestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "ADDR:PORT", converter = ListenConverter.class,
      description = "Address to listen on: 127.0.0.1:8443, [::1]:8443, 0.0.0.0:8443, or :8443 (loopback).")
  InetSocketAddress listen;

  @Option(names = "--starttls", paramLabel = "PROTOCOL", converter = StartTlsConverter.class,
      description = "Run the server side of a STARTTLS dialog first: smtp, lmtp, imap, pop3, ftp, xmpp, xmpp-server,"
          + " ldap, postgres, mysql, nntp, irc or sieve.")
  StartTlsProtocol starttls;

  @Option(names = "--once", description = "Exit after the first client, with its verdict as the exit code.")
  boolean once;

  @Option(names = "--json", description = "One JSON object per client (JSON Lines) instead of a table.")
  boolean json;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "Time one client may take from connect to verdict. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  @Option(names = "--after-handshake", description = {"Complete the handshake first (TLS 1.0 to 1.2, RSA key exchange)"
      + " and send the heartbeat requests encrypted inside the session, as scan --after-handshake does: finds clients"
      + " that answer heartbeats only there. With --dump, each leak request then claims 65535 bytes."})
  boolean afterHandshake;

  @Option(names = "--dump", paramLabel = "FILE",
      description = "Authorized testing only: from a VULNERABLE client, request 16 KiB leaks (64 KiB with --after-handshake)"
          + " and write them to FILE (mode 600).")
  Path dump;

  @Option(names = "--dump-requests", defaultValue = "4", paramLabel = "N",
      description = "Leak requests per client with --dump. Default: ${DEFAULT-VALUE}.")
  int dumpRequests;

  public ClientTestCommand() {}

  @Override
  public Integer call() {
    PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
    PrintWriter out = spec != null ? spec.commandLine().getOut() : new PrintWriter(System.out, true);
    ClientTestOptions options;
    try {
      options = ClientTestOptions.defaults().withListen(listen).withStartTls(starttls)
          .withTimeout(Duration.ofSeconds(timeoutSeconds)).withDump(dump, dumpRequests).withAfterHandshake(afterHandshake);
    } catch (IllegalArgumentException e) {
      err.println("client-test: " + e.getMessage());
      err.flush();
      return 2;
    }
    if (dump != null) {
      // Refused before listening, not when the first vulnerable client has already been asked for its memory.
      try (LeakFile checked = LeakFile.create(dump)) {
        // created empty with mode 600; each dump rewrites it
      } catch (IOException e) {
        err.println("client-test: cannot write --dump file " + dump + ": " + e.getMessage());
        err.flush();
        return 2;
      }
    }
    ClientReportFormat format = json ? ClientReportFormat.JSON_LINES : ClientReportFormat.TABLE;
    BlockingQueue<ClientReport> reports = new ArrayBlockingQueue<>(1024);
    try (ClientTestServer server = ClientTestServer.start(options, reports::offer)) {
      err.println("client-test: listening on " + SocketAddressText.describe(server.address())
          + (starttls != null ? " (STARTTLS " + starttls.label() + ")" : "")
          + (afterHandshake ? ", heartbeats after the handshake" : "") + (dump != null ? ", dumping to " + dump : ""));
      err.flush();
      if (format == ClientReportFormat.TABLE) {
        out.println(ClientReportFormat.TABLE_HEADER);
        out.flush();
      }
      while (true) {
        ClientReport report = reports.take();
        out.println(format.format(report));
        out.flush();
        if (once) {
          return report.exitCode();
        }
      }
    } catch (IOException e) {
      err.println("client-test: cannot listen on " + SocketAddressText.describe(listen) + ": " + e.getMessage());
      err.flush();
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
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
}
