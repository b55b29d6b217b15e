package io.heartguard.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
  @Test
  void terminalEscapesFromAPeerAreShownAsDots() {
    // ESC [2J clears the screen, ESC ]0; sets the window title, BEL rings.
    assertThat(Printable.of("evil\u001b[2J\u001b]0;pwned\u0007.example")).isEqualTo("evil.[2J.]0;pwned..example");
  }

  @Test
  void deleteC1ControlsAndBidiOverridesAreNotPrintable() {
    assertThat(Printable.of("a\u007fb\u009b31mc\u202ed\r\ne\t")).isEqualTo("a.b.31mc.d..e.");
  }

  @Test
  void printableAsciiIsKeptAsItIs() {
    String ascii = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    assertThat(Printable.of(ascii)).isEqualTo(ascii);
  }

  @Test
  void longTextIsCutWithAMark() {
    assertThat(Printable.of("abcdef", 4)).isEqualTo("abcd...");
    assertThat(Printable.of("abcd", 4)).isEqualTo("abcd");
  }

  @Test
  void bytesAreReadOneCharacterPerByte() {
    assertThat(Printable.of(new byte[] {'O', 'K', (byte) 0x9b, (byte) 0xff, 0x1b}, 10)).isEqualTo("OK...");
  }

  @Test
  void nullStaysNull() {
    assertThat(Printable.of((String) null)).isNull();
  }
}
