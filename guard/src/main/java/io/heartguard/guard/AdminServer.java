package io.heartguard.guard;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The admin port: {@code GET /metrics} (Prometheus text) and {@code GET /health} (200 ok, 503 while draining). */
public final class AdminServer implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  public static AdminServer start(Endpoint listen, GuardServer guard) {
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(1);
    ChannelFuture bound = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Pages(guard));
          }
        })
        .bind(listen.toSocketAddress()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot listen on admin address " + listen + ": " + bound.cause().getMessage());
    }
    return new AdminServer(group, bound.channel());
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  private static final class Pages extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final GuardServer guard;

    Pages(GuardServer guard) {
      this.guard = guard;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = request.uri().split("\\?", 2)[0];
      FullHttpResponse response;
      if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
        response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n", "text/plain; charset=utf-8");
      } else if (path.equals("/metrics")) {
        response = text(HttpResponseStatus.OK, guard.metrics().prometheusText(), "text/plain; version=0.0.4; charset=utf-8");
      } else if (path.equals("/health")) {
        response = guard.draining()
            ? text(HttpResponseStatus.SERVICE_UNAVAILABLE, "draining\n", "text/plain; charset=utf-8")
            : text(HttpResponseStatus.OK, "ok\n", "text/plain; charset=utf-8");
      } else {
        response = text(HttpResponseStatus.NOT_FOUND, "no page " + path + " (try /metrics or /health)\n",
            "text/plain; charset=utf-8");
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      ChannelFuture written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      return response;
    }
  }
}
