package io.heartguard.scan;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.alert.Alert;
import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.handshake.CertificateMessage;
import io.heartguard.wire.handshake.HandshakeException;
import io.heartguard.wire.handshake.HandshakeMessage;
import io.heartguard.wire.handshake.HandshakeReader;
import io.heartguard.wire.handshake.HandshakeType;
import io.heartguard.wire.handshake.ServerHello;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.TlsRecord;

/**
 * The server's first flight, read whole: ServerHello, then Certificate and whatever else, up to ServerHelloDone
 * (RFC 5246 section 7.3). A certificate chain over 16 KB spans records and TCP segments; probing before the flight
 * is complete mistakes the rest of the chain for an answer, a false-positive source seen in other scanners.
 *
 * @param certificate the Certificate message, or null when the server sent none (anonymous suites)
 */
record ServerFlight(ServerHello hello, CertificateMessage certificate, int messageCount) {
  /** A real flight has at most six messages (hello, certificate, status, key exchange, request, done). */
  static final int MAX_MESSAGES = 32;
  /** Room for chains far past 16 KB, yet a bound: four of the largest handshake messages we accept. */
  static final long MAX_FLIGHT_BYTES = 4L * HandshakeReader.DEFAULT_MAX_MESSAGE_LENGTH;
  /** Records that carry no handshake bytes (empty fragments, stray heartbeats) are tolerated up to this many. */
  static final int MAX_IDLE_RECORDS = 64;

  static ServerFlight read(TlsConnection connection, ProtocolVersion offered) throws ScanFailure {
    HandshakeReader handshake = new HandshakeReader();
    ServerHello hello = null;
    CertificateMessage certificate = null;
    int messages = 0;
    int idleRecords = 0;
    while (true) {
      TlsRecord record;
      try {
        record = connection.readRecord();
      } catch (ScanFailure f) {
        // A hang-up with nothing sent is how servers of 2014 refused a version; one mid-record is just broken.
        throw hello == null && connection.bytesRead() == 0 ? f.beforeServerHello() : f;
      }
      switch (record.type()) {
        case ALERT -> {
          Alert alert = parseAlert(record.fragment());
          if (!alert.isFatal() && alert.description() != Alert.CLOSE_NOTIFY && ++idleRecords <= MAX_IDLE_RECORDS) {
            continue; // a warning such as unrecognized_name(112) before the ServerHello is how some servers greet
          }
          ScanFailure f = ScanFailure.alert(alert,
              hello == null ? "in answer to the " + offered + " ClientHello" : "during the server's handshake flight");
          throw hello == null ? f.beforeServerHello() : f;
        }
        case HANDSHAKE -> {
          if (record.fragment().isEmpty() && ++idleRecords > MAX_IDLE_RECORDS) {
            throw new ScanFailure(Failure.LIMIT, "more than " + MAX_IDLE_RECORDS + " empty handshake records");
          }
          handshake.feed(record.fragment());
          HandshakeMessage message;
          while ((message = nextMessage(handshake)) != null) {
            if (++messages > MAX_MESSAGES) {
              throw new ScanFailure(Failure.LIMIT,
                  "more than " + MAX_MESSAGES + " handshake messages without a ServerHelloDone");
            }
            if (hello == null) {
              hello = parseHello(message, offered);
              continue;
            }
            HandshakeType type = message.type();
            if (type == HandshakeType.CERTIFICATE && certificate == null) {
              certificate = parseCertificate(message.body());
            } else if (type == HandshakeType.SERVER_HELLO_DONE) {
              return new ServerFlight(hello, certificate, messages);
            }
          }
        }
        case HEARTBEAT -> {
          // A server may send its own heartbeat request at any time (RFC 6520 section 3); it is not an answer.
          if (++idleRecords > MAX_IDLE_RECORDS) {
            throw new ScanFailure(Failure.LIMIT,
                "more than " + MAX_IDLE_RECORDS + " heartbeat records during the handshake");
          }
        }
        default -> throw new ScanFailure(Failure.PROTOCOL, "unexpected " + record.type() + " record "
            + (hello == null ? "before the ServerHello" : "before ServerHelloDone"));
      }
      if (connection.bytesRead() > MAX_FLIGHT_BYTES) {
        throw new ScanFailure(Failure.LIMIT,
            "server flight longer than " + MAX_FLIGHT_BYTES + " bytes without a ServerHelloDone");
      }
    }
  }

  private static HandshakeMessage nextMessage(HandshakeReader handshake) throws ScanFailure {
    try {
      return handshake.next();
    } catch (HandshakeException e) {
      throw new ScanFailure(Failure.LIMIT, e.getMessage());
    }
  }

  private static ServerHello parseHello(HandshakeMessage message, ProtocolVersion offered) throws ScanFailure {
    if (message.type() != HandshakeType.SERVER_HELLO) {
      throw new ScanFailure(Failure.PROTOCOL,
          "expected a ServerHello (2) first, got handshake type " + message.typeCode()).beforeServerHello();
    }
    ServerHello hello;
    try {
      hello = ServerHello.parse(message.body());
    } catch (HandshakeException e) {
      throw new ScanFailure(Failure.PROTOCOL, "malformed ServerHello: " + e.getMessage());
    }
    // RFC 5246 section 7.4.1.3: server_version is the lower of the client's and the highest the server supports.
    if (!hello.version().isTlsUpTo12() || hello.version().compareTo(offered) > 0) {
      throw new ScanFailure(Failure.PROTOCOL,
          "ServerHello chose " + hello.version() + ", not a version up to the offered " + offered);
    }
    return hello;
  }

  private static CertificateMessage parseCertificate(Bytes body) throws ScanFailure {
    try {
      return CertificateMessage.parse(body);
    } catch (HandshakeException e) {
      throw new ScanFailure(Failure.PROTOCOL, "malformed Certificate message: " + e.getMessage());
    }
  }

  private static Alert parseAlert(Bytes fragment) throws ScanFailure {
    try {
      return Alert.parse(fragment);
    } catch (AlertException e) {
      throw new ScanFailure(Failure.PROTOCOL, "malformed alert: " + e.getMessage());
    }
  }
}
