package io.heartguard.sensor.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which copy of overlapping TCP bytes each receiver keeps, segment against segment. */
class OsPolicyTest {
  @ParameterizedTest(name = "new [{0},{1}) over old [{2},{3}): {4}")
  @CsvSource({
      // tcp_data_queue_ofo: "All the bits are present. Drop." The old segment holds all of the new one.
      "10, 20, 10, 20, false",
      "12, 18, 10, 20, false",
      "10, 15, 10, 20, false",
      // Same start, the new one longer: rb_replace_node, the new one replaces the old.
      "10, 30, 10, 20, true",
      // The new one holds all of a later-starting old one: merge_right drops the old one.
      "5, 25, 10, 20, true",
      // Partial overlaps: both kept, the earlier start is read first.
      "5, 15, 10, 20, true",
      "15, 25, 10, 20, false"})
  void linuxKeepsWhatTcpDataQueueOfoKeeps(int newStart, int newEnd, int oldStart, int oldEnd, boolean newWins) {
    assertThat(OsPolicy.LINUX.newWins(newStart, newEnd, oldStart, oldEnd)).isEqualTo(newWins);
  }

  @Test
  void linuxComparesSequenceNumbersModulo2To32() {
    // RFC 9293 section 3.4: a segment just past the wrap is after one just before it.
    assertThat(OsPolicy.LINUX.newWins(-10, 30, -10, 20)).isTrue();
    assertThat(OsPolicy.LINUX.newWins(Integer.MAX_VALUE - 5, Integer.MIN_VALUE + 5, Integer.MAX_VALUE - 5,
        Integer.MIN_VALUE + 10)).isFalse();
  }

  @Test
  void bsdLetsOnlyAnEarlierStartWin() {
    assertThat(OsPolicy.BSD.newWins(5, 15, 10, 20)).isTrue();
    assertThat(OsPolicy.BSD.newWins(10, 30, 10, 20)).isFalse();
  }

  @Test
  void firstWindowsAndLastAreWhatTheirNamesSay() {
    assertThat(OsPolicy.FIRST.newWins(5, 25, 10, 20)).isFalse();
    assertThat(OsPolicy.WINDOWS.newWins(5, 25, 10, 20)).isFalse();
    assertThat(OsPolicy.LAST.newWins(12, 18, 10, 20)).isTrue();
  }

  @Test
  void onlyLinuxTakesResetsAtExactlyTheNextSequenceNumber() {
    assertThat(OsPolicy.LINUX.exactResetOnly()).isTrue();
    assertThat(OsPolicy.BSD.exactResetOnly()).isFalse();
  }

  @Test
  void anUnknownPolicyNamesTheKnownOnes() {
    assertThat(OsPolicy.parse(" Linux ")).isEqualTo(OsPolicy.LINUX);
    assertThatThrownBy(() -> OsPolicy.parse("solaris"))
        .hasMessage("--os-policy solaris is not one of linux, bsd, windows, first, last");
  }
}
