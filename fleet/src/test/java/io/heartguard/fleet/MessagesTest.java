package io.heartguard.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.scan.ScanOptions;
import io.heartguard.scan.starttls.StartTlsMode;
import io.heartguard.store.StoredCertificate;
import io.heartguard.store.StoredResult;
import io.heartguard.scan.Verdict;
import io.heartguard.wire.record.ProtocolVersion;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The block and result messages round-trip, a record that is not one is a one-line error, and the rate is shared. */
class MessagesTest {
  @Test
  void aBlockReadsBackAsWrittenWithItsCheckSettings() throws Exception {
    ScanOptions options = ScanOptions.defaults().withTimeout(Duration.ofSeconds(2))
        .withVersions(List.of(ProtocolVersion.TLS1_1)).withStartTls(StartTlsMode.parse("smtp"));
    CheckSettings settings = CheckSettings.of(options, "smtp", 2, 150.0);
    Block block = new Block("job-1", 7, settings, List.of(
        new Block.Entry(41, "10.0.0.0/8", "10.1.2.3", InetAddress.getByName("10.1.2.3"), 25),
        new Block.Entry(Block.UNNUMBERED, "mail.example", "mail.example", InetAddress.getByName("::1"), 587),
        new Block.Entry(Block.UNNUMBERED, "gone.example", "gone.example", null, 25)));

    Block read = Block.parse(block.toJson());

    assertThat(read).isEqualTo(block);
    assertThat(read.key()).isEqualTo("job-1/7");
    assertThat(read.settings().options().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(read.settings().options().versions()).containsExactly(ProtocolVersion.TLS1_1);
    assertThat(read.settings().options().starttls()).isEqualTo(StartTlsMode.parse("smtp"));
    assertThat(read.entries().get(1).resultKey()).isEqualTo("mail.example 0:0:0:0:0:0:0:1 587");
    assertThat(read.entries().get(0).resultKey()).isEqualTo("#41");
  }

  @Test
  void aResultReadsBackAsWrittenWithTheKeyOfItsTarget() throws Exception {
    StoredResult result = new StoredResult("job-1", 41, "10.0.0.0/8", "10.1.2.3", 443, "10.1.2.3", "tls", "TLSv1.2",
        "TLS_RSA_WITH_AES_128_CBC_SHA", "peer_allowed_to_send", Verdict.VULNERABLE, "leaked 16 bytes", 16,
        new StoredCertificate("CN=a", "CN=b", Instant.ofEpochMilli(1000), Instant.ofEpochMilli(2000), true), 12,
        Instant.ofEpochMilli(1_700_000_000_000L));

    ResultMessage read = ResultMessage.parse(new ResultMessage(result).toJson());

    assertThat(read.result()).isEqualTo(result);
    assertThat(read.recordKey()).isEqualTo("job-1/#41");
  }

  @Test
  void aRecordThatIsNotABlockIsAOneLineError() {
    assertThatThrownBy(() -> Block.parse("{\"job\":\"j\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class).hasMessage("not a heartguard message: no \"targets\" field");
    assertThatThrownBy(() -> ResultMessage.parse("[1,2".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void theGroupsSharesOfTheRateAddUpToTheJobsRate() {
    assertThat(Worker.shareOfRate(1200, 4, 12) * 3).isEqualTo(1200);
    assertThat(Worker.shareOfRate(1200, 5, 12) + Worker.shareOfRate(1200, 7, 12)).isEqualTo(1200);
    assertThat(Worker.shareOfRate(1200, 12, 12)).isEqualTo(1200);
    assertThat(Worker.shareOfRate(1200, 0, 12)).as("a worker holds at least its block's partition").isEqualTo(100);
  }
}
