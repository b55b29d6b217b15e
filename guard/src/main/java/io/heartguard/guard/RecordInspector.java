package io.heartguard.guard;

import io.heartguard.detect.Direction;
import io.heartguard.detect.RecordAction;
import io.heartguard.wire.record.ProtocolVersion;
import io.heartguard.wire.record.RecordFramer;
import io.heartguard.wire.record.RecordHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Cuts one direction of a connection into TLS records on the fly and lets through only what the {@link RecordJudge}
 * allows. Bytes in are {@code ByteBuf}s as read; bytes out are slices of them, fired on unchanged, so an allowed
 * record crosses the guard byte for byte and without a copy. A record is held back (its header, plus as many
 * fragment bytes as the judge asks for) until it is judged, so a blocked record never has a byte forwarded.
 *
 * <p>Every direction is framed from its first byte, as OpenSSL 1.0.1f reads it ({@link RecordFramer}): the
 * client's first bytes must open as ssl23_get_client_hello takes them (a TLS record holding a ClientHello, or an
 * SSLv2-compatible ClientHello, after which records start exactly at its end), the server's with a TLS record
 * header. Up to eleven bytes are held for that decision. A first message that is neither (plaintext, STARTTLS, a
 * real SSLv2 hello) cannot be framed with certainty; the judge turns it into a reset ({@code not_tls}) or, under
 * monitor, a pass-through. Once framed, five bytes that should start a record but that the framer cannot place
 * mean the guard has lost the receiver's record boundaries ({@code framing_lost}): again a reset or a pass-through.
 *
 * <p>Memory: at most {@link #MAX_HELD} bytes are held, and that only when the judge asks for a whole record.
 */
public final class RecordInspector extends ChannelInboundHandlerAdapter {
  /** The most a judge may hold: a header and the longest fragment a header can announce. */
  public static final int MAX_HELD = RecordHeader.LENGTH + 0xffff;

  /** Fired down the pipeline when the judge resets the connection; the relay then resets the other side too. */
  public static final Object RESET_EVENT = new Object() {
    @Override
    public String toString() {
      return "RESET_EVENT";
    }
  };

  private static final byte[] NOTHING_HELD = new byte[0];

  private enum State { OPENING, RECORD_START, HOLDING, FORWARDING_BODY, SKIPPING_BODY, PASSTHROUGH, RESET }

  private final Direction direction;
  private final RecordJudge judge;
  private final GuardMetrics metrics;
  private State state = State.OPENING;
  /** The five bytes where a record should start, copied to ask the framer (the body is never copied). */
  private final byte[] headerBytes = new byte[RecordHeader.LENGTH];
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
    if (state == State.RESET) {
      return;
    }
    if (state == State.OPENING) {
      opening(ctx, in);
    } else {
      framed(ctx, in, in.readerIndex());
    }
  }

  /**
   * Collects the bytes that decide how this direction opens, at most {@link RecordFramer#OPENING_BYTES}, and once
   * they decide, frames from the first byte: the held bytes first, then the rest of this read.
   */
  private void opening(ChannelHandlerContext ctx, ByteBuf in) {
    int pos = in.readerIndex();
    int wanted = direction == Direction.TO_SERVER ? RecordFramer.OPENING_BYTES : RecordHeader.LENGTH;
    int take = Math.min(wanted - heldCount, in.readableBytes());
    ensureHeldCapacity(heldCount + take);
    in.getBytes(pos, held, heldCount, take);
    int available = heldCount + take;
    RecordFramer.Opening opening = direction == Direction.TO_SERVER
        ? RecordFramer.clientOpening(held, 0, available) : serverOpening(held, available);
    switch (opening.kind()) {
      case MORE_BYTES_NEEDED -> heldCount = available; // take was all of this read
      case TLS_RECORDS, SSL2_COMPATIBLE_HELLO -> {
        int replayed = heldCount;
        heldCount = 0;
        if (opening.kind() == RecordFramer.OpeningKind.SSL2_COMPATIBLE_HELLO) {
          // s23_srvr.c reads exactly 2 + length bytes of hello; the first TLS record starts right after them.
          remaining = opening.length();
          state = State.FORWARDING_BODY;
        } else {
          state = State.RECORD_START;
        }
        if (replayed > 0) {
          ByteBuf first = ctx.alloc().buffer(replayed).writeBytes(held, 0, replayed);
          try {
            framed(ctx, first, first.readerIndex());
          } finally {
            first.release();
          }
        }
        if (state != State.RESET) {
          framed(ctx, in, pos);
        }
      }
      case SSL2_HELLO, REFUSED -> {
        String reason = opening.kind() == RecordFramer.OpeningKind.SSL2_HELLO
            ? "an SSLv2 ClientHello (version 0x0002); SSLv2 is not carried" : opening.reason();
        if (judge.notTls(direction, reason) == RecordAction.RESET) {
          reset(ctx);
          return;
        }
        state = State.PASSTHROUGH;
        emitHeld(ctx);
        emit(ctx, in, pos, in.writerIndex());
      }
    }
  }

  /**
   * A server's first bytes open with a TLS record header. The client's ssl23_get_server_hello (s23_clnt.c) is
   * stricter (a ServerHello record, or a two-byte alert, minor version up to 3); a server that opens otherwise is
   * refused by that client before it reads another byte, so framing it on with the one rule shows the guard
   * nothing the client acts on.
   */
  private static RecordFramer.Opening serverOpening(byte[] start, int available) {
    if (available >= RecordHeader.LENGTH ? RecordFramer.isTlsHeader(start, 0)
        : RecordFramer.couldStartTlsHeader(start, 0, available)) {
      return available >= RecordHeader.LENGTH ? new RecordFramer.Opening(RecordFramer.OpeningKind.TLS_RECORDS, 0, "")
          : new RecordFramer.Opening(RecordFramer.OpeningKind.MORE_BYTES_NEEDED, 0, "");
    }
    return new RecordFramer.Opening(RecordFramer.OpeningKind.REFUSED, 0, "bytes "
        + HexFormat.of().formatHex(start, 0, Math.min(available, RecordHeader.LENGTH)) + " do not start a TLS record");
  }

  /** Frames {@code in} from {@code pos} on, record by record, forwarding what the judge allows. */
  private void framed(ChannelHandlerContext ctx, ByteBuf in, int pos) {
    int end = in.writerIndex();
    int runStart = pos; // start of the bytes in `in` already allowed but not yet fired on
    while (pos < end) {
      switch (state) {
        case PASSTHROUGH -> pos = end;
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
          in.getBytes(pos, headerBytes);
          if (!RecordFramer.isTlsHeader(headerBytes, 0)) {
            emit(ctx, in, runStart, pos);
            runStart = pos;
            if (!onFramingLost(ctx, headerBytes.clone())) {
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
          RecordAction action = judge.judge(direction, header, fragment);
          if (action != RecordAction.FORWARD) {
            emit(ctx, in, runStart, pos);
          }
          if (action == RecordAction.RESET) {
            reset(ctx);
            return;
          }
          pos += RecordHeader.LENGTH + toHold;
          if (action == RecordAction.DROP) {
            runStart = pos;
          }
          enterBody(action, header.length() - toHold);
        }
        case HOLDING -> {
          pos = hold(in, pos, end);
          runStart = pos;
          if (heldCount == holdTarget && !judgeHeld(ctx)) {
            return;
          }
        }
        case OPENING, RESET -> throw new IllegalStateException("no bytes are framed in state " + state);
      }
    }
    emit(ctx, in, runStart, pos);
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
      if (!RecordFramer.isTlsHeader(held, 0)) {
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
    RecordAction action = judge.judge(direction, heldHeader, Arrays.copyOfRange(held, RecordHeader.LENGTH, holdTarget));
    if (action == RecordAction.RESET) {
      reset(ctx);
      return false;
    }
    if (action == RecordAction.FORWARD) {
      emitHeld(ctx);
    }
    int bodyLeft = heldHeader.length() - fragmentHeld;
    heldCount = 0;
    heldHeader = null;
    enterBody(action, bodyLeft);
    return true;
  }

  private void enterBody(RecordAction action, int bodyLeft) {
    remaining = bodyLeft;
    state = bodyLeft == 0 ? State.RECORD_START
        : action == RecordAction.FORWARD ? State.FORWARDING_BODY : State.SKIPPING_BODY;
  }

  /** Asks the judge what to do once framing is lost; false after a reset. Held bytes go on with the rest. */
  private boolean onFramingLost(ChannelHandlerContext ctx, byte[] header) {
    if (judge.framingLost(direction, header) == RecordAction.RESET) {
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
