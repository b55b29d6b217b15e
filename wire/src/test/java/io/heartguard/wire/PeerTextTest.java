package io.heartguard.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerTextTest {
  @Test
  void terminalControlsFromAPeerArePrintedAsEscapes() {
    // ESC ] 0 ; ... BEL retitles a window, ESC [ 2 J clears the screen, U+202E reverses what follows.
    assertThat(PeerText.printable("CN=evil\u001b]0;owned\u0007\u001b[2J\u202Egnp.exe\r\nfake"))
        .isEqualTo("CN=evil\\x1b]0;owned\\x07\\x1b[2J\\u202egnp.exe\\r\\nfake");
    assertThat(PeerText.printable("csi\u009b31m del\u007f")).isEqualTo("csi\\x9b31m del\\x7f");
  }

  @Test
  void ordinaryTextIsKeptAsItIs() {
    String text = "CN=example.com, O=Bücher GmbH, L=東京 \uD83D\uDD12";
    assertThat(PeerText.printable(text)).isSameAs(text);
  }

  @Test
  void aLongTextIsCutAndMarked() {
    assertThat(PeerText.printable("a".repeat(100_000), 80)).hasSize(81).endsWith("\u2026");
    assertThat(PeerText.printable(new byte[] {'2', '2', '0', ' ', 0x1b, (byte) 0xff}, 40)).isEqualTo("220 \\x1bÿ");
  }

  @Test
  void aLoneSurrogateIsEscaped() {
    assertThat(PeerText.printable("a\uD800b")).isEqualTo("a\\ud800b");
  }
}
