package io.heartguard.guard;

import io.heartguard.detect.Direction;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.Arrays;

/**
 * Cuts one direction of a connection into TLS records on the fly and lets through only what the {@link RecordJudge}
 * allows. Bytes in are {@code ByteBuf}s as read; bytes out are slices of them, fired on unchanged, so an allowed
 * record crosses the guard byte for byte and without a copy. A record is held back (its header, plus as many
 * fragment bytes as the judge asks for) until it is judged, so a blocked record never has a byte forwarded.
 *
 * <p>STARTTLS: until TLS begins the direction is passed through untouched. TLS begins when a read starts with a
 * plausible record header — content type 20..24, version 0x0300..0x0303, length 1..2^14+2048
 * ({@link RecordHeader#isPlausible}). Protocols that switch to TLS (SMTP, IMAP, POP3, LDAP, FTP, XMPP) do so at a
 * message boundary after a plaintext exchange, so the ClientHello and ServerHello start a read; a read shorter
 * than five bytes that could begin such a header is held until five bytes decide it, so splitting the first header
 * into tiny segments does not slip past. Once TLS has begun the direction stays framed: a "header" whose version
 * byte is not 3 means the guard has lost the record boundaries, which the judge turns into a reset (fail closed)
 * or a pass-through.
 *
 * <p>Memory: at most {@link #MAX_HELD} bytes are held, and that only when the judge asks for a whole record.
 */
public final class RecordInspector extends ChannelInboundHandlerAdapter {
  /** The most a judge may hold: a header and the longest fragment a header can announce. */
  public static final int MAX_HELD = RecordHeader.LENGTH + 0xffff;

  /** Fired down the pipeline when a verdict resets the connection; the relay then resets the other side too. */
  public static final Object RESET_EVENT = new Object() {
    @Override
    public String toString() {
      return "RESET_EVENT";
    }
  };

  private static final byte[] NOTHING_HELD = new byte[0];

  private enum State { BEFORE_TLS, RECORD_START, HOLDING, FORWARDING_BODY, SKIPPING_BODY, PASSTHROUGH, RESET }

  private final Direction direction;
  private final RecordJudge judge;
  private final GuardMetrics metrics;
  private State state = State.BEFORE_TLS;
  private byte[] held = new byte[16];
  private int heldCount;
  /** Bytes to hold before judging: five until the header is known, then five plus what the judge asked for. */
  private int holdTarget;
  private RecordHeader heldHeader;
  /** Fragment bytes of the current record still to come. */
  private int remaining;

