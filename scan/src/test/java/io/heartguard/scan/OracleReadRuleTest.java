package io.heartguard.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.Bytes;
import io.heartguard.wire.record.ContentType;
import io.heartguard.wire.record.ProtocolVersion;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The oracle's one read rule, which TLS and DTLS both use: every outcome carries its failure kind, set where it was
 * decided, so no caller reads a reason's words.
 */
class OracleReadRuleTest {
  private final HeartbeatOracle oracle = new HeartbeatOracle(ProtocolVersion.TLS1_2, new SplittableRandom(7));

  {
    oracle.requests();
  }

  @Test
  void anAlertIsAnAlert() {
    HeartbeatOracle.ProbeOutcome outcome = oracle.answer(ContentType.ALERT, Bytes.of(new byte[] {2, 40}));

    assertThat(outcome.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(outcome.failure()).isEqualTo(Failure.ALERT);
  }

  @Test
  void applicationDataOrAChangeCipherSpecIsAProtocolFailure() {
    assertThat(oracle.answer(ContentType.APPLICATION_DATA, Bytes.of(new byte[] {1})).failure())
        .isEqualTo(Failure.PROTOCOL);
    assertThat(oracle.answer(ContentType.CHANGE_CIPHER_SPEC, Bytes.of(new byte[] {1})).failure())
        .isEqualTo(Failure.PROTOCOL);
  }

  @Test
  void aHeartbeatTooShortOrEchoingNeitherRequestIsAProtocolFailure() {
    assertThat(oracle.answer(ContentType.HEARTBEAT, Bytes.of(new byte[] {2})).failure()).isEqualTo(Failure.PROTOCOL);
    byte[] neither = new byte[3 + 32 + 16];
    neither[0] = 2; // heartbeat_response
    neither[2] = 32;
    assertThat(oracle.answer(ContentType.HEARTBEAT, Bytes.of(neither)).failure()).isEqualTo(Failure.PROTOCOL);
  }

  @Test
  void handshakeRecordsAreReadOnUntilTheSkipLimitThenALimitFailure() {
    for (int i = 0; i < HeartbeatOracle.MAX_SKIPPED_RECORDS; i++) {
      assertThat(oracle.answer(ContentType.HANDSHAKE, Bytes.of(new byte[] {0, 0, 0, 0}))).isNull();
    }
    HeartbeatOracle.ProbeOutcome outcome = oracle.answer(ContentType.HANDSHAKE, Bytes.of(new byte[] {0, 0, 0, 0}));

    assertThat(outcome.failure()).isEqualTo(Failure.LIMIT);
  }

  @Test
  void recordsTheCallerSkipsCountTowardTheSameLimit() {
    for (int i = 0; i < HeartbeatOracle.MAX_SKIPPED_RECORDS; i++) {
      assertThat(oracle.notAnAnswer()).isNull();
    }
    assertThat(oracle.notAnAnswer().failure()).isEqualTo(Failure.LIMIT);
  }

  @Test
  void anUnansweredProbeKeepsTheKindItWasGiven() {
    for (Failure kind : List.of(Failure.TIMEOUT, Failure.CLOSED, Failure.RESET, Failure.LIMIT)) {
      HeartbeatOracle.ProbeOutcome outcome = oracle.unanswered(kind, "connection refused, in words");

      assertThat(outcome.failure()).isEqualTo(kind);
      assertThat(outcome.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }
  }

  @Test
  void aVerdictCarriesNoFailureAndAnInconclusiveOneAlways() {
    assertThatThrownBy(() -> new HeartbeatOracle.ProbeOutcome(Verdict.VULNERABLE, "r", List.of(), 16, Failure.TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HeartbeatOracle.ProbeOutcome(Verdict.INCONCLUSIVE, "r", List.of(), 0, Failure.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void evidenceSeenBeforeTheOracleComesFirst() {
    HeartbeatOracle.ProbeOutcome outcome = oracle.unanswered(Failure.TIMEOUT, "silence").after(List.of("sent"));

    assertThat(outcome.evidence().getFirst()).isEqualTo("sent");
    assertThat(outcome.evidence().getLast()).isEqualTo("silence");
  }
}
