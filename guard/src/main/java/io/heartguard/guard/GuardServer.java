package io.heartguard.guard;

import io.heartguard.detect.AlertSink;
import io.heartguard.detect.Direction;
import io.heartguard.detect.FlowInfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guard's listeners and their connections. Each accepted connection gets its own upstream connection on the
 * same event loop, so the two directions of a connection share their {@link RecordJudge} without locks.
 *
 * <p>Memory per connection is capped: each socket reads at most {@link Limits#maxReadBytes} at a time, stops
 * reading while the other side's unsent bytes exceed {@link Limits#highWaterMark}, and an inspector holds at most
 * {@link RecordInspector#MAX_HELD} bytes (in practice eight, a header and a heartbeat's type and payload_length, or
 * one handshake record from the server until ServerHello is read).
 */
public final class GuardServer implements AutoCloseable {
  /** Unsent bytes per socket above which the other side stops being read (resumes at half). */
  static final int HIGH_WATER_MARK = 64 * 1024;

  /** Connection limits and timeouts; {@link #defaults()} suits a server in front of a web site. */
  public record Limits(int maxConnections, Duration idleTimeout, Duration connectTimeout, Duration drainTimeout,
      int highWaterMark, int maxReadBytes, int threads) {
    public Limits {
      if (maxConnections < 1 || highWaterMark < 1024 || maxReadBytes < 1024 || threads < 1) {
        throw new IllegalArgumentException("limits too small: " + maxConnections + " connections, high water mark "
            + highWaterMark + ", read size " + maxReadBytes + ", " + threads + " threads");
      }
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      Objects.requireNonNull(drainTimeout, "drainTimeout");
    }

    public static Limits defaults() {
      return new Limits(10_000, Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
          HIGH_WATER_MARK, 64 * 1024, Runtime.getRuntime().availableProcessors());
    }

    public Limits withMaxConnections(int n) {
      return new Limits(n, idleTimeout, connectTimeout, drainTimeout, highWaterMark, maxReadBytes, threads);
    }

    public Limits withIdleTimeout(Duration d) {
      return new Limits(maxConnections, d, connectTimeout, drainTimeout, highWaterMark, maxReadBytes, threads);
    }

    public Limits withDrainTimeout(Duration d) {
      return new Limits(maxConnections, idleTimeout, connectTimeout, d, highWaterMark, maxReadBytes, threads);
    }

    public Limits withBuffers(int highWaterMark, int maxReadBytes) {
      return new Limits(maxConnections, idleTimeout, connectTimeout, drainTimeout, highWaterMark, maxReadBytes, threads);
    }

    public Limits withThreads(int n) {
      return new Limits(maxConnections, idleTimeout, connectTimeout, drainTimeout, highWaterMark, maxReadBytes, n);
    }
  }

  private final Transport transport = Transport.best();
  private final EventLoopGroup acceptors = transport.newGroup(1);
  private final EventLoopGroup workers;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new ArrayList<>();
  private final List<ListenerSpec> specs;
  private final Limits limits;
  private final AlertSink alerts;
  private final GuardMetrics metrics;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong flowIds = new AtomicLong(1);
  private volatile boolean draining;

  private GuardServer(List<ListenerSpec> specs, Limits limits, AlertSink alerts, GuardMetrics metrics) {
    this.specs = List.copyOf(specs);
    this.limits = limits;
    this.workers = transport.newGroup(limits.threads());
    this.metrics = metrics;
    this.alerts = alert -> {
      metrics.alert(alert);
      alerts.onAlert(alert);
    };
  }

  /** Binds every listener; fails (and releases what it bound) if any address cannot be bound. */
  public static GuardServer start(List<ListenerSpec> specs, Limits limits, AlertSink alerts, GuardMetrics metrics) {
    GuardServer server = new GuardServer(specs, limits, alerts, metrics);
    try {
      for (ListenerSpec spec : specs) {
        server.bind(spec);
      }
    } catch (RuntimeException e) {
      server.shutdownNow();
      throw e;
    }
    return server;
  }

  private void bind(ListenerSpec spec) {
    WriteBufferWaterMark waterMark = new WriteBufferWaterMark(limits.highWaterMark() / 2, limits.highWaterMark());
    ServerBootstrap b = new ServerBootstrap()
        .group(acceptors, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false) // nothing is read before upstream is connected
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
        .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 8192, limits.maxReadBytes()))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new Connector(spec, waterMark));
          }
        });
    ChannelFuture bound = b.bind(spec.listen().toSocketAddress()).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IllegalStateException("cannot listen on " + spec.listen() + ": " + bound.cause().getMessage());
    }
    listeners.add(bound.channel());
  }

  /** The bound addresses, in listener order (useful with port 0). */
  public List<InetSocketAddress> addresses() {
    return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  public List<ListenerSpec> specs() {
    return specs;
  }

  public GuardMetrics metrics() {
    return metrics;
  }

  public boolean draining() {
    return draining;
  }

  public String transportName() {
    return transport.name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Graceful shutdown: stop accepting, let open connections finish for up to the drain timeout, then close what is
   * left and stop the event loops.
   */
  @Override
  public void close() {
    draining = true;
    for (Channel listener : listeners) {
      listener.close().awaitUninterruptibly();
    }
    connections.newCloseFuture().awaitUninterruptibly(limits.drainTimeout().toMillis());
    shutdownNow();
  }

  private void shutdownNow() {
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** Admits an accepted connection and opens its upstream; replaced by the inspector and relay once connected. */
  private final class Connector extends ChannelInboundHandlerAdapter {
    private final ListenerSpec spec;
    private final WriteBufferWaterMark waterMark;
    /** What arrived before upstream answered, in order: bytes read and events (a FIN), to replay once it has. */
    private final List<Object> early = new ArrayList<>();

    Connector(ListenerSpec spec, WriteBufferWaterMark waterMark) {
      this.spec = spec;
      this.waterMark = waterMark;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel front = ctx.channel();
      if (draining || open.incrementAndGet() > limits.maxConnections()) {
        if (!draining) {
          open.decrementAndGet();
        }
        metrics.connectionRefused();
        System.err.println("guard: refused connection from " + front.remoteAddress() + ": "
            + (draining ? "shutting down" : limits.maxConnections() + " connections open (--max-connections)"));
        Relay.reset(front);
        return;
      }
      metrics.connectionOpened();
      connections.add(front);
      front.closeFuture().addListener(f -> {
        open.decrementAndGet();
        metrics.connectionClosed();
      });
      InetSocketAddress client = (InetSocketAddress) front.remoteAddress();
      FlowInfo flow = new FlowInfo(FlowInfo.Transport.TCP, client.getAddress().getHostAddress(), client.getPort(), spec.upstream().host(),
          spec.upstream().port(), flowIds.getAndIncrement());
      RecordJudge judge = new DetectJudge(spec.policies(), spec.action(), flow, alerts, Clock.systemUTC());
      IdleWatch idle = IdleWatch.start(front, limits.idleTimeout());
      Bootstrap b = new Bootstrap()
          .group(front.eventLoop())
          .channel(transport.socketChannel())
          .option(ChannelOption.AUTO_READ, false)
          .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
          .option(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 8192, limits.maxReadBytes()))
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.connectTimeout().toMillis())
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel back) {
              back.pipeline().addLast(new RecordInspector(Direction.TO_CLIENT, judge, metrics), new Relay(front, idle));
            }
          });
      b.connect(spec.upstream().host(), spec.upstream().port()).addListener((ChannelFutureListener) f -> {
        if (!f.isSuccess()) {
          metrics.upstreamFailed();
          System.err.println("guard: cannot reach upstream " + spec.upstream() + " for " + front.remoteAddress()
              + ": " + f.cause().getMessage());
          Relay.reset(front);
          return;
        }
        Channel back = f.channel();
        if (!front.isActive()) {
          back.close();
          releaseEarly();
          return;
        }
        connections.add(back);
        front.pipeline().addLast(new RecordInspector(Direction.TO_SERVER, judge, metrics), new Relay(back, idle));
        front.pipeline().remove(this);
        replayEarly(front);
        Relay.resumeReading(front);
        Relay.resumeReading(back);
      });
    }

    private void replayEarly(Channel front) {
      boolean read = false;
      for (Object o : early) {
        if (o instanceof io.netty.buffer.ByteBuf) {
          front.pipeline().fireChannelRead(o);
          read = true;
        } else {
          if (read) {
            front.pipeline().fireChannelReadComplete();
            read = false;
          }
          front.pipeline().fireUserEventTriggered(o);
        }
      }
      if (read) {
        front.pipeline().fireChannelReadComplete();
      }
      early.clear();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      early.add(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      // Epoll reads once on a peer's FIN even with autoRead off: keep those bytes for the inspector.
      early.add(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      releaseEarly();
    }

    private void releaseEarly() {
      early.forEach(ReferenceCountUtil::release);
      early.clear();
    }
  }
}
