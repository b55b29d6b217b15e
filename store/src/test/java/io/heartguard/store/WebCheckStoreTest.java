package io.heartguard.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WebCheckStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  @TempDir Path directory;

  private static WebCheck queued(String id, String host, Instant at) {
    return new WebCheck(id, host, host, 443, "tls", "192.0.2.1", WebCheck.Status.QUEUED, null, null, at, null);
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void aCheckGoesFromQueuedThroughRunningToDoneWithItsResult(Database.Engine engine) throws Exception {
    try (TestDatabase db = TestDatabase.create(engine, directory); WebCheckStore store = WebCheckStore.open(db.location())) {
      store.insert(queued("a1", "a.example", T0));
      store.markRunning("a1");
      assertThat(store.find("a1")).hasValueSatisfying(c -> assertThat(c.status()).isEqualTo(WebCheck.Status.RUNNING));
      assertThat(store.finish("a1", "VULNERABLE", "{\"verdict\":\"VULNERABLE\"}", T0.plusSeconds(2))).isTrue();
      WebCheck done = store.find("a1").orElseThrow();
      assertThat(done.status()).isEqualTo(WebCheck.Status.DONE);
      assertThat(done.verdict()).isEqualTo("VULNERABLE");
      assertThat(done.resultJson()).isEqualTo("{\"verdict\":\"VULNERABLE\"}");
      assertThat(done.finishedAt()).isEqualTo(T0.plusSeconds(2));
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void unfinishedChecksAreMarkedInterruptedAndAResultArrivingLaterIsNotStored(Database.Engine engine) throws Exception {
    try (TestDatabase db = TestDatabase.create(engine, directory)) {
      try (WebCheckStore store = WebCheckStore.open(db.location())) {
        store.insert(queued("q", "a.example", T0));
        store.insert(queued("r", "a.example", T0));
        store.markRunning("r");
        store.insert(queued("d", "a.example", T0));
        store.finish("d", "NOT_VULNERABLE", "{}", T0);
      }
      try (WebCheckStore reopened = WebCheckStore.open(db.location())) {
        assertThat(reopened.interruptUnfinished(T0.plusSeconds(9))).isEqualTo(2);
        assertThat(reopened.find("q").orElseThrow().status()).isEqualTo(WebCheck.Status.INTERRUPTED);
        assertThat(reopened.find("r").orElseThrow().status()).isEqualTo(WebCheck.Status.INTERRUPTED);
        assertThat(reopened.find("d").orElseThrow().status()).isEqualTo(WebCheck.Status.DONE);
        assertThat(reopened.finish("r", "VULNERABLE", "{}", T0.plusSeconds(10))).isFalse();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Database.Engine.class)
  void historyIsNewestFirstAndTheCacheFindsOnlyAFinishedCheckInsideTheWindow(Database.Engine engine) throws Exception {
    try (TestDatabase db = TestDatabase.create(engine, directory); WebCheckStore store = WebCheckStore.open(db.location())) {
      store.insert(queued("old", "h.example", T0));
      store.finish("old", "NOT_VULNERABLE", "{}", T0.plusSeconds(1));
      store.insert(queued("new", "h.example", T0.plusSeconds(60)));
      store.insert(queued("other", "o.example", T0.plusSeconds(30)));
      assertThat(store.forHost("h.example", 10)).extracting(WebCheck::id).containsExactly("new", "old");
      assertThat(store.recent(2)).extracting(WebCheck::id).containsExactly("new", "other");
      assertThat(store.latestDone("h.example", 443, "tls", T0)).hasValueSatisfying(c -> assertThat(c.id()).isEqualTo("old"));
      assertThat(store.latestDone("h.example", 443, "tls", T0.plusSeconds(2))).isEmpty();
      assertThat(store.latestDone("h.example", 443, "smtp", T0)).isEmpty();
    }
  }
}
