package io.heartguard.scan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.targets.PortList;
import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.Shard;
import io.heartguard.targets.TargetSource;
import io.heartguard.targets.TargetSyntaxException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobTargetsTest {
  private static final InputStream NO_STDIN = InputStream.nullInputStream();

  private static List<String> walk(TargetSource source) throws Exception {
    List<String> order = new ArrayList<>();
    for (Optional<ScanTarget> t = source.next(); t.isPresent(); t = source.next()) {
      order.add(t.get().authority());
    }
    return order;
  }

  @Test
  void theEncodedTargetsAndTheSeedRebuildTheSameStream(@TempDir Path dir) throws Exception {
    Path list = Files.writeString(dir.resolve("hosts.txt"), "192.0.2.0/28 # lab\n198.51.100.1-9\n");
    JobTargets given = JobTargets.of(List.of("203.0.113.0/29", "-"), List.of(list), PortList.parse("443,8443"),
        List.of("192.0.2.5"), List.of(), new ByteArrayInputStream("10.0.0.1 10.0.0.2\n".getBytes(StandardCharsets.UTF_8)));

    JobTargets decoded = JobTargets.decode(given.encode());

    assertThat(decoded).isEqualTo(given);
    assertThat(decoded.targets()).containsExactly("203.0.113.0/29", "10.0.0.1", "10.0.0.2");
    // 8 + 2 + (16 - 1) + 9 addresses × 2 ports
    assertThat(walk(decoded.space(42).open())).hasSize(68).isEqualTo(walk(given.space(42).open()));
  }

  @Test
  void theProtocolRoundTripsAndAJobFromBeforeItHasNone() throws Exception {
    JobTargets dtls = JobTargets.of(List.of("203.0.113.7"), List.of(), PortList.DEFAULT, List.of(), List.of(), NO_STDIN)
        .withProtocol("dtls");

    assertThat(dtls.encode()).isEqualTo("heartguard.scan.targets/1\nports 443\nprotocol dtls\nspecial-purpose left-out\ntarget 203.0.113.7\n");
    assertThat(JobTargets.decode(dtls.encode())).isEqualTo(dtls);
    assertThat(JobTargets.decode("heartguard.scan.targets/1\nports 443\ntarget 203.0.113.7\n").protocol()).isNull();
  }

  @Test
  void aShardedJobKeepsItsShardAndAWholeOneWritesNoShardLine() throws Exception {
    JobTargets sharded = JobTargets.of(List.of("203.0.113.0/24"), List.of(), PortList.DEFAULT, List.of(), List.of(),
        new Shard(2, 4), NO_STDIN);
    JobTargets whole = JobTargets.of(List.of("203.0.113.0/24"), List.of(), PortList.DEFAULT, List.of(), List.of(), NO_STDIN);

    assertThat(sharded.encode()).isEqualTo("heartguard.scan.targets/1\nports 443\nshard 2/4\nspecial-purpose left-out\ntarget 203.0.113.0/24\n");
    assertThat(JobTargets.decode(sharded.encode())).isEqualTo(sharded);
    assertThat(whole.encode()).isEqualTo("heartguard.scan.targets/1\nports 443\nspecial-purpose left-out\ntarget 203.0.113.0/24\n");
    assertThat(JobTargets.decode(whole.encode()).shard()).isEqualTo(Shard.WHOLE);
    // Shard 2 of 4 walks positions 1, 5, 9, ...: 64 of the 256 targets (257 is prime, so no position is skipped).
    assertThat(walk(JobTargets.decode(sharded.encode()).space(7).open())).hasSize(64)
        .isEqualTo(walk(sharded.space(7).open()));
  }

  @Test
  void aListFileChangedSinceTheJobBeganIsRefused(@TempDir Path dir) throws Exception {
    Path list = Files.writeString(dir.resolve("hosts.txt"), "192.0.2.1\n");
    JobTargets given = JobTargets.of(List.of(), List.of(list), PortList.DEFAULT, List.of(), List.of(), NO_STDIN);
    Files.writeString(list, "192.0.2.2\n");

    assertThatThrownBy(() -> JobTargets.decode(given.encode()).space(1)).isInstanceOf(TargetSyntaxException.class)
        .hasMessageStartingWith("target list " + list + " has changed since the job began");
  }

  @Test
  void aSpecOfAnotherVersionIsRefused() {
    assertThatThrownBy(() -> JobTargets.decode("heartguard.scan.targets/9\nports 443\n"))
        .isInstanceOf(TargetSyntaxException.class)
        .hasMessage("the job's target list starts with 'heartguard.scan.targets/9', expected 'heartguard.scan.targets/1':"
            + " it was written by another version of heartguard");
  }

  @Test
  void stdinListsFollowTheFileFormat() throws Exception {
    List<String> tokens = JobTargets.tokens(new java.io.StringReader("# comment\n a  b # c d\n\nhttps://h/#top e\n"));

    assertThat(tokens).containsExactly("a", "b", "https://h/#top", "e");
  }
}
