package io.heartguard.guard;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.io.IOException;

/**
 * Writes what the inspector allowed to the other side, with back-pressure in both directions: when the other side
 * cannot take more (its outbound buffer is over the high water mark), this side stops reading until it drains, as
 * Netty's HexDumpProxy and HAProxy do, so a slow reader never makes the guard buffer without bound. Half-closes
 * and resets are passed across.
 */
final class Relay extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final IdleWatch idle;

  Relay(Channel peer, IdleWatch idle) {
    this.peer = peer;
    this.idle = idle;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    idle.touch();
    // Flushed at once rather than at channelReadComplete: a read loop may gather up to 16 reads before that,
    // which would hold a megabyte back and make the stream stutter.
    peer.writeAndFlush(msg, peer.voidPromise());
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // This side drained below the low water mark: the side feeding it may read again.
    if (ctx.channel().isWritable()) {
      resumeReading(peer);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      halfClose(ctx.channel());
    } else if (evt == RecordInspector.RESET_EVENT) {
      reset(peer);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeAfterFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset (or other socket error) on one side is passed on as a reset to the other.
    if (!(cause instanceof IOException)) {
      System.err.println("guard: connection reset after an internal error: " + cause);
    }
    reset(peer);
    reset(ctx.channel());
  }

  /** This side sent FIN: pass it on once everything before it is written, and close a side done both ways. */
  private void halfClose(Channel self) {
    if (peer instanceof DuplexChannel duplexPeer && peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f ->
          duplexPeer.shutdownOutput().addListener((ChannelFutureListener) g -> {
            if (duplexPeer.isInputShutdown()) {
              duplexPeer.close();
            }
          }));
    } else {
      closeAfterFlush(peer);
    }
    if (self instanceof DuplexChannel duplexSelf && duplexSelf.isOutputShutdown()) {
      self.close();
    }
  }

  /**
   * Turns reading back on, unless the channel is closed or its input already ended (epoll has then dropped the
   * socket from its interest set, and asking to read again fails).
   */
  static void resumeReading(Channel channel) {
    boolean inputEnded = channel instanceof DuplexChannel duplex && duplex.isInputShutdown();
    if (channel.isActive() && !inputEnded && !channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
  }

  static void closeAfterFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** SO_LINGER 0: close() sends RST and discards anything unsent. */
  static void reset(Channel channel) {
    if (channel.isActive()) {
      try {
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
      } catch (ChannelException e) {
        // The socket closed meanwhile: a plain close is all that is left to do.
      }
    }
    channel.close();
  }
}
