package io.heartguard.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.TargetSource;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A worker's queue of blocks: one engine checks the blocks back to back while their settings and the worker's share
 * of the partitions stay, each result is owned by the block its target was handed out for, an abandoned block is
 * neither checked further nor sent, and a partition's offset moves only past the finished blocks at its head.
 */
class BlockFeedTest {
  private static final TopicPartition PARTITION = new TopicPartition(Topics.BLOCKS, 0);
  private static final CheckSettings SETTINGS = new CheckSettings(3000, 3000, List.of(0x0303), "none", false, 0, 0);
  private static final CheckSettings OTHER_SETTINGS =
      new CheckSettings(9000, 3000, List.of(0x0303), "none", false, 0, 0);

  private final BlockFeed feed = new BlockFeed();
  private final AtomicInteger held = new AtomicInteger(12);

  @Test
  void blocksWithTheSameSettingsAreCheckedBackToBackByOneEngine() throws Exception {
    TakenBlock first = taken(0, SETTINGS, 1, 2);
    TakenBlock second = taken(1, SETTINGS, 3, 4);
    feed.add(first);
    feed.add(second);
    assertThat(feed.untaken()).isEqualTo(4);

    TargetSource source = feed.source(feed.nextSegment(held::get).orElseThrow(), held::get);

    assertThat(ports(source, 4)).containsExactly(1, 2, 3, 4);
    assertThat(feed.untaken()).isZero();
  }

  @Test
  void anEngineStopsAtABlockWithOtherSettingsAndTheNextEngineTakesIt() throws Exception {
    feed.add(taken(0, SETTINGS, 1, 2));
    feed.add(taken(1, OTHER_SETTINGS, 3));
    BlockFeed.Segment segment = feed.nextSegment(held::get).orElseThrow();
    TargetSource source = feed.source(segment, held::get);

    assertThat(ports(source, 2)).containsExactly(1, 2);
    assertThat(source.next()).as("the first engine's targets end with its settings").isEmpty();

    BlockFeed.Segment next = feed.nextSegment(held::get).orElseThrow();
    assertThat(next.settings()).isEqualTo(OTHER_SETTINGS);
    assertThat(ports(feed.source(next, held::get), 1)).containsExactly(3);
  }

  @Test
  void anEngineStopsWhenThePartitionsHeldChangeSoThatTheRateShareIsRecomputed() throws Exception {
    feed.add(taken(0, SETTINGS, 1, 2));
    BlockFeed.Segment segment = feed.nextSegment(held::get).orElseThrow();
    TargetSource source = feed.source(segment, held::get);
    assertThat(ports(source, 1)).containsExactly(1);

    held.set(6);

    assertThat(source.next()).isEmpty();
    assertThat(feed.nextSegment(held::get).orElseThrow().partitionsHeld()).isEqualTo(6);
  }

  @Test
  void anAbandonedBlockIsNotCheckedFurtherAndItsResultsAreMarkedAsNotToBeSent() throws Exception {
    TakenBlock moved = taken(0, SETTINGS, 1, 2);
    feed.add(moved);
    feed.add(taken(1, SETTINGS, 3));
    TargetSource source = feed.source(feed.nextSegment(held::get).orElseThrow(), held::get);
    ScanTarget inFlight = source.next().orElseThrow();

    feed.abandon(moved);

    assertThat(feed.untaken()).isEqualTo(1);
    assertThat(ports(source, 1)).as("port 2 of the abandoned block is skipped").containsExactly(3);
    assertThat(feed.resultOf(inFlight).taken().abandoned()).isTrue();
    assertThat(moved.finished()).isFalse();
  }

  @Test
  void theSameTargetInTwoBlocksInHandGivesEachBlockOneResult() throws Exception {
    TakenBlock first = taken(0, SETTINGS, 7);
    TakenBlock second = taken(1, SETTINGS, 7);
    feed.add(first);
    feed.add(second);
    TargetSource source = feed.source(feed.nextSegment(held::get).orElseThrow(), held::get);
    ScanTarget a = source.next().orElseThrow();
    ScanTarget b = source.next().orElseThrow();

    assertThat(feed.resultOf(a).taken()).isSameAs(first);
    assertThat(feed.resultOf(b).taken()).isSameAs(second);
    assertThatThrownBy(() -> feed.resultOf(a)).isInstanceOf(IOException.class).hasMessageContaining("no block in hand");
  }

  @Test
  void closingEndsAnEngineWaitingForTheNextBlock() throws Exception {
    CompletableFuture<Optional<BlockFeed.Segment>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return feed.nextSegment(held::get);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });

    feed.close();

    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aPartitionsOffsetMovesOnlyPastTheFinishedBlocksAtItsHead() throws Exception {
    TakenBlock first = taken(0, SETTINGS, 1);
    TakenBlock second = taken(1, SETTINGS, 2);
    TakenBlock third = taken(2, SETTINGS, 3);
    List<TakenBlock> inOrder = List.of(first, second, third);
    inOrder.forEach(feed::add);
    TargetSource source = feed.source(feed.nextSegment(held::get).orElseThrow(), held::get);
    List<ScanTarget> handed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handed.add(source.next().orElseThrow());
    }

    feed.resultOf(handed.get(1)).taken().acknowledged(null);
    assertThat(second.finished()).isTrue();
    assertThat(TakenBlock.finishedFirst(inOrder)).as("the block before it is not finished").isEmpty();

    feed.resultOf(handed.get(0)).taken().acknowledged(null);
    feed.resultOf(handed.get(2)).taken().acknowledged(new IOException("broker gave up"));
    assertThat(TakenBlock.finishedFirst(inOrder)).as("a result the broker never took holds the offset")
        .containsExactly(first, second);
  }

  @Test
  void aRecordThatIsNoBlockIsFinishedAtOnceSoTheOffsetMovesPastIt() {
    TakenBlock skipped = TakenBlock.empty(PARTITION, 5);
    feed.add(skipped);

    assertThat(skipped.finished()).isTrue();
    assertThat(feed.untaken()).isZero();
  }

  private static TakenBlock taken(long offset, CheckSettings settings, int... ports) throws IOException {
    List<Block.Entry> entries = new ArrayList<>();
    for (int port : ports) {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      entries.add(Block.Entry.of(port, new ScanTarget("127.0.0.1", "127.0.0.1", loopback, port)));
    }
    return new TakenBlock(PARTITION, offset, new Block("job", offset, settings, entries));
  }

  private static List<Integer> ports(TargetSource source, int count) throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(source.next().orElseThrow().port());
    }
    return ports;
  }
}
