package io.heartguard.guard;

import io.heartguard.detect.Alert;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import io.heartguard.detect.RecordAction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Both directions of one guarded connection without sockets: an {@link EmbeddedChannel} per direction, each with a
 * {@link RecordInspector}, sharing one {@link DetectJudge}. What an inspector lets through is what the channel
 * reads inbound; alerts and reset events are recorded.
 */
final class InspectedConnection {
  static final FlowInfo FLOW = new FlowInfo(FlowInfo.Transport.TCP, "127.0.0.1", 50000, "127.0.0.1", 443, 7);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  final List<Alert> alerts = new ArrayList<>();
  final List<Direction> resets = new ArrayList<>();
  final GuardMetrics metrics = new GuardMetrics();
  final DetectJudge judge;
  private final EmbeddedChannel toServer;
  private final EmbeddedChannel toClient;

  InspectedConnection(Set<Policy> policies, Action action) {
    judge = new DetectJudge(policies, action, FLOW, alerts::add, CLOCK);
    toServer = new EmbeddedChannel(new RecordInspector(Direction.TO_SERVER, judge, metrics), resetRecorder(Direction.TO_SERVER));
    toClient = new EmbeddedChannel(new RecordInspector(Direction.TO_CLIENT, judge, metrics), resetRecorder(Direction.TO_CLIENT));
  }

  static InspectedConnection withDefaults() {
    return new InspectedConnection(Policy.DEFAULT, Action.RESET);
  }

  /**
   * A full handshake both ways, drained: the client's hello, the server's flight, then each side's ChangeCipherSpec
   * and (encrypted) Finished, then application data. After it heartbeats are no longer "during the handshake"
   * (RFC 6520 section 3).
   */
  InspectedConnection handshake() {
    send(Direction.TO_SERVER, TlsBytes.CLIENT_HELLO).send(Direction.TO_CLIENT, TlsBytes.HANDSHAKE);
    send(Direction.TO_SERVER, TlsBytes.concat(TlsBytes.CHANGE_CIPHER_SPEC, TlsBytes.FINISHED));
    send(Direction.TO_CLIENT, TlsBytes.concat(TlsBytes.CHANGE_CIPHER_SPEC, TlsBytes.FINISHED));
    send(Direction.TO_SERVER, TlsBytes.APPLICATION_DATA).send(Direction.TO_CLIENT, TlsBytes.APPLICATION_DATA);
    forwarded(Direction.TO_SERVER);
    forwarded(Direction.TO_CLIENT);
    if (!judge.handshakeComplete() || !alerts.isEmpty()) {
      throw new AssertionError("the handshake fixture did not complete cleanly: " + alerts);
    }
    return this;
  }

  EmbeddedChannel channel(Direction d) {
    return d == Direction.TO_SERVER ? toServer : toClient;
  }

  /** Sends bytes one way, in one read; nothing once that way has been reset. */
  InspectedConnection send(Direction d, byte[] bytes) {
    if (channel(d).isOpen()) {
      channel(d).writeInbound(Unpooled.wrappedBuffer(bytes));
    }
    return this;
  }

  /** Sends bytes one way, cut into reads of at most {@code chunk} bytes. */
  InspectedConnection sendInChunks(Direction d, byte[] bytes, int chunk) {
    for (int i = 0; i < bytes.length && channel(d).isOpen(); i += chunk) {
      channel(d).writeInbound(Unpooled.copiedBuffer(bytes, i, Math.min(chunk, bytes.length - i)));
    }
    return this;
  }

  /** Everything forwarded one way so far, drained. */
  byte[] forwarded(Direction d) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuf buf;
    while ((buf = channel(d).readInbound()) != null) {
      byte[] b = new byte[buf.readableBytes()];
      buf.readBytes(b);
      buf.release();
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  boolean open(Direction d) {
    return channel(d).isOpen();
  }

  List<String> blockedRules() {
    return alerts.stream().filter(a -> a.recordAction() != RecordAction.FORWARD).map((Alert a) -> a.rule().id()).toList();
  }

  List<String> ruleIds() {
    return alerts.stream().map((Alert a) -> a.rule().id()).toList();
  }

  /** Asserts nothing is left inside the channels: every message read, nothing pending. */
  boolean finishClean() {
    boolean leftover = false;
    for (EmbeddedChannel ch : List.of(toServer, toClient)) {
      leftover |= ch.finishAndReleaseAll();
    }
    return !leftover;
  }

  private ChannelInboundHandlerAdapter resetRecorder(Direction d) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RecordInspector.RESET_EVENT) {
          resets.add(d);
        }
        ctx.fireUserEventTriggered(evt);
      }
    };
  }
}
