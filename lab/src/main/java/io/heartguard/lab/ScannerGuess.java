package io.heartguard.lab;

import io.heartguard.wire.handshake.ClientHello;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.record.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which scanner a Heartbleed attempt came from, guessed from the shape of its first heartbeat request and its
 * ClientHello. Each rule cites the tool's source; a shape no rule knows is {@link #UNKNOWN}. A guess, not proof:
 * anyone can copy a shape.
 */
public enum ScannerGuess {
  /**
   * heartguard scan (scan/docs/PROBE.md): 4608 bytes of marker and 16 of padding, payload_length claiming 16 more than
   * the record holds: record 4627, payload_length 4640. The only probe that sends padding.
   */
  HEARTGUARD_SCAN,
  /** nmap's ssl-heartbleed.nse: payload_length 0x4000 and the 19-byte payload "Nmap ssl-heartbleed": record 22. */
  NMAP,
  /**
   * Metasploit's auxiliary/scanner/ssl/openssl_heartbleed.rb: a bare 3-byte request with payload_length 65535
   * (HEARTBEAT_LENGTH) or 0x4000 (check), after a ClientHello whose only extension is heartbeat.
   */
  METASPLOIT,
  /**
   * masscan's proto-ssl.c: as soon as the ServerHello's header arrives, a warning alert of description 0x80 and a bare
   * 3-byte request with payload_length 0x4000, both in TLS 1.1 records.
   */
  MASSCAN,
  /**
   * testssl.sh's run_heartbleed: a bare 3-byte request {@code x18 03 0v 00 03 01 40 00} after tls_sockets'
   * ClientHello, which sends the encrypt_then_mac, extended_master_secret and padding extensions.
   */
  TESTSSL,
  /** sslscan's testHeartbleed: the same bare 3-byte 0x4000 request after a hand-built ClientHello without them. */
  SSLSCAN,
  /** None of the shapes above. */
  UNKNOWN;

  /** nmap's payload, from ssl-heartbleed.nse. */
  static final byte[] NMAP_PAYLOAD = "Nmap ssl-heartbleed".getBytes(StandardCharsets.US_ASCII);
  /** masscan's alert before its heartbeat: level warning (1), description 0x80 (not a defined alert). */
  static final int MASSCAN_ALERT_DESCRIPTION = 0x80;
  private static final int ENCRYPT_THEN_MAC = 22;
  private static final int EXTENDED_MASTER_SECRET = 23;
  private static final int PADDING = 21;

  /** "heartguard-scan", "nmap", …: how the log spells it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The guess for a connection whose ClientHello was {@code hello}, whose first heartbeat record (plaintext) was
   * {@code record} in a record of {@code recordVersion}, and which sent a warning alert of
   * {@code warningAlertDescription} before it (-1 when none).
   */
  static ScannerGuess of(ClientHello hello, byte[] record, ProtocolVersion recordVersion, int warningAlertDescription) {
    HeartbeatFrame frame = HeartbeatFrame.peek(record, 0, record.length);
    if (frame == null) {
      return UNKNOWN;
    }
    int claimed = frame.declaredPayloadLength();
    if (record.length > 4096 && claimed == record.length - HeartbeatFrame.HEADER_LENGTH + HeartbeatFrame.MIN_PADDING) {
      return HEARTGUARD_SCAN;
    }
    if (claimed == 0x4000 && record.length == HeartbeatFrame.HEADER_LENGTH + NMAP_PAYLOAD.length
        && Arrays.equals(record, HeartbeatFrame.HEADER_LENGTH, record.length, NMAP_PAYLOAD, 0, NMAP_PAYLOAD.length)) {
      return NMAP;
    }
    if (record.length != HeartbeatFrame.HEADER_LENGTH) {
      return UNKNOWN;
    }
    boolean onlyHeartbeatExtension = hello.extensions().size() == 1 && hello.offersHeartbeat();
    if (onlyHeartbeatExtension && (claimed == 0xffff || claimed == 0x4000)) {
      return METASPLOIT;
    }
    if (claimed != 0x4000) {
      return UNKNOWN;
    }
    if (warningAlertDescription == MASSCAN_ALERT_DESCRIPTION && recordVersion.equals(ProtocolVersion.TLS1_1)) {
      return MASSCAN;
    }
    boolean modernExtensions = hello.extension(ENCRYPT_THEN_MAC) != null
        || hello.extension(EXTENDED_MASTER_SECRET) != null || hello.extension(PADDING) != null;
    return modernExtensions ? TESTSSL : SSLSCAN;
  }
}
