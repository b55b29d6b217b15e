package io.heartguard.guard;

import io.heartguard.detect.Alert;
import io.heartguard.detect.AlertRule;
import io.heartguard.detect.AlertSink;
import io.heartguard.detect.ConnectionMonitor;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import io.heartguard.detect.HeartbleedRules.Rule;
import io.heartguard.detect.RecordAction;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.RecordHeader;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Judges one connection's records with the detection engine the sensor runs ({@link ConnectionMonitor} and its
 * {@code HeartbleedRules}): each record is handed to the monitor before it is forwarded, the alerts it raises
 * during that call are the findings on that record, and the policies turn findings into record actions.
 *
 * <p>What is held for the monitor: the type and payload_length of every heartbeat (three bytes, enough for the
 * plaintext rules; an encrypted one is judged on its header's length), the one byte of a ChangeCipherSpec, and,
 * until the monitor knows the cipher, whole handshake records from the server so it can read ServerHello. Nothing
 * else is held.
 *
 * <p>The engine sees the records OpenSSL acts on, no others: an empty record (skipped by ssl3_get_record) or a
 * ChangeCipherSpec other than the single byte 0x01 (fatal in ssl3_read_bytes) changes nothing, so an attacker
 * cannot turn a direction "encrypted" in the engine's eyes while the server still reads plaintext. Under every
 * policy but monitor the guard also blocks every heartbeat before the handshake is complete (RFC 6520 section 3),
 * a rule of its own, and the engine's heartbeat records too short for their own header.
 *
 * <p>The engine reports each rule once per direction on a connection, as an IDS should; a guard must also stop the
 * repeats. So once a heartbeat from one side is blocked, every later heartbeat from that side is given the same
 * action without being shown to the engine (a peer that sent one attack is not trusted with heartbeats again, and
 * the rest of a blocked 64 KiB response, which comes as several records, goes with it).
 */
public final class DetectJudge implements RecordJudge {
  private final Set<Policy> policies;
  private final Action action;
  private final FlowInfo flow;
  private final AlertSink sink;
  private final Clock clock;
  private final ConnectionMonitor monitor;
  private final List<Alert> raised = new ArrayList<>(2);
  private final boolean[] quarantined = new boolean[2];
  private final boolean[] changeCipherSpecSeen = new boolean[2];
  private final boolean[] finishedSeen = new boolean[2];
  /** Guard rules already reported per direction: each is reported once per direction and connection. */
  private final List<Set<GuardRule>> reported = List.of(EnumSet.noneOf(GuardRule.class),
      EnumSet.noneOf(GuardRule.class));

  public DetectJudge(Set<Policy> policies, Action action, FlowInfo flow, AlertSink sink, Clock clock) {
    this.policies = Set.copyOf(policies);
    this.action = action;
    this.flow = flow;
    this.sink = sink;
    this.clock = clock;
    this.monitor = new ConnectionMonitor(flow, raised::add);
  }

  /** Which findings of the engine each blocking policy blocks; the others are reported only. */
  static boolean blocks(AlertRule finding, Set<Policy> policies) {
    if (!(finding instanceof Rule rule) || policies.contains(Policy.MONITOR)) {
      return false;
    }
    return switch (rule) {
      // A heartbeat too short for its own header, from which 1.0.1f reads payload_length in stale memory
      // (tls1_process_heartbeat): no peer sends one honestly, so every blocking policy blocks it.
      case HEARTBEAT_TRUNCATED -> true;
      // Malformed requests, readable in plaintext or given away by an encrypted length no valid heartbeat has.
      // RFC 6520 section 4 has a compliant receiver discard them silently, so dropping them costs nothing.
      case REQUEST_PAYLOAD_OVERFLOW, REQUEST_SHORT_PADDING, ENCRYPTED_REQUEST_TOO_SHORT ->
          policies.contains(Policy.BLOCK_MALFORMED);
      // Answers a fixed peer would not give, and answers past the exact bound of their own request: the leak itself,
      // plaintext or encrypted. Exact pairing is lost past the pending queue, so its overflow fails closed too, and
      // so does a full-record encrypted answer, which looks like the first record of a longer one.
      case RESPONSE_LEAK, ENCRYPTED_RESPONSE_LEAK, SHORT_PADDING_ANSWERED, TRUNCATED_ANSWERED,
          SHORT_ENCRYPTED_REQUEST_ANSWERED, UNREQUESTED_RESPONSE_LEAK, PENDING_OVERFLOW, FULL_RECORD_RESPONSE ->
          policies.contains(Policy.BLOCK_MALFORMED) || policies.contains(Policy.BLOCK_LEAK);
      // Signs of scanning, not of harm: reported, never blocked. A ChangeCipherSpec OpenSSL does not apply changes
      // nothing upstream either (it is discarded, or fails the handshake there).
      case ENCRYPTED_BEFORE_APPLICATION_DATA, MANY_UNANSWERED, CHANGE_CIPHER_SPEC_NOT_APPLIED -> false;
    };
  }

  @Override
  public int bytesToHold(Direction direction, RecordHeader header) {
    int type = header.contentType();
    if (type == ContentType.HEARTBEAT.code()) {
      return Math.min(HeartbeatFrame.HEADER_LENGTH, header.length());
    }
    if (type == ContentType.CHANGE_CIPHER_SPEC.code()) {
      return Math.min(1, header.length()); // its one byte decides whether OpenSSL switches keys
    }
    boolean serverHelloUnread = direction == Direction.TO_CLIENT && monitor.cipherSuite() < 0
        && !monitor.changeCipherSpecSeen(Direction.TO_CLIENT);
    return type == ContentType.HANDSHAKE.code() && serverHelloUnread ? header.length() : 0;
  }

  @Override
  public RecordAction judge(Direction direction, RecordHeader header, byte[] heldFragment) {
    int type = header.contentType();
    boolean heartbeat = type == ContentType.HEARTBEAT.code();
    int d = direction.ordinal();
    if (heartbeat && quarantined[d]) {
      return action.recordAction();
    }
    if (!heartbeat && discardedByOpenSsl(type, header, heldFragment)) {
      return RecordAction.FORWARD; // the receiver skips it or dies on it: it changes no state
    }
    if (type == ContentType.CHANGE_CIPHER_SPEC.code()) {
      changeCipherSpecSeen[d] = true;
    } else if (type == ContentType.HANDSHAKE.code() && changeCipherSpecSeen[d]) {
      finishedSeen[d] = true; // the first handshake record after ChangeCipherSpec carries Finished
    }
    raised.clear();
    if (header.length() > 0) {
      monitor.onRecord(direction, header, heldFragment, 0, heldFragment.length, nanos(clock.instant()));
    }
    GuardRule guardRule = heartbeat ? heartbeatRule() : null;
    boolean block = blocking() && guardRule != null;
    for (int i = 0; i < raised.size() && !block; i++) {
      block = blocks(raised.get(i).rule(), policies);
    }
    RecordAction taken = block ? action.recordAction() : RecordAction.FORWARD;
    // Each finding is reported with what happened to its record; a record the guard blocks on a rule of its own
    // carries the engine's findings, if any, and the guard's rule only when the engine had none.
    for (int i = 0; i < raised.size(); i++) {
      Alert finding = raised.get(i);
      boolean blockedHere = guardRule != null || blocks(finding.rule(), policies);
      sink.onAlert(finding.withoutLeakedBytes().withRecordAction(blockedHere ? taken : RecordAction.FORWARD));
    }
    if (guardRule != null && raised.isEmpty() && reported.get(d).add(guardRule)) {
      sink.onAlert(Alert.event(guardRule, direction, flow, nanos(clock.instant()), header.length(),
          heartbeatReason(guardRule, direction, header) + " (later ones on this connection are not reported)",
          taken));
    }
    if (heartbeat && taken != RecordAction.FORWARD) {
      quarantined[d] = true;
    }
    return taken;
  }

  /**
   * The guard's own rules for a heartbeat, in order: the restrict policy; RFC 6520 section 3, "a HeartbeatRequest
   * message SHOULD NOT be sent during handshakes", and 1.0.1f answers one anyway. Null when neither applies: a record
   * too short for a heartbeat's header is then the engine's to judge, and an empty one is skipped unread by
   * ssl3_get_record like any empty record.
   */
  private GuardRule heartbeatRule() {
    if (policies.contains(Policy.RESTRICT)) {
      return GuardRule.HEARTBEAT_RESTRICTED;
    }
    return handshakeComplete() ? null : GuardRule.HEARTBEAT_DURING_HANDSHAKE;
  }

  private static String heartbeatReason(GuardRule rule, Direction direction, RecordHeader header) {
    String record = "heartbeat record of " + header.length() + " bytes from the " + direction.sender();
    return switch (rule) {
      case HEARTBEAT_RESTRICTED -> record + " restricted by policy";
      case HEARTBEAT_DURING_HANDSHAKE -> record + " before both sides sent ChangeCipherSpec and Finished"
          + " (RFC 6520 section 3)";
      default -> throw new IllegalArgumentException(rule + " is not a heartbeat rule");
    };
  }

  /**
   * Records 1.0.1f reads without a change of state: an empty record, skipped by ssl3_get_record ({@code if
   * (rr->length == 0) goto again}), and a ChangeCipherSpec that is not exactly the one byte 0x01, which
   * ssl3_read_bytes answers with a fatal illegal_parameter alert. Neither may turn a direction "encrypted".
   */
  private static boolean discardedByOpenSsl(int type, RecordHeader header, byte[] heldFragment) {
    if (header.length() == 0) {
      return true;
    }
    return type == ContentType.CHANGE_CIPHER_SPEC.code() && (header.length() != 1 || heldFragment[0] != 1);
  }

  /** Both directions have sent ChangeCipherSpec and then Finished: the handshake is over. */
  boolean handshakeComplete() {
    return finishedSeen[0] && finishedSeen[1];
  }

  private boolean blocking() {
    return !policies.contains(Policy.MONITOR);
  }

  @Override
  public RecordAction framingLost(Direction direction, byte[] header) {
    RecordAction taken = blocking() ? RecordAction.RESET : RecordAction.FORWARD;
    sink.onAlert(Alert.event(GuardRule.FRAMING_LOST, direction, flow, nanos(clock.instant()), Alert.UNKNOWN,
        "bytes " + HexFormat.of().formatHex(header) + " from the " + direction.sender()
            + " do not start a TLS record (expected version 0x03xx, length up to 2^14 + 2048); "
            + (taken == RecordAction.RESET ? "reset, failing closed" : "passing the rest through uninspected"),
        taken));
    return taken;
  }

  @Override
  public RecordAction notTls(Direction direction, String reason) {
    RecordAction taken = blocking() ? RecordAction.RESET : RecordAction.FORWARD;
    sink.onAlert(Alert.event(GuardRule.NOT_TLS, direction, flow, nanos(clock.instant()), Alert.UNKNOWN,
        "first bytes from the " + direction.sender() + " are not TLS as OpenSSL reads it: " + reason + "; "
            + (taken == RecordAction.RESET ? "reset, failing closed" : "passing the rest through uninspected"),
        taken));
    return taken;
  }

  /** The engine's view of the connection, for tests and summaries. */
  public ConnectionMonitor monitor() {
    return monitor;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
