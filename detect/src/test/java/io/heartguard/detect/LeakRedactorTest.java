package io.heartguard.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LeakRedactorTest {
  @Test
  void passwordsCookiesAndKeyMaterialAreMaskedInBothColumns() {
    String leaked = "user=alice&password=hunter2\r\nCookie: sid=abc\r\nhello";
    String dump = LeakRedactor.maskedHexDump(leaked.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(dump).doesNotContain("hunter2").doesNotContain("sid=abc")
        .doesNotContain("68 75 6e 74 65 72 32"); // "hunter2" in hex
    assertThat(dump).contains("|user=alice&passw|").contains("|llo|");
  }

  @Test
  void longOpaqueRunsLookLikeKeysAndAreMasked() {
    String leaked = "x AKIAIOSFODNN7EXAMPLEKEYMATERIAL y";
    String dump = LeakRedactor.maskedHexDump(leaked.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(dump).doesNotContain("AKIA").contains("|x ***");
  }
}
