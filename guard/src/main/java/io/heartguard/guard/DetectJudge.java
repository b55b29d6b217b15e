package io.heartguard.guard;

import io.heartguard.detect.Alert;
import io.heartguard.detect.ConnectionMonitor;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import io.heartguard.detect.HeartbleedRules.Rule;
import io.heartguard.wire.heartbeat.HeartbeatFrame;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.RecordHeader;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Judges one connection's records with the detection engine the sensor runs ({@link ConnectionMonitor} and its
 * {@code HeartbleedRules}): each record is handed to the monitor before it is forwarded, the alerts it raises
 * during that call are the findings on that record, and the policies turn findings into verdicts.
 *
 * <p>What is held for the monitor: the type and payload_length of every heartbeat (three bytes, enough for the
 * plaintext rules; an encrypted one is judged on its header's length), and, until the monitor knows the cipher,
 * whole handshake records from the server so it can read ServerHello. Nothing else is held.
 *
 * <p>The engine reports each rule once per direction on a connection, as an IDS should; a guard must also stop the
 * repeats. So once a heartbeat from one side is blocked, every later heartbeat from that side is given the same
 * verdict without being shown to the engine (a peer that sent one attack is not trusted with heartbeats again, and
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
  private final boolean[] restrictReported = new boolean[2];

  public DetectJudge(Set<Policy> policies, Action action, FlowInfo flow, AlertSink sink, Clock clock) {
    this.policies = Set.copyOf(policies);
    this.action = action;
    this.flow = flow;
    this.sink = sink;
    this.clock = clock;
    this.monitor = new ConnectionMonitor(flow, raised::add);
  }

  /** Which findings of the engine each policy blocks; the others are reported only. */
  static boolean blocks(Rule rule, Set<Policy> policies) {
    return switch (rule) {
      // Malformed requests, readable in plaintext or given away by an encrypted length no valid heartbeat has.
      // RFC 6520 section 4 has a compliant receiver discard them silently, so dropping them costs nothing.
      // So is a heartbeat too short for its own header, from which 1.0.1f reads payload_length in stale memory.
      case REQUEST_PAYLOAD_OVERFLOW, REQUEST_SHORT_PADDING, ENCRYPTED_REQUEST_TOO_SHORT, HEARTBEAT_TRUNCATED ->
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
    boolean serverHelloUnread = direction == Direction.TO_CLIENT && monitor.cipherSuite() < 0
        && !monitor.changeCipherSpecSeen(Direction.TO_CLIENT);
    return type == ContentType.HANDSHAKE.code() && serverHelloUnread ? header.length() : 0;
  }

  @Override
  public Verdict judge(Direction direction, RecordHeader header, byte[] heldFragment) {
    boolean heartbeat = header.contentType() == ContentType.HEARTBEAT.code();
    int d = direction.ordinal();
    if (heartbeat && quarantined[d]) {
      return action.verdict();
    }
    raised.clear();
    monitor.onRecord(direction, header, heldFragment, 0, heldFragment.length, nanos(clock.instant()));
    Verdict verdict = Verdict.FORWARD;
    for (Alert alert : raised) {
      Verdict v = blocks(alert.rule(), policies) && !policies.contains(Policy.MONITOR) ? action.verdict()
          : Verdict.FORWARD;
      sink.onAlert(new GuardAlert.Detection(alert, v));
      verdict = stronger(verdict, v);
    }
    if (heartbeat && verdict == Verdict.FORWARD && policies.contains(Policy.RESTRICT)) {
      verdict = action.verdict();
      if (!restrictReported[d]) {
        restrictReported[d] = true;
        sink.onAlert(new GuardAlert.PolicyHit(GuardRule.HEARTBEAT_RESTRICTED, direction, flow,
            nanos(clock.instant()), header.length(), "heartbeat record of " + header.length() + " bytes from the "
                + direction.sender() + " restricted by policy (later ones on this connection are not reported)",
            verdict));
      }
    }
    if (heartbeat && verdict != Verdict.FORWARD) {
      quarantined[d] = true;
    }
    return verdict;
  }

  @Override
  public Verdict framingLost(Direction direction, byte[] header) {
    Verdict verdict = policies.contains(Policy.MONITOR) ? Verdict.FORWARD : Verdict.RESET;
    sink.onAlert(new GuardAlert.PolicyHit(GuardRule.FRAMING_LOST, direction, flow, nanos(clock.instant()),
        Alert.UNKNOWN, "bytes " + HexFormat.of().formatHex(header) + " from the " + direction.sender()
            + " do not start a TLS record (expected version 0x03xx); "
            + (verdict == Verdict.RESET ? "reset, failing closed" : "passing the rest through uninspected"),
        verdict));
    return verdict;
  }

  /** The engine's view of the connection, for tests and summaries. */
  public ConnectionMonitor monitor() {
    return monitor;
  }

  private static Verdict stronger(Verdict a, Verdict b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
