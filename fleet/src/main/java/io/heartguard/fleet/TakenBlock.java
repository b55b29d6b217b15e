package io.heartguard.fleet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * A block a worker took from its partition at an offset: how many of its results the broker has yet to acknowledge.
 * It is finished when every target was handed to the engine and every result acknowledged; only then may the
 * partition's offset move past it. A block whose partition moved to another worker is abandoned: its remaining
 * results are not sent, as the new owner checks it again from the start.
 */
final class TakenBlock {
  final TopicPartition partition;
  final long offset;
  final Block block;
  private final AtomicInteger unacknowledged;
  private volatile boolean allTaken;
  private volatile boolean failed;
  private volatile boolean abandoned;

  TakenBlock(TopicPartition partition, long offset, Block block) {
    this.partition = partition;
    this.offset = offset;
    this.block = block;
    this.unacknowledged = new AtomicInteger(block.entries().size());
    this.allTaken = block.entries().isEmpty();
  }

  /** A record that is no block: nothing to check, finished at once, so that the offset can move past it. */
  static TakenBlock empty(TopicPartition partition, long offset) {
    return new TakenBlock(partition, offset, new Block("", -1, null, List.of()));
  }

  void allTaken() {
    allTaken = true;
  }

  /** The broker acknowledged one result ({@code failure} null) or gave up on it. */
  void acknowledged(Exception failure) {
    if (failure != null) {
      failed = true;
    }
    unacknowledged.decrementAndGet();
  }

  void abandon() {
    abandoned = true;
  }

  boolean abandoned() {
    return abandoned;
  }

  boolean failed() {
    return failed;
  }

  boolean finished() {
    return allTaken && unacknowledged.get() == 0 && !failed && !abandoned;
  }

  /**
   * The finished blocks at the head of a partition's blocks in offset order, up to the first unfinished one: the
   * offset may move past these and no further, or a later block finished first would commit an earlier one unchecked.
   */
  static List<TakenBlock> finishedFirst(Collection<TakenBlock> inOffsetOrder) {
    List<TakenBlock> finished = new ArrayList<>();
    for (TakenBlock b : inOffsetOrder) {
      if (!b.finished()) {
        break;
      }
      finished.add(b);
    }
    return finished;
  }
}
