package io.heartguard.scan;

import io.heartguard.scan.starttls.StartTls;
import io.heartguard.scan.starttls.StartTlsException;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.CipherSuite;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.TlsRecord;
import io.heartguard.wire.tls.TlsException;
import io.heartguard.wire.tls.TlsSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Checks one TLS server for Heartbleed without completing a handshake, the way the 2014 exploits did, or, with
 * {@link ScanOptions#afterHandshake()}, inside a completed one, encrypted (step 2 and 3 then run in the session).
 *
 * <ol>
 *   <li>Resolve the host once; with STARTTLS, run the protocol's dialog on each connection before its ClientHello
 *       (a refusal is INCONCLUSIVE: it shows nothing about Heartbleed). Offer the versions in order (TLS 1.2 first), on a fresh connection each, closing one
 *       before opening the next (s_server serves one connection at a time). A protocol_version, handshake_failure or
 *       insufficient_security alert, or a hang-up, before any ServerHello moves on to the next version.
 *   <li>Read the whole flight to ServerHelloDone ({@link ServerFlight}). No heartbeat extension in the ServerHello:
 *       NOT_VULNERABLE, for no heartbeat was negotiated.
 *   <li>Otherwise run the {@link HeartbeatOracle} on the same connection; if it finds the server VULNERABLE and a
 *       dump was asked for, run the {@link LeakDumper} there too.
 * </ol>
 * Every step shares one deadline; nothing waits past it.
 */
public final class HeartbleedCheck implements Scanner {
  /** The flight, the two answers to the oracle, and slack; a dump raises it for its own requests. */
  static final long READ_LIMIT = ServerFlight.MAX_FLIGHT_BYTES + 256 * 1024;

  @Override
  public ScanResult check(ScanTarget target, ScanOptions options) {
    long start = System.nanoTime();
    Deadline deadline = Deadline.after(options.timeout());
    StartTls starttls = options.starttls().forPort(target.port()).orElse(null);
    Builder result = new Builder(target, start, starttls == null ? ScanResult.PLAIN_TLS : starttls.protocolName());
    try {
      return run(target, options, starttls, deadline, result);
    } catch (RuntimeException e) {
      return result.fail(Failure.INTERNAL, "internal error: " + e);
    }
  }

  private ScanResult run(ScanTarget target, ScanOptions options, StartTls starttls, Deadline deadline, Builder result) {
    InetAddress address = target.address(); // resolved by the target space: connect there, SNI stays the name
    if (address == null) {
      try {
        address = InetAddress.getByName(target.host());
      } catch (UnknownHostException e) {
        return result.fail(Failure.UNRESOLVED, "cannot resolve " + target.host());
      }
    }
    result.address = address.getHostAddress();
    InetSocketAddress socketAddress = new InetSocketAddress(address, target.port());
    RandomGenerator random = ThreadLocalRandom.current();
    List<ProtocolVersion> versions = options.versions();
    for (int i = 0; i < versions.size(); i++) {
      ProtocolVersion version = versions.get(i);
      try (TlsConnection connection = TlsConnection.open(socketAddress, deadline,
          (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()), READ_LIMIT)) {
        if (starttls != null) {
          try {
            String accepted = starttls.negotiate(connection.plaintext(), target.host());
            result.evidence.add(starttls.protocolName() + " STARTTLS accepted: " + accepted);
          } catch (StartTlsException e) {
            // A refusal or a broken dialog is no evidence either way; plaintext never reaches the oracle.
            result.evidence.add(starttls.protocolName() + " STARTTLS: " + e.getMessage());
            return result.fail(startTlsFailure(e.kind()), e.getMessage());
          }
          connection.startTls();
        }
        if (options.afterHandshake()) {
          return probeAfterHandshake(connection, version, target, random, result);
        }
        sendHello(connection, version, target, random);
        ServerFlight flight = ServerFlight.read(connection, version);
        result.learn(flight);
        return probe(connection, flight, target, options, random, result);
      } catch (ScanFailure f) {
        result.evidence.add(version + ": " + f.getMessage());
        boolean more = i + 1 < versions.size() && !deadline.expired();
        if (!(f.allowsFallback() && more)) {
          String reason = f.allowsFallback() && i + 1 == versions.size() && versions.size() > 1
              ? "no version from " + versions.getFirst() + " down to " + versions.getLast() + " accepted: " + f.getMessage()
              : f.getMessage();
          return result.fail(f.failure(), reason);
        }
      }
    }
    throw new IllegalStateException("unreachable: the last version always finishes");
  }

  private static void sendHello(TlsConnection connection, ProtocolVersion version, ScanTarget target,
      RandomGenerator random) throws ScanFailure {
    ClientHello hello = ClientHellos.like2014(version, target.serverName(), random);
    // Servers of 2014 choked on a record version above TLS 1.0 in the first flight; clients sent 3.1 there.
    ProtocolVersion recordVersion = version.equals(ProtocolVersion.SSL3_0) ? ProtocolVersion.SSL3_0 : ProtocolVersion.TLS1_0;
    try {
      connection.write(TlsRecord.fragmentInto(ContentType.HANDSHAKE, recordVersion, Bytes.of(hello.toMessage().toByteArray())));
    } catch (ScanFailure f) {
      throw f.beforeServerHello(); // reset as the hello went out: a refusal, as a hang-up is
    }
  }

  /** Steps 2 and 3: decide from the ServerHello, or run the oracle (and the dump) on the connection. */
  private static ScanResult probe(TlsConnection connection, ServerFlight flight, ScanTarget target, ScanOptions options,
      RandomGenerator random, Builder result) throws ScanFailure {
    ProtocolVersion version = flight.hello().version();
    HeartbeatMode mode = flight.hello().heartbeatMode();
    if (mode == null) {
      result.evidence.add("ServerHello " + version + " " + result.cipher + " without the heartbeat extension");
      return result.decide(Verdict.NOT_VULNERABLE, "no heartbeat extension negotiated");
    }
    result.evidence.add("ServerHello " + version + " " + result.cipher + " with heartbeat " + ScanResult.modeName(mode)
        + "; flight of " + flight.messageCount() + " messages read to ServerHelloDone");
    HeartbeatOracle oracle = new HeartbeatOracle(version, random);
    connection.write(oracle.requests());
    HeartbeatOracle.ProbeOutcome outcome = oracle.read(connection);
    result.evidence.addAll(outcome.evidence());
    result.bytesLeaked = outcome.bytesLeaked();
    if (outcome.verdict() == Verdict.VULNERABLE && options.leakDump().isPresent()) {
      try {
        result.dump = new LeakDumper(version, random).run(connection, target, options.dump(), options.dumpRequests());
        result.bytesLeaked += result.dump.bytes();
      } catch (IOException e) {
        result.warnings.add("dump stopped: cannot write the dump file: " + e.getMessage());
      }
    }
    return outcome.verdict() == Verdict.INCONCLUSIVE
        ? result.fail(outcome.failure(), outcome.reason())
        : result.decide(outcome.verdict(), outcome.reason());
  }

  /**
   * The oracle inside a completed handshake ({@link TlsSession}): both heartbeats protected like application data,
   * as attackers sent them once IDSs read plaintext heartbeats. No 4 KB write buffer stands in the way after the
   * handshake, and a server that ignores heartbeats before it is reached all the same.
   */
  private static ScanResult probeAfterHandshake(TlsConnection connection, ProtocolVersion version, ScanTarget target,
      RandomGenerator random, Builder result) throws ScanFailure {
    if (version.equals(ProtocolVersion.SSL3_0)) {
      throw new ScanFailure(Failure.PROTOCOL, "a full handshake is TLS 1.0 to 1.2; SSLv3 is not offered")
          .beforeServerHello();
    }
    TlsSession session = new TlsSession(version, TlsSession.allSuites(), target.serverName(), new SecureRandom());
    try {
      connection.write(session.clientHello());
    } catch (ScanFailure f) {
      throw f.beforeServerHello();
    }
    try {
      while (!session.established()) {
        TlsRecord record = connection.readRecord();
        if (record.type() == ContentType.ALERT && session.serverHello() == null) {
          Alert alert = Alert.parse(record.fragment());
          throw ScanFailure.alert(alert, "in answer to the ClientHello").beforeServerHello();
        }
        byte[] answer = session.receive(record);
        if (answer.length > 0) {
          connection.write(answer);
        }
      }
    } catch (ScanFailure f) {
      throw session.serverHello() == null ? f.beforeServerHello() : f;
    } catch (TlsException | AlertException e) {
      throw new ScanFailure(Failure.PROTOCOL, "full handshake failed: " + e.getMessage());
    }
    result.learn(session.serverHello(), session.certificate());
    String suite = session.suite().ianaName();
    HeartbeatMode mode = session.serverHello().heartbeatMode();
    if (mode == null) {
      result.evidence.add("handshake completed, " + session.version() + " " + suite + ", without the heartbeat extension");
      return result.decide(Verdict.NOT_VULNERABLE, "no heartbeat extension negotiated");
    }
    result.evidence.add("handshake completed, " + session.version() + " " + suite + ", with heartbeat "
        + ScanResult.modeName(mode) + "; Finished verified both ways");
    HeartbeatOracle oracle = new HeartbeatOracle(session.version(), random);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    for (byte[] message : oracle.requestMessages(true)) {
      both.writeBytes(session.seal(ContentType.HEARTBEAT, message));
    }
    connection.write(both.toByteArray());
    HeartbeatOracle.ProbeOutcome outcome = oracle.read(connection, session);
    result.evidence.addAll(outcome.evidence());
    result.bytesLeaked = outcome.bytesLeaked();
    return outcome.verdict() == Verdict.INCONCLUSIVE
        ? result.fail(outcome.failure(), outcome.reason())
        : result.decide(outcome.verdict(), outcome.reason() + ", after the handshake, encrypted");
  }

  private static Failure startTlsFailure(StartTlsException.Kind kind) {
    return switch (kind) {
      case REFUSED, UNEXPECTED -> Failure.STARTTLS;
      case LIMIT -> Failure.LIMIT;
      case TRANSPORT -> Failure.RESET; // closed, reset or timed out in the dialog: worth another try
    };
  }

  /** The facts gathered so far; each step adds what it learns. */
  private static final class Builder {
    private final ScanTarget target;
    private final long startNanos;
    private final String protocol;
    private final List<String> evidence = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String address;
    private ProtocolVersion tlsVersion;
    private String cipher;
    private HeartbeatMode heartbeat;
    private long bytesLeaked;
    private CertificateFacts certificate;
    private DumpSummary dump;

    Builder(ScanTarget target, long startNanos, String protocol) {
      this.target = target;
      this.startNanos = startNanos;
      this.protocol = protocol;
    }

    void learn(ServerFlight flight) {
      learn(flight.hello(), flight.certificate());
    }

    void learn(ServerHello hello, CertificateMessage certificateMessage) {
      tlsVersion = hello.version();
      cipher = CipherSuite.nameOf(hello.cipherSuite());
      heartbeat = hello.heartbeatMode();
      if (certificateMessage == null || certificateMessage.certificates().isEmpty()) {
        evidence.add("no certificate in the server's flight");
        return;
      }
      try {
        certificate = CertificateFacts.parse(certificateMessage.certificates().getFirst());
      } catch (CertificateException e) {
        evidence.add("the server's certificate does not parse: " + e.getMessage());
        return;
      }
      if (certificate.warning() != null) {
        warnings.add(certificate.warning());
      }
    }

    ScanResult decide(Verdict verdict, String reason) {
      return finish(verdict, reason, Failure.NONE);
    }

    ScanResult fail(Failure failure, String reason) {
      return finish(Verdict.INCONCLUSIVE, reason, failure);
    }

    private ScanResult finish(Verdict verdict, String reason, Failure failure) {
      long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
      return new ScanResult(target, address, tlsVersion, cipher, heartbeat, verdict, reason, evidence, bytesLeaked,
          certificate, dump, warnings, elapsed, protocol, failure);
    }
  }
}