  public RecordInspector(Direction direction, RecordJudge judge, GuardMetrics metrics) {
    this.direction = direction;
    this.judge = judge;
    this.metrics = metrics;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      inspect(ctx, in);
    } finally {
      in.release();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent && heldCount > 0 && state != State.RESET) {
      // The peer finished mid-header or mid-record: the receiver can never complete that record, so the held
      // bytes are harmless and are passed on to keep the stream byte for byte.
      emitHeld(ctx);
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void inspect(ChannelHandlerContext ctx, ByteBuf in) {
    int pos = in.readerIndex();
    int end = in.writerIndex();
    if (state == State.RESET) {
      return;
    }
    if (state == State.BEFORE_TLS && !tlsBegins(ctx, in, pos, end)) {
      return;
    }
    int runStart = pos; // start of the bytes in `in` already allowed but not yet fired on
    while (pos < end) {
      switch (state) {
        case PASSTHROUGH, BEFORE_TLS -> pos = end;
        case FORWARDING_BODY -> {
          int n = Math.min(remaining, end - pos);
          pos += n;
          remaining -= n;
          if (remaining == 0) {
            state = State.RECORD_START;
          }
        }
        case SKIPPING_BODY -> {
          emit(ctx, in, runStart, pos);
          int n = Math.min(remaining, end - pos);
          pos += n;
          runStart = pos;
          remaining -= n;
          if (remaining == 0) {
            state = State.RECORD_START;
          }
        }
        case RECORD_START -> {
          if (end - pos < RecordHeader.LENGTH) {
            emit(ctx, in, runStart, pos);
            startHolding(RecordHeader.LENGTH, null);
            pos = hold(in, pos, end);
            runStart = pos;
            break;
          }
          if (in.getUnsignedByte(pos + 1) != 3) {
            emit(ctx, in, runStart, pos);
            runStart = pos;
            byte[] bad = new byte[RecordHeader.LENGTH];
            in.getBytes(pos, bad);
            if (!onFramingLost(ctx, bad)) {
              return;
            }
            break;
          }
          RecordHeader header = headerAt(in, pos);
          int toHold = bytesToHold(header);
          if (end - pos < RecordHeader.LENGTH + toHold) {
            emit(ctx, in, runStart, pos);
            startHolding(RecordHeader.LENGTH + toHold, header);
            pos = hold(in, pos, end);
            runStart = pos;
            break;
          }
          byte[] fragment = toHold == 0 ? NOTHING_HELD : new byte[toHold];
          in.getBytes(pos + RecordHeader.LENGTH, fragment);
          Verdict verdict = judge.judge(direction, header, fragment);
          if (verdict != Verdict.FORWARD) {
            emit(ctx, in, runStart, pos);
          }
          if (verdict == Verdict.RESET) {
            reset(ctx);
            return;
          }
          pos += RecordHeader.LENGTH + toHold;
          if (verdict == Verdict.DROP) {
            runStart = pos;
          }
          enterBody(verdict, header.length() - toHold);
        }
        case HOLDING -> {
          pos = hold(in, pos, end);
          runStart = pos;
          if (heldCount == holdTarget && !judgeHeld(ctx)) {
            return;
          }
        }
        case RESET -> throw new IllegalStateException("no bytes are inspected after a reset");
      }
    }
    emit(ctx, in, runStart, pos);
  }

  /** Decides whether TLS begins with this read; false when everything has been dealt with already. */
  private boolean tlsBegins(ChannelHandlerContext ctx, ByteBuf in, int pos, int end) {
    byte[] start = new byte[RecordHeader.LENGTH];
    int n = Math.min(heldCount, RecordHeader.LENGTH);
    System.arraycopy(held, 0, start, 0, n);
    int fromIn = Math.min(RecordHeader.LENGTH - n, end - pos);
    in.getBytes(pos, start, n, fromIn);
    int available = n + fromIn;
    if (available >= RecordHeader.LENGTH && RecordHeader.isPlausible(start, 0)) {
      if (heldCount > 0) {
        startHolding(RecordHeader.LENGTH, null);
        heldCount = n;
        state = State.HOLDING;
      } else {
        state = State.RECORD_START;
      }
      return true;
    }
    if (available < RecordHeader.LENGTH && couldStartHeader(start, available)) {
      ensureHeldCapacity(heldCount + (end - pos));
      in.getBytes(pos, held, heldCount, end - pos);
      heldCount += end - pos;
      return false;
    }
    emitHeld(ctx);
    emit(ctx, in, pos, end);
    return false;
  }

  /** Whether the first bytes of a read could begin a plausible header, so that five bytes are worth waiting for. */
  private static boolean couldStartHeader(byte[] start, int available) {
    if (available == 0) {
      return true;
    }
    boolean ok = (start[0] & 0xff) >= 20 && (start[0] & 0xff) <= 24;
    if (available >= 2) {
      ok &= start[1] == 3;
    }
    if (available >= 3) {
      ok &= (start[2] & 0xff) <= 3;
    }
    return ok;
  }

  private int bytesToHold(RecordHeader header) {
    metrics.record(direction, header.contentType());
    int toHold = judge.bytesToHold(direction, header);
    if (toHold < 0 || toHold > header.length()) {
      throw new IllegalStateException("judge asked to hold " + toHold + " bytes of a " + header.length()
          + "-byte record (expected 0.." + header.length() + ")");
    }
    return toHold;
  }

  private void startHolding(int target, RecordHeader header) {
    ensureHeldCapacity(target);
    holdTarget = target;
    heldHeader = header;
    state = State.HOLDING;
  }

  private int hold(ByteBuf in, int pos, int end) {
    int n = Math.min(holdTarget - heldCount, end - pos);
    in.getBytes(pos, held, heldCount, n);
    heldCount += n;
    return pos + n;
  }

  /** Judges a record whose held bytes are complete; false after a reset. */
  private boolean judgeHeld(ChannelHandlerContext ctx) {
    if (heldHeader == null) {
      if (held[1] != 3) {
        return onFramingLost(ctx, Arrays.copyOf(held, RecordHeader.LENGTH));
      }
      heldHeader = headerAt(held);
      int toHold = bytesToHold(heldHeader);
      if (toHold > 0) {
        startHolding(RecordHeader.LENGTH + toHold, heldHeader);
        return true;
      }
    }
    int fragmentHeld = holdTarget - RecordHeader.LENGTH;
    Verdict verdict = judge.judge(direction, heldHeader, Arrays.copyOfRange(held, RecordHeader.LENGTH, holdTarget));
    if (verdict == Verdict.RESET) {
      reset(ctx);
      return false;
    }
    if (verdict == Verdict.FORWARD) {
      emitHeld(ctx);
    }
    int bodyLeft = heldHeader.length() - fragmentHeld;
    heldCount = 0;
    heldHeader = null;
    enterBody(verdict, bodyLeft);
    return true;
  }

  private void enterBody(Verdict verdict, int bodyLeft) {
    remaining = bodyLeft;
    state = bodyLeft == 0 ? State.RECORD_START
        : verdict == Verdict.FORWARD ? State.FORWARDING_BODY : State.SKIPPING_BODY;
  }

  /** Asks the judge what to do once framing is lost; false after a reset. Held bytes go on with the rest. */
  private boolean onFramingLost(ChannelHandlerContext ctx, byte[] header) {
    if (judge.framingLost(direction, header) == Verdict.RESET) {
      reset(ctx);
      return false;
    }
    emitHeld(ctx);
    state = State.PASSTHROUGH;
    return true;
  }

  private void reset(ChannelHandlerContext ctx) {
    state = State.RESET;
    heldCount = 0;
    ctx.fireUserEventTriggered(RESET_EVENT);
    // SO_LINGER 0 makes close() send RST rather than FIN (EmbeddedChannel ignores the option).
    Relay.reset(ctx.channel());
  }

  private void emit(ChannelHandlerContext ctx, ByteBuf in, int from, int to) {
    if (to > from) {
      metrics.bytesForwarded(direction, to - from);
      ctx.fireChannelRead(in.retainedSlice(from, to - from));
    }
  }

  private void emitHeld(ChannelHandlerContext ctx) {
    if (heldCount > 0) {
      metrics.bytesForwarded(direction, heldCount);
      ctx.fireChannelRead(ctx.alloc().buffer(heldCount).writeBytes(held, 0, heldCount));
      heldCount = 0;
    }
  }

  private void ensureHeldCapacity(int needed) {
    if (needed > MAX_HELD) {
      throw new IllegalStateException("holding " + needed + " bytes exceeds the cap of " + MAX_HELD);
    }
    if (needed > held.length) {
      held = Arrays.copyOf(held, Math.max(needed, held.length * 2));
    }
  }

  private static RecordHeader headerAt(ByteBuf in, int pos) {
    return new RecordHeader(in.getUnsignedByte(pos), new ProtocolVersion(3, in.getUnsignedByte(pos + 2)),
        in.getUnsignedShort(pos + 3));
  }

  private static RecordHeader headerAt(byte[] b) {
    return new RecordHeader(b[0] & 0xff, new ProtocolVersion(3, b[2] & 0xff), ((b[3] & 0xff) << 8) | (b[4] & 0xff));
  }
}
