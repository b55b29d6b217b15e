package io.heartguard.guard;

import io.heartguard.detect.Direction;
import io.heartguard.detect.RecordAction;
import io.heartguard.wire.record.RecordHeader;

/**
 * The guard's one question to a detection engine, asked per connection for each record in each direction before a
 * byte of the record is forwarded: may it pass? The engine first says how many fragment bytes it must see
 * ({@link #bytesToHold}); the guard holds the header and that many bytes, then asks what to do with it ({@link #judge}).
 * Alerts leave through the engine's own sink. Called on the connection's event loop only, so no locking.
 */
public interface RecordJudge {
  /** How many bytes of this record's fragment to hold before judging it: 0 to judge on the header alone. */
  int bytesToHold(Direction direction, RecordHeader header);

  /** What to do with a record, given its header and the first {@link #bytesToHold} bytes of its fragment. */
  RecordAction judge(Direction direction, RecordHeader header, byte[] heldFragment);

  /**
   * A direction that was carrying TLS records stopped doing so: five bytes that should start a record do not
   * ({@code header}). The guard can no longer see record boundaries there; RESET fails closed, FORWARD passes the
   * rest of that direction through uninspected.
   */
  RecordAction framingLost(Direction direction, byte[] header);

  /**
   * A direction's first bytes are not TLS as the receiver would read them ({@code reason}, from
   * {@code RecordFramer}). RESET fails closed; FORWARD passes that direction through uninspected.
   */
  RecordAction notTls(Direction direction, String reason);
}
