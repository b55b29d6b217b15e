package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.heartguard.scan.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResumeTest {
  private static final Duration NEVER = Duration.ofHours(1);
  private static final SharedStores stores = new SharedStores();

  @AfterAll
  static void closeStores() throws Exception {
    stores.close();
  }

  /** The scanner's side as docs/STORE.md describes it: the target space in a seeded shuffle, numbered in order. */
  private static List<String> targetStream(long seed, int size) {
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      hosts.add("10.0." + (i / 256) + "." + (i % 256));
    }
    Collections.shuffle(hosts, new Random(seed));
    return hosts;
  }

  private static StoredResult checked(String job, long sequence, String host) {
    return new StoredResult(job, sequence, host + ":443", host, 443, host, "tls", "TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA",
        null, Verdict.NOT_VULNERABLE, "no heartbeat extension negotiated", 0, null, 5, Results.CHECKED_AT);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aResumedJobChecksExactlyTheTargetsWithoutAStoredResult(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    long seed = 0x5eedL;
    List<String> stream = targetStream(seed, 300);
    Random completion = new Random(7);

    // First run: takes 180 targets, 16 at a time, and they finish in a shuffled order; it is killed while the
    // last 10 of them are still in flight, with the results since the last batch not yet committed.
    ResultWriter first = store.writer(store.createJob("interrupted", "10.0.0.0/23 first 300, port 443", seed), 25, NEVER);
    List<Long> finished = new ArrayList<>();
    for (long from = 0; from < 180; from += 16) {
      List<Long> window = new ArrayList<>();
      for (long s = from; s < Math.min(180, from + 16); s++) {
        window.add(s);
      }
      Collections.shuffle(window, completion);
      finished.addAll(window);
    }
    List<Long> completed = finished.subList(0, 170);
    for (long s : completed) {
      first.write(checked("interrupted", s, stream.get((int) s)));
    }
    long committedFirst = first.committed();
    first.abandon();
    assertThat(committedFirst).isEqualTo(150); // six batches of 25; 20 results died with the process

    // Second run: regenerates the stream from the stored spec and seed, skips what is done, checks the rest.
    ResumePoint point = store.resume("interrupted");
    assertThat(point.job().seed()).isEqualTo(seed);
    assertThat(point.doneCount()).isEqualTo(committedFirst);
    List<String> again = targetStream(point.job().seed(), 300);
    Set<Long> checkedSecond = new HashSet<>();
    try (ResultWriter second = store.writer(point, 25, NEVER)) {
      for (long s = point.highWater(); s < again.size(); s++) {
        if (!point.isDone(s)) {
          checkedSecond.add(s);
          second.write(checked("interrupted", s, again.get((int) s)));
        }
      }
    }
    store.finish("interrupted", again.size());

    Set<Long> committedInFirst = new HashSet<>(completed.subList(0, (int) committedFirst));
    assertThat(checkedSecond).hasSize(300 - (int) committedFirst).doesNotContainAnyElementsOf(committedInFirst);
    List<StoredResult> stored = store.results("interrupted");
    assertThat(stored).hasSize(300);
    for (StoredResult r : stored) {
      assertThat(r.host()).as("row %d holds the target at that position", r.sequence()).isEqualTo(stream.get((int) r.sequence()));
    }
    Job job = store.requireJob("interrupted");
    assertThat(job.highWater()).isEqualTo(300);
    assertThat(job.finished()).isTrue();
    assertThat(job.targetCount()).isEqualTo(300);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void theMarkStopsAtTheFirstTargetWithoutAResult(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    try (ResultWriter writer = store.writer(store.createJob("gappy", "x", 1))) {
      for (long s : new long[] {5, 0, 9, 2, 1, 4}) {
        writer.write(Results.vulnerable("gappy", s, "h" + s + ".example"));
      }
    }
    ResumePoint point = store.resume("gappy");
    assertThat(point.highWater()).isEqualTo(3);
    assertThat(point.doneBeyond()).containsExactly(4L, 5L, 9L);
    assertThat(point.doneCount()).isEqualTo(6);
    assertThat(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 9L, 10L).stream().filter(point::isDone).toList())
        .containsExactly(0L, 1L, 2L, 4L, 5L, 9L);

    // Filling the gap at 3 carries the mark over 4 and 5 to the next gap, 6.
    try (ResultWriter writer = store.writer(point)) {
      writer.write(Results.vulnerable("gappy", 3, "h3.example"));
      writer.flush();
      assertThat(writer.highWater()).isEqualTo(6);
    }
    assertThat(store.resume("gappy").highWater()).isEqualTo(6);
    assertThat(store.resume("gappy").doneBeyond()).containsExactly(9L);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void unnumberedTargetsGetTheirOwnKeysAndLeaveTheMarkAlone(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    // A host name's addresses come from DNS, which may answer differently on resume: they are not numbered.
    try (ResultWriter writer = store.writer(store.createJob("names", "www.example 10.0.0.0/30", 1))) {
      writer.write(new StoredResult("names", StoredResult.UNNUMBERED, "www.example", "www.example", 443, "192.0.2.10",
          "tls", null, null, null, Verdict.INCONCLUSIVE, "timed out", 0, null, 5_000, Results.CHECKED_AT));
      writer.write(checked("names", 0, "10.0.0.0"));
      writer.write(new StoredResult("names", StoredResult.UNNUMBERED, "www.example", "www.example", 443, "192.0.2.11",
          "tls", null, null, null, Verdict.INCONCLUSIVE, "timed out", 0, null, 5_000, Results.CHECKED_AT));
    }
    ResumePoint point = store.resume("names");
    assertThat(point.highWater()).isEqualTo(1);
    assertThat(point.doneBeyond()).isEmpty();
    assertThat(store.isDone("names", "www.example", "192.0.2.11", 443)).isTrue();
    assertThat(store.isDone("names", "www.example", "192.0.2.12", 443)).isFalse();
    // DNS now also answers 192.0.2.12: the resumed run checks only that one, and it gets the next key.
    try (ResultWriter writer = store.writer(point)) {
      writer.write(new StoredResult("names", StoredResult.UNNUMBERED, "www.example", "www.example", 443, "192.0.2.12",
          "tls", null, null, null, Verdict.INCONCLUSIVE, "timed out", 0, null, 5_000, Results.CHECKED_AT));
    }
    assertThat(store.results("names")).extracting(StoredResult::sequence, StoredResult::address).containsExactly(
        tuple(0L, "10.0.0.0"),
        tuple(StoredResult.UNNUMBERED_BASE, "192.0.2.10"),
        tuple(StoredResult.UNNUMBERED_BASE + 1, "192.0.2.11"),
        tuple(StoredResult.UNNUMBERED_BASE + 2, "192.0.2.12"));
    assertThat(store.results("names")).extracting(StoredResult::numbered).containsExactly(true, false, false, false);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void isDoneFindsATargetByHostAddressAndPort(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    try (ResultWriter writer = store.writer(store.createJob("by-target", "x", 1))) {
      writer.write(Results.vulnerable("by-target", 0, "a.example")); // address 192.0.2.1, port 443
      writer.write(Results.unresolved("by-target", 1, "gone.example")); // no address
    }
    assertThat(store.isDone("by-target", "a.example", "192.0.2.1", 443)).isTrue();
    assertThat(store.isDone("by-target", "a.example", "192.0.2.2", 443)).isFalse();
    assertThat(store.isDone("by-target", "a.example", "192.0.2.1", 8443)).isFalse();
    assertThat(store.isDone("by-target", "gone.example", null, 443)).isTrue();
    assertThat(store.isDone("by-target", "a.example", null, 443)).isFalse();
    assertThat(store.isDone("another-job", "a.example", "192.0.2.1", 443)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aJobNameCanBeCreatedOnlyOnce(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    store.createJob("nightly", "10.0.0.0/8", 1);
    assertThatThrownBy(() -> store.createJob("nightly", "10.0.0.0/8", 2))
        .isInstanceOf(StoreException.class)
        .hasMessage("job nightly already exists in " + store.name() + "; continue it with --resume nightly or choose another name");
    assertThat(store.requireJob("nightly").seed()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void resumingAnUnknownJobSaysSo(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    assertThatThrownBy(() -> store.resume("never-started"))
        .isInstanceOf(StoreException.class)
        .hasMessage("no job named never-started in " + store.name());
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aFreshJobHasNothingDone(Database.Engine engine) throws Exception {
    ResultStore store = stores.store(engine);
    ResumePoint point = store.createJob("fresh", "x", 3);
    assertThat(point.highWater()).isZero();
    assertThat(point.isDone(0)).isFalse();
    assertThat(store.resume("fresh")).isEqualTo(point);
    assertThat(point.job().finished()).isFalse();
    assertThat(point.job().targetCount()).isEqualTo(Job.UNKNOWN_COUNT);
  }

  @Test
  void aResumePointRefusesADoneSequenceBelowItsMark() {
    Job job = new Job("j", "x", 1, Job.UNKNOWN_COUNT, 5, Results.CHECKED_AT, Results.CHECKED_AT, null);
    assertThatThrownBy(() -> new ResumePoint(job, 5, new TreeSet<>(List.of(4L, 7L))))
        .hasMessage("done sequence 4 is below the high-water mark 5");
  }
}
