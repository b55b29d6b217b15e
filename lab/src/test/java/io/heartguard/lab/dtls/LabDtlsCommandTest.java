package io.heartguard.lab.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import io.heartguard.lab.LabCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code heartguard lab --dtls}: the failures that end it at once, with one line and exit code 2. */
class LabDtlsCommandTest {
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = new CommandLine(new LabCommand());
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void anUnknownDtlsVersionIsAOneLineError() {
    assertThat(run("--dtls", "--dtls-max-version", "1.1", "--listen", "127.0.0.1:0")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("lab: cannot start DTLS: --dtls-max-version is 1.0 or 1.2, got 1.1"
        + System.lineSeparator());
  }

  @Test
  void aTakenUdpPortIsAOneLineError() throws Exception {
    try (DatagramChannel taken = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();

      assertThat(run("--dtls", "--listen", "127.0.0.1:" + port)).isEqualTo(2);
      assertThat(err.toString()).startsWith("lab: cannot start DTLS on udp 127.0.0.1:" + port + ": ")
          .doesNotContain("\tat ");
    }
  }
}
