package io.heartguard.lab.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
  private final ReplayWindow window = new ReplayWindow();

  @Test
  void eachSequenceNumberIsAcceptedOnce() {
    assertThat(window.accept(5)).isTrue();
    assertThat(window.accept(5)).isFalse();
  }

  @Test
  void aLateRecordInsideTheWindowIsAcceptedOnce() {
    assertThat(window.accept(10)).isTrue();
    assertThat(window.accept(7)).isTrue();
    assertThat(window.accept(7)).isFalse();
    assertThat(window.accept(11)).isTrue();
    assertThat(window.accept(10)).isFalse();
  }

  @Test
  void aRecordLeftOfTheSixtyFourWideWindowIsDiscarded() {
    assertThat(window.accept(100)).isTrue();
    assertThat(window.accept(100 - 63)).isTrue();
    assertThat(window.accept(100 - 64)).isFalse();
  }

  @Test
  void aJumpBeyondTheWindowForgetsEverythingBefore() {
    assertThat(window.accept(1)).isTrue();
    assertThat(window.accept(1000)).isTrue();
    assertThat(window.accept(999)).isTrue();
    assertThat(window.accept(1000)).isFalse();
  }
}
