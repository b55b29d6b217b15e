package io.heartguard.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
  private final ServeCommand.ListenConverter listen = new ServeCommand.ListenConverter();

  @Test
  void listenTakesAddressAndPortWithBracketsForIpv6() {
    assertThat(listen.convert("127.0.0.1:8080")).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(listen.convert("[::1]:0")).isEqualTo(new InetSocketAddress("::1", 0));
    assertThat(listen.convert(":9000").getAddress().isLoopbackAddress()).isTrue();
    assertThatThrownBy(() -> listen.convert("8080")).hasMessage("bad listen address \"8080\": no port; expected HOST:PORT, [IPv6]:PORT or :PORT");
    assertThatThrownBy(() -> listen.convert("127.0.0.1:70000")).hasMessage("bad port 70000 in \"127.0.0.1:70000\": ports are 1..65535");
  }

  @Test
  void aBadAllowRangeIsAOneLineUsageErrorBeforeAnythingStarts() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ServeCommand()).setErr(new PrintWriter(err));
    int code = cli.execute("--listen", "127.0.0.1:0", "--db", "unused.db", "--allow", "intranet");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("'intranet' is not an address range; expected CIDR like 127.0.0.0/8 or ::1/128");
    assertThat(new java.io.File("unused.db")).doesNotExist();
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ServeOptions d = ServeOptions.defaults();
    assertThat(d.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(d.database()).isEqualTo("heartguard-serve.db");
    assertThat(d.allowed()).isEmpty();
    assertThat(d.cacheFor()).hasMinutes(10);
  }
}
