package io.heartguard.wire;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.wire.alert.AlertException;
import io.heartguard.wire.record.RecordException;
import org.junit.jupiter.api.Test;

/** The checker the properties rely on must itself be able to fail. */
class ParserContractTest {
  static volatile byte[] sink;

  @Test
  void allocationProportionalToAClaimedLengthBreaksTheContract() {
    assertThatThrownBy(() -> ParserContract.holds(RecordException.class, 4, () -> sink = new byte[1 << 20]))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("bytes allocated parsing 4 input bytes");
  }

  @Test
  void runtimeExceptionEscapingBreaksTheContract() {
    assertThatThrownBy(() -> ParserContract.holds(RecordException.class, 4, () -> {
      throw new ArrayIndexOutOfBoundsException(5);
    })).isInstanceOf(ArrayIndexOutOfBoundsException.class);
  }

  @Test
  void anotherParsersExceptionBreaksTheContract() {
    assertThatThrownBy(() -> ParserContract.holds(RecordException.class, 4, () -> {
      throw new AlertException("alert has 1 trailing bytes");
    })).isInstanceOf(AssertionError.class);
  }

  @Test
  void ownExceptionWithAMessageKeepsIt() {
    assertThatCode(() -> ParserContract.holds(RecordException.class, 4, () -> {
      throw new RecordException("record header needs 5 bytes but only 4 remain");
    })).doesNotThrowAnyException();
  }
}
