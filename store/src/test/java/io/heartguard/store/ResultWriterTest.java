package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.scan.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResultWriterTest {
  /** Long enough that the background commit never fires during a test that counts commits. */
  private static final Duration NEVER = Duration.ofHours(1);
  private static final SharedStores stores = new SharedStores();

  @AfterAll
  static void closeStores() throws Exception {
    stores.close();
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void everyFieldSurvivesTheRoundTripIncludingNullsAndMarkup(Database.Engine engine) throws Exception {
    List<StoredResult> written = new ArrayList<>();
    written.add(Results.vulnerable("round-trip", 0, "a.example"));
    written.add(Results.unresolved("round-trip", 1, "gone.example"));
    written.add(new StoredResult("round-trip", 2, "[2001:db8::1]:8443", "2001:db8::1", 8443, "2001:db8::1", "smtp",
        "TLSv1.0", "TLS_RSA_WITH_RC4_128_SHA", "peer_not_allowed_to_send", Verdict.NOT_VULNERABLE,
        "answered the control heartbeat, \"ignored\" the <malformed> one; caf\u00e9 \u2713 \ud83d\udd12", 0,
        Results.NEW_CERTIFICATE, 1_234, Instant.parse("1999-12-31T23:59:59.999Z")));
    ResultStore store = stores.store(engine);
    ResumePoint start = store.createJob("round-trip", "a.example gone.example [2001:db8::1]:8443", 99);
    try (ResultWriter writer = store.writer(start)) {
      for (StoredResult r : written.reversed()) { // completion order differs from stream order
        writer.write(r);
      }
    }
    assertThat(store.results("round-trip")).containsExactlyElementsOf(written);
    Job job = store.requireJob("round-trip");
    assertThat(job.targetSpec()).isEqualTo("a.example gone.example [2001:db8::1]:8443");
    assertThat(job.seed()).isEqualTo(99);
    assertThat(job.highWater()).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void writesCommitOncePerBatchAndOnceMoreOnClose(Database.Engine engine) throws Exception {
    Random random = new Random(20260301);
    ResultStore store = stores.store(engine);
    ResultWriter writer = store.writer(store.createJob("batched", "1050 targets", 1), 100, NEVER);
    for (int i = 0; i < 1_050; i++) {
      writer.write(Results.random("batched", i, random));
    }
    assertThat(writer.commits()).isEqualTo(10);
    assertThat(writer.committed()).isEqualTo(1_000);
    assertThat(store.resume("batched").highWater()).as("the 50 buffered results are not committed yet").isEqualTo(1_000);
    writer.close();
    assertThat(writer.commits()).isEqualTo(11);
    assertThat(store.resume("batched").highWater()).isEqualTo(1_050);
    assertThat(store.results("batched")).hasSize(1_050);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aQuietWriterCommitsWithinTheInterval(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    try (ResultWriter writer = store.writer(store.createJob("slow-targets", "one slow target", 1), 1_000, Duration.ofMillis(20))) {
      writer.write(Results.vulnerable("slow-targets", 0, "slow.example"));
      // Polls the database the way a report would, until the background commit lands or 10 s pass.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (store.resume("slow-targets").highWater() == 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
      assertThat(store.resume("slow-targets").highWater()).isEqualTo(1);
      assertThat(writer.commits()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aTargetCheckedAgainReplacesItsRow(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    try (ResultWriter writer = store.writer(store.createJob("again", "a.example", 1))) {
      writer.write(Results.unresolved("again", 0, "a.example"));
    }
    StoredResult second = Results.vulnerable("again", 0, "a.example");
    try (ResultWriter writer = store.writer(store.resume("again"))) {
      writer.write(second);
    }
    assertThat(store.results("again")).containsExactly(second);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aWriterRefusesAResultOfAnotherJob(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    try (ResultWriter writer = store.writer(store.createJob("mine", "x", 1))) {
      assertThatThrownBy(() -> writer.write(Results.vulnerable("theirs", 0, "a.example")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("this writer stores job mine, got a result of job theirs");
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aFailedCommitIsReportedOnTheNextCallAndNothingIsStored(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    // A job row that is not there (deleted under the writer): the foreign key refuses its results.
    Job vanished = new Job("vanished", "x", 1, Job.UNKNOWN_COUNT, 0, Instant.EPOCH, Instant.EPOCH, null);
    ResultWriter writer = store.writer(new ResumePoint(vanished, 0, new TreeSet<>()), 1, NEVER);
    assertThatThrownBy(() -> writer.write(Results.vulnerable("vanished", 0, "a.example")))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("cannot write results of job vanished to database " + store.name() + ": ");
    assertThatThrownBy(() -> writer.write(Results.vulnerable("vanished", 1, "b.example")))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(writer::close).isInstanceOf(StoreException.class);
    assertThat(store.results("vanished")).isEmpty();
  }
}
