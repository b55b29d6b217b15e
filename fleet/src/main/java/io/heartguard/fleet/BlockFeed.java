package io.heartguard.fleet;

import io.heartguard.targets.ScanTarget;
import io.heartguard.targets.TargetSource;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntSupplier;

/**
 * The targets of the blocks a worker holds, in the order it took them, fed to one scan engine after another. One
 * engine checks blocks back to back as long as they share their check settings and the worker's share of the rate,
 * so that the slow last targets of one block overlap the first of the next instead of idling the engine's slots.
 * Each target handed out is remembered with its block until its result comes back ({@link #resultOf}).
 */
final class BlockFeed {
  /** What a segment's engine was made for: the blocks' check settings and the partitions held when it started. */
  record Segment(CheckSettings settings, int partitionsHeld) {}

  /** A target handed to the engine and the block it belongs to. */
  record Handed(TakenBlock taken, Block.Entry entry) {}

  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  /** Targets handed out and not yet returned, by target: two blocks in hand may hold the same target. */
  private final Map<String, ArrayDeque<Handed>> handed = new HashMap<>();
  private int untaken;
  private boolean closed;

  private static final class Queued {
    final TakenBlock taken;
    int next;

    Queued(TakenBlock taken) {
      this.taken = taken;
    }
  }

  synchronized void add(TakenBlock taken) {
    if (taken.block.entries().isEmpty()) {
      return;
    }
    queue.addLast(new Queued(taken));
    untaken += taken.block.entries().size();
    notifyAll();
  }

  /** Targets queued and not yet handed to an engine. */
  synchronized int untaken() {
    return untaken;
  }

  /** Drops what is left of a block: the targets not handed out yet are not checked, those handed out are not sent. */
  synchronized void abandon(TakenBlock taken) {
    taken.abandon();
    for (Iterator<Queued> i = queue.iterator(); i.hasNext(); ) {
      Queued q = i.next();
      if (q.taken == taken) {
        untaken -= q.taken.block.entries().size() - q.next;
        i.remove();
      }
    }
  }

  /** Ends every wait: engines see no more targets. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /** Waits for a block; empty once closed. {@code partitionsHeld} is the worker's share of the group now. */
  synchronized Optional<Segment> nextSegment(IntSupplier partitionsHeld) throws InterruptedException {
    while (!closed && queue.isEmpty()) {
      wait();
    }
    return closed ? Optional.empty()
        : Optional.of(new Segment(queue.peekFirst().taken.block.settings(), partitionsHeld.getAsInt()));
  }

  /**
   * The targets of {@code segment}: ends at the first queued block with other settings, or once the partitions held
   * changed (the rate's share changes with them), so that the next engine is made for those.
   */
  TargetSource source(Segment segment, IntSupplier partitionsHeld) {
    return new TargetSource() {
      @Override
      public Optional<ScanTarget> next() throws InterruptedException {
        return take(segment, partitionsHeld);
      }

      @Override
      public OptionalLong sizeHint() {
        return OptionalLong.empty();
      }
    };
  }

  private synchronized Optional<ScanTarget> take(Segment segment, IntSupplier partitionsHeld)
      throws InterruptedException {
    while (!closed && queue.isEmpty()) {
      wait();
    }
    if (closed) {
      return Optional.empty();
    }
    Queued head = queue.peekFirst();
    if (!head.taken.block.settings().equals(segment.settings())
        || partitionsHeld.getAsInt() != segment.partitionsHeld()) {
      return Optional.empty();
    }
    Block.Entry entry = head.taken.block.entries().get(head.next++);
    untaken--;
    if (head.next == head.taken.block.entries().size()) {
      queue.removeFirst();
      head.taken.allTaken();
    }
    handed.computeIfAbsent(key(entry.target()), k -> new ArrayDeque<>()).addLast(new Handed(head.taken, entry));
    return Optional.of(entry.target());
  }

  /** The block and entry a result's target was handed out for; throws for a target this feed never handed out. */
  synchronized Handed resultOf(ScanTarget target) throws IOException {
    String key = key(target);
    ArrayDeque<Handed> waiting = handed.get(key);
    if (waiting == null) {
      throw new IOException("the engine returned a target no block in hand holds: " + key);
    }
    Handed h = waiting.removeFirst();
    if (waiting.isEmpty()) {
      handed.remove(key);
    }
    return h;
  }

  private static String key(ScanTarget t) {
    return t.host() + " " + (t.address() == null ? null : t.address().getHostAddress()) + " " + t.port();
  }
}
