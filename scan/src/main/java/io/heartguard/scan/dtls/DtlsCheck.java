package io.heartguard.scan.dtls;

import io.heartguard.scan.CertificateFacts;
import io.heartguard.scan.Failure;
import io.heartguard.scan.HeartbeatOracle;
import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.ScanResult;
import io.heartguard.scan.Scanner;
import io.heartguard.scan.Verdict;
import io.heartguard.targets.ScanTarget;
import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.CipherSuite;
import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.handshake.ClientHellos;
import io.heartguard.wire.handshake.DtlsHandshakeFragment;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.HelloVerifyRequest;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.heartbeat.HeartbeatMode;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.DtlsRecord;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordException;
import io.heartguard.wire.record.RecordHeader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Checks one DTLS server for Heartbleed over UDP, before the handshake completes, as {@code HeartbleedCheck} does
 * over TCP (docs/DTLS.md):
 * <ol>
 *   <li>Offer DTLS 1.2, then 1.0 (from {@link ScanOptions#versions()}: TLS 1.2 means DTLS 1.2, TLS 1.1 and 1.0 mean
 *       DTLS 1.0, which derives from TLS 1.1), each on a fresh socket; a protocol_version, handshake_failure or
 *       insufficient_security alert before the ServerHello moves on to the next.
 *   <li>Send a 2014-style ClientHello (heartbeat peer_allowed_to_send) at epoch 0 with increasing 48-bit record
 *       sequence numbers (RFC 6347 section 4.1); answer a HelloVerifyRequest with the same hello carrying the cookie
 *       and message_seq 1 (section 4.2.1); resend the last flight on the doubling timer (section 4.2.4).
 *   <li>Reassemble the server's flight by message_seq to ServerHelloDone ({@link FlightReassembly}). No heartbeat
 *       extension: NOT_VULNERABLE.
 *   <li>Otherwise send {@link HeartbeatOracle}'s probe and control as plaintext epoch-0 records, one datagram each,
 *       and judge the answers with the oracle: VULNERABLE only with over-read bytes as proof (counted, never kept).
 * </ol>
 * Every wait ends by the check's deadline; everything read is capped; a failure is INCONCLUSIVE with one line.
 */
public final class DtlsCheck implements Scanner {
  /** The protocol column of a DTLS result. */
  public static final String PROTOCOL = "dtls";
  /** OpenSSL s_server's default port, which most DTLS test servers keep; real services use their own. */
  public static final int DEFAULT_PORT = 4433;
  /** DTLS 1.2 first, then 1.0. */
  public static final List<ProtocolVersion> ALL_VERSIONS = List.of(ProtocolVersion.DTLS1_2, ProtocolVersion.DTLS1_0);
  /** HelloVerifyRequests accepted per version: RFC 6347 lets a server ask again, but not forever. */
  static final int MAX_HELLO_VERIFY_REQUESTS = 4;
  /** Records read during the handshake, duplicates included. */
  static final int MAX_HANDSHAKE_RECORDS = 512;

  private final Retransmission retransmission;

  /** The RFC 6347 timer: 1 s, doubling, at most 5 sends. */
  public DtlsCheck() {
    this(Retransmission.rfc6347());
  }

  public DtlsCheck(Retransmission retransmission) {
    this.retransmission = Objects.requireNonNull(retransmission, "retransmission");
  }

  /** The DTLS versions {@code tlsVersions} stand for, in order, each once; SSLv3 has none. */
  public static List<ProtocolVersion> dtlsVersions(List<ProtocolVersion> tlsVersions) {
    Set<ProtocolVersion> out = new LinkedHashSet<>();
    for (ProtocolVersion v : tlsVersions) {
      if (v.isDtls()) {
        out.add(v);
      } else if (v.equals(ProtocolVersion.TLS1_2)) {
        out.add(ProtocolVersion.DTLS1_2);
      } else if (v.equals(ProtocolVersion.TLS1_1) || v.equals(ProtocolVersion.TLS1_0)) {
        out.add(ProtocolVersion.DTLS1_0); // RFC 4347 section 1: DTLS 1.0 is TLS 1.1 over datagrams
      }
    }
    return List.copyOf(out);
  }

  @Override
  public ScanResult check(ScanTarget target, ScanOptions options) {
    long start = System.nanoTime();
    Result result = new Result(target, start);
    try {
      return run(target, options, start + options.timeout().toNanos(), result);
    } catch (RuntimeException e) {
      return result.finish(Verdict.INCONCLUSIVE, "internal error: " + e, Failure.INTERNAL);
    }
  }

  private ScanResult run(ScanTarget target, ScanOptions options, long deadlineNanos, Result result) {
    InetAddress address = target.address();
    if (address == null) {
      try {
        address = InetAddress.getByName(target.host());
      } catch (UnknownHostException e) {
        return result.finish(Verdict.INCONCLUSIVE, "cannot resolve " + target.host(), Failure.UNRESOLVED);
      }
    }
    result.address = address.getHostAddress();
    List<ProtocolVersion> versions = dtlsVersions(options.versions());
    if (versions.isEmpty()) {
      return result.finish(Verdict.INCONCLUSIVE, "no DTLS version stands for " + options.versions()
          + " (TLS 1.2 is DTLS 1.2, TLS 1.1 and 1.0 are DTLS 1.0)", Failure.INTERNAL);
    }
    RandomGenerator random = ThreadLocalRandom.current();
    for (int i = 0; i < versions.size(); i++) {
      ProtocolVersion version = versions.get(i);
      try (DatagramLink link = DatagramLink.open(new InetSocketAddress(address, target.port()), deadlineNanos)) {
        Exchange exchange = new Exchange(link, version, random);
        List<HandshakeMessage> flight = exchange.handshake(target.serverName(), result);
        ServerHello hello = result.learn(flight);
        HeartbeatMode mode = hello.heartbeatMode();
        if (mode == null) {
          result.evidence.add("ServerHello " + hello.version() + " " + result.cipher
              + " without the heartbeat extension");
          return result.finish(Verdict.NOT_VULNERABLE, "no heartbeat extension negotiated", Failure.NONE);
        }
        result.evidence.add("ServerHello " + hello.version() + " " + result.cipher + " with heartbeat "
            + ScanResult.modeName(mode) + "; flight of " + flight.size() + " messages reassembled to ServerHelloDone");
        HeartbeatOracle.ProbeOutcome outcome = exchange.probe(hello.version());
        result.evidence.addAll(outcome.evidence());
        result.bytesLeaked = outcome.bytesLeaked();
        return result.finish(outcome.verdict(), outcome.reason(), outcome.failure());
      } catch (DtlsFailure f) {
        result.evidence.add(version + ": " + f.getMessage());
        boolean more = i + 1 < versions.size() && System.nanoTime() - deadlineNanos < 0;
        if (!(f.allowsFallback() && more)) {
          return result.finish(Verdict.INCONCLUSIVE, f.getMessage(), f.failure());
        }
      }
    }
    throw new IllegalStateException("unreachable: the last version always finishes");
  }

  /** One version's exchange on one socket: our record sequence numbers, the hello, the timer. */
  private final class Exchange {
    private final DatagramLink link;
    private final ProtocolVersion offered;
    private final RandomGenerator random;
    private long nextSequence;

    Exchange(DatagramLink link, ProtocolVersion offered, RandomGenerator random) {
      this.link = link;
      this.offered = offered;
      this.random = random;
    }

    /** Steps 2 and 3: the hello, the cookie, retransmissions, until the flight is whole. */
    List<HandshakeMessage> handshake(String serverName, Result result) throws DtlsFailure {
      ClientHello hello = ClientHellos.like2014(offered, serverName, random);
      int messageSeq = 0;
      int verifies = 0;
      int records = 0;
      boolean heardAnything = false;
      FlightReassembly reassembly = new FlightReassembly();
      int sends = 1;
      int totalSends = 1;
      sendHello(hello, messageSeq);
      long retransmitAt = System.nanoTime() + retransmission.timerNanos(sends);
      while (true) {
        byte[] datagram = link.receive(retransmitAt);
        if (datagram == null) {
          if (link.expired() || sends >= retransmission.maxTransmissions()) {
            String what = !heardAnything
                ? "no answer on udp/" + link.port() + " to " + sends + " ClientHellos"
                : "the server's flight was not complete after " + sends + " ClientHellos ("
                    + reassembly.progress() + ")";
            throw new DtlsFailure(DtlsFailure.Kind.TIMEOUT, what + (link.expired() ? " before the deadline" : ""));
          }
          sends++;
          totalSends++;
          // RFC 6347 section 4.2.4: the same message again, in a record with a new sequence number.
          sendHello(hello, messageSeq);
          retransmitAt = System.nanoTime() + retransmission.timerNanos(sends);
          continue;
        }
        heardAnything = true;
        for (DtlsRecord record : parse(datagram)) {
          if (++records > MAX_HANDSHAKE_RECORDS) {
            throw new DtlsFailure(DtlsFailure.Kind.LIMIT, "more than " + MAX_HANDSHAKE_RECORDS
                + " records before the server's flight was complete");
          }
          if (record.type() == ContentType.ALERT) {
            throw DtlsFailure.alert(alertOf(record.fragment()), !reassembly.hasServerHello());
          }
          if (record.type() != ContentType.HANDSHAKE || record.header().epoch() != 0) {
            continue; // the server's own heartbeat, or a record under keys we never agreed
          }
          for (DtlsHandshakeFragment fragment : fragments(record)) {
            if (fragment.header().type() == HandshakeType.HELLO_VERIFY_REQUEST) {
              HelloVerifyRequest verify = helloVerifyRequest(fragment);
              if (verify.cookie().equals(hello.cookie())) {
                continue; // a retransmitted HelloVerifyRequest we already answered
              }
              if (++verifies > MAX_HELLO_VERIFY_REQUESTS) {
                throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "the server sent " + verifies
                    + " HelloVerifyRequests, never accepting our cookie");
              }
              if (verifies == 1) {
                result.evidence.add("HelloVerifyRequest " + verify.serverVersion() + " with a " + verify.cookie().size()
                    + "-byte cookie");
              }
              // RFC 6347 section 4.2.1: the same hello with the cookie; section 4.2.2: message_seq goes on to 1.
              hello = hello.withCookie(verify.cookie());
              messageSeq = verifies;
              sends = 1;
              totalSends++;
              sendHello(hello, messageSeq);
              retransmitAt = System.nanoTime() + retransmission.timerNanos(sends);
              continue;
            }
            reassembly.add(fragment);
          }
          List<HandshakeMessage> flight = reassembly.flight();
          if (flight != null) {
            if (totalSends > verifies + 1) {
              result.evidence.add("flight complete after " + totalSends + " ClientHellos, " + verifies
                  + " of them answered by a HelloVerifyRequest; the rest were lost or their answers were");
            }
            return flight;
          }
        }
      }
    }

    private void sendHello(ClientHello hello, int messageSeq) throws DtlsFailure {
      DtlsHandshakeFragment fragment = DtlsHandshakeFragment.whole(hello.toMessage(), messageSeq);
      // Servers of 2014 expected DTLS 1.0 in the record of a first flight, as TLS clients sent 3.1 there.
      link.send(record(ContentType.HANDSHAKE, ProtocolVersion.DTLS1_0, Bytes.of(fragment.toByteArray())));
    }

    private byte[] record(ContentType type, ProtocolVersion version, Bytes fragment) {
      // RFC 6347 section 4.1: epoch 0 before any ChangeCipherSpec, a fresh sequence number for every record sent.
      return DtlsRecord.of(type, version, 0, nextSequence++, fragment).toByteArray();
    }

    /**
     * Step 4: the two heartbeat requests, one datagram each, resent on the timer, until the oracle decides. Each
     * epoch-0 record goes through the oracle's own read rule ({@link HeartbeatOracle#answer}), the one TLS uses.
     */
    HeartbeatOracle.ProbeOutcome probe(ProtocolVersion version) throws DtlsFailure {
      HeartbeatOracle oracle = new HeartbeatOracle(version, random);
      List<Bytes> requests = heartbeatsOf(oracle.requests());
      int sends = 1;
      sendHeartbeats(version, requests);
      long retransmitAt = System.nanoTime() + retransmission.timerNanos(sends);
      List<String> seen = List.of(
          "heartbeat requests sent at epoch 0, the malformed and the well-formed one in a datagram each");
      while (true) {
        byte[] datagram;
        try {
          datagram = link.receive(retransmitAt);
        } catch (DtlsFailure f) {
          return oracle.unanswered(f.failure(), "after the heartbeat requests: " + f.getMessage()).after(seen);
        }
        if (datagram == null) {
          if (link.expired() || sends >= retransmission.maxTransmissions()) {
            return oracle.unanswered(Failure.TIMEOUT, "no answer to either heartbeat request after " + sends
                + " transmissions" + (link.expired() ? " before the deadline" : "")).after(seen);
          }
          sends++;
          sendHeartbeats(version, requests);
          retransmitAt = System.nanoTime() + retransmission.timerNanos(sends);
          continue;
        }
        List<DtlsRecord> records;
        try {
          records = DtlsRecord.parseDatagram(datagram, datagram.length);
        } catch (RecordException e) {
          return oracle.unanswered(Failure.PROTOCOL, "after the heartbeat requests, a datagram of " + datagram.length
              + " bytes that is not DTLS: " + e.getMessage()).after(seen);
        }
        for (DtlsRecord record : records) {
          // A heartbeat of a later epoch is under keys we never agreed: no answer to our plaintext requests.
          HeartbeatOracle.ProbeOutcome outcome = record.type() == ContentType.HEARTBEAT && record.header().epoch() != 0
              ? oracle.notAnAnswer()
              : oracle.answer(record.type(), record.fragment());
          if (outcome != null) {
            return outcome.after(seen);
          }
        }
      }
    }

    private void sendHeartbeats(ProtocolVersion version, List<Bytes> requests) throws DtlsFailure {
      // One datagram each: a DTLS server reads a whole datagram into its buffer, so with the control behind it in the
      // same datagram the bytes past the probe's record would be the control's, bytes we sent ourselves.
      for (Bytes request : requests) {
        link.send(record(ContentType.HEARTBEAT, version, request));
      }
    }
  }

  /** The heartbeat messages inside the oracle's TLS records: the probe's, then the control's. */
  static List<Bytes> heartbeatsOf(byte[] tlsRecords) {
    List<Bytes> out = new ArrayList<>(2);
    int at = 0;
    while (at < tlsRecords.length) {
      int length = ((tlsRecords[at + 3] & 0xff) << 8) | (tlsRecords[at + 4] & 0xff);
      out.add(Bytes.of(tlsRecords, at + RecordHeader.LENGTH, length));
      at += RecordHeader.LENGTH + length;
    }
    return out;
  }

  private static List<DtlsRecord> parse(byte[] datagram) throws DtlsFailure {
    try {
      return DtlsRecord.parseDatagram(datagram, datagram.length);
    } catch (RecordException e) {
      throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "a datagram of " + datagram.length + " bytes that is not DTLS ("
          + e.getMessage() + "), starting " + HexFormat.of().formatHex(datagram, 0, Math.min(16, datagram.length)));
    }
  }

  private static List<DtlsHandshakeFragment> fragments(DtlsRecord record) throws DtlsFailure {
    try {
      return DtlsHandshakeFragment.parseAll(record.fragment());
    } catch (HandshakeException e) {
      throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "a handshake record that does not parse: " + e.getMessage());
    }
  }

  private static HelloVerifyRequest helloVerifyRequest(DtlsHandshakeFragment fragment) throws DtlsFailure {
    HandshakeMessage message = fragment.asWholeMessage();
    if (message == null) {
      throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "a fragmented HelloVerifyRequest (" + fragment.header()
          + "); RFC 6347 section 4.2.1 keeps it small enough for one datagram");
    }
    try {
      return HelloVerifyRequest.parse(message.body());
    } catch (HandshakeException e) {
      throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "a HelloVerifyRequest that does not parse: " + e.getMessage());
    }
  }

  private static Alert alertOf(Bytes fragment) throws DtlsFailure {
    try {
      return Alert.parse(fragment);
    } catch (AlertException e) {
      throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "a malformed alert: " + e.getMessage());
    }
  }

  /** The facts gathered so far. */
  private static final class Result {
    private final ScanTarget target;
    private final long startNanos;
    private final List<String> evidence = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String address;
    private ProtocolVersion version;
    private String cipher;
    private HeartbeatMode heartbeat;
    private long bytesLeaked;
    private CertificateFacts certificate;

    Result(ScanTarget target, long startNanos) {
      this.target = target;
      this.startNanos = startNanos;
    }

    /** Reads the ServerHello and the leaf certificate out of a whole flight. */
    ServerHello learn(List<HandshakeMessage> flight) throws DtlsFailure {
      ServerHello hello;
      try {
        hello = ServerHello.parse(flight.getFirst().body());
      } catch (HandshakeException e) {
        throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "a ServerHello that does not parse: " + e.getMessage());
      }
      if (!hello.version().isDtls()) {
        throw new DtlsFailure(DtlsFailure.Kind.PROTOCOL, "ServerHello version " + hello.version()
            + " is not a DTLS version (expected DTLSv1.0 or DTLSv1.2)");
      }
      version = hello.version();
      cipher = CipherSuite.nameOf(hello.cipherSuite());
      heartbeat = hello.heartbeatMode();
      for (HandshakeMessage m : flight) {
        if (m.type() == HandshakeType.CERTIFICATE) {
          learnCertificate(m.body());
        }
      }
      return hello;
    }

    private void learnCertificate(Bytes body) {
      try {
        CertificateMessage message = CertificateMessage.parse(body);
        if (message.certificates().isEmpty()) {
          evidence.add("no certificate in the server's flight");
          return;
        }
        certificate = CertificateFacts.parse(message.certificates().getFirst());
        if (certificate.warning() != null) {
          warnings.add(certificate.warning());
        }
      } catch (HandshakeException | CertificateException e) {
        evidence.add("the server's certificate does not parse: " + e.getMessage());
      }
    }

    ScanResult finish(Verdict verdict, String reason, Failure failure) {
      long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
      return new ScanResult(target, address, version, cipher, heartbeat, verdict, reason, evidence, bytesLeaked,
          certificate, null, warnings, elapsed, PROTOCOL, failure);
    }
  }
}
