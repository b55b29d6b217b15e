package io.heartguard.lab;

import io.heartguard.address.AddressSyntaxException;
import io.heartguard.address.HostPort;
import io.heartguard.address.Ip128;
import io.heartguard.evidence.LeakFile;
import io.heartguard.tlsserver.SocketAddressText;
import io.heartguard.wire.PeerText;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.tls.TlsSession;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code heartguard lab client}: one handshake as an emulated OpenSSL 1.0.1f (or 1.0.1g) client, then exit. */
@Command(name = "client", mixinStandardHelpOptions = true,
    description = {
        "Connects once as a deliberately vulnerable TLS client, for proving client-test and other reverse-Heartbleed"
            + " checks.",
        "It passes for OpenSSL 1.0.1f before its handshake finishes: it offers heartbeats and answers heartbeat"
            + " requests by leaking a fake heap, never real memory."})
public final class LabClientCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--connect", required = true, paramLabel = "HOST:PORT", converter = ConnectConverter.class,
      description = "Server to connect to: 127.0.0.1:8443, [::1]:8443 or localhost:8443.")
  InetSocketAddress connect;

  @Option(names = "--mode", defaultValue = "vulnerable", converter = LabCommand.ModeConverter.class,
      description = "vulnerable (OpenSSL 1.0.1f) or patched (1.0.1g). Default: ${DEFAULT-VALUE}.")
  LabMode mode = LabMode.VULNERABLE;

  @Option(names = "--server-name", paramLabel = "NAME", description = "SNI host name to send (default: the host of --connect when it is a name).")
  String serverName;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
      description = "Give up when the server sends nothing for this long. Default: ${DEFAULT-VALUE}.")
  int timeoutSeconds;

  @Option(names = "--log", paramLabel = "FILE", description = "Append heartbeat JSON lines to FILE instead of stdout.")
  Path log;

  @Option(names = "--encrypted", description = {"AUTHORIZED TESTING ONLY: attack instead of being attacked: complete a"
      + " full handshake, then send malformed heartbeat requests encrypted, each followed by a well-formed control;"
      + " prints how much leaked, never the bytes (with --dump, they go to FILE, mode 600)."})
  boolean encrypted;

  @Option(names = "--requests", defaultValue = "1", paramLabel = "N",
      description = "With --encrypted: malformed requests to send. Default: ${DEFAULT-VALUE}.")
  int requests;

  @Option(names = "--payload-length", defaultValue = "" + EncryptedAttack.DEFAULT_PAYLOAD_LENGTH, paramLabel = "BYTES",
      description = "With --encrypted: the payload_length each malformed request claims (18..65535). Default: ${DEFAULT-VALUE}.")
  int payloadLength;

  @Option(names = "--tls-version", defaultValue = "1.2", paramLabel = "1.0|1.1|1.2",
      description = "With --encrypted: the TLS version to offer. Default: ${DEFAULT-VALUE}.")
  String tlsVersion;

  @Option(names = "--dump", paramLabel = "FILE",
      description = "With --encrypted: write the leaked bytes to FILE (created with mode 600).")
  Path dump;

  public LabClientCommand() {}

  @Override
  public Integer call() {
    PrintWriter err = spec != null ? spec.commandLine().getErr() : new PrintWriter(System.err, true);
    if (encrypted) {
      return attack(err);
    }
    String sni = serverName != null ? serverName : connect.getHostString();
    try (OutputStream logStream = log != null
        ? Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)
        : new java.io.FilterOutputStream(System.out) {
          @Override
          public void close() throws IOException {
            flush(); // stdout stays open
          }
        }) {
      LabClient client = LabClient.of(mode, sni, Duration.ofSeconds(timeoutSeconds), logStream);
      LabClient.Outcome outcome = client.connect(connect);
      err.println("lab client: " + outcome.heartbeatsAnswered() + " heartbeat request(s) answered, "
          + outcome.bytesOverread() + " bytes from past the requests (mode " + mode.label() + "); "
          + PeerText.printable(outcome.reason()));
      err.flush();
      return 0;
    } catch (IOException e) {
      err.println("lab client: cannot connect to " + SocketAddressText.describe(connect) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  /** {@code --encrypted}: the attack, one summary line, leaked bytes only to the {@code --dump} file. */
  private int attack(PrintWriter err) {
    ProtocolVersion version = switch (tlsVersion) {
      case "1.0" -> ProtocolVersion.TLS1_0;
      case "1.1" -> ProtocolVersion.TLS1_1;
      case "1.2" -> ProtocolVersion.TLS1_2;
      default -> throw new ParameterException(spec.commandLine(), "--tls-version must be 1.0, 1.1 or 1.2, got " + tlsVersion);
    };
    EncryptedAttack attack;
    try {
      attack = new EncryptedAttack(version, TlsSession.allSuites(), serverName != null ? serverName : connect.getHostString(),
          requests, payloadLength, Duration.ofSeconds(timeoutSeconds));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try (LeakFile file = dump == null ? null : LeakFile.create(dump)) {
      EncryptedAttack.Outcome outcome = attack.run(connect, (round, buffer, offset, length) -> {
        if (file != null) {
          file.write(buffer, offset, length);
        }
      });
      err.println("lab client: encrypted attack, " + outcome.version() + " " + (outcome.suite() == null ? "no suite"
          : outcome.suite()) + ": " + outcome.leaks() + " of " + outcome.rounds() + " malformed request(s) leaked, "
          + outcome.bytesLeaked() + " bytes from past the requests" + (file != null && outcome.bytesLeaked() > 0
          ? " (written to " + dump + ")" : "") + "; " + PeerText.printable(outcome.reason()));
      err.flush();
      return 0;
    } catch (IOException e) {
      err.println("lab client: " + SocketAddressText.describe(connect) + ": " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  static final class ConnectConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      HostPort hostPort;
      try {
        hostPort = HostPort.parse(value);
      } catch (AddressSyntaxException e) {
        throw new TypeConversionException(e.getMessage());
      }
      Optional<Ip128> literal = hostPort.address();
      InetSocketAddress address = literal.isPresent()
          ? new InetSocketAddress(literal.get().toInetAddress(), hostPort.port())
          : new InetSocketAddress(hostPort.host(), hostPort.port());
      if (address.isUnresolved()) {
        throw new TypeConversionException("connect host '" + hostPort.host() + "' does not resolve");
      }
      return address;
    }
  }
}
