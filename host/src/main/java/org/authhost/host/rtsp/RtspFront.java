package org.authhost.host.rtsp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.PublishingPoints;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Logon;
import org.authhost.host.authn.UrlCredentials;
import org.authhost.host.authn.Verdict;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.RtspConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.http.Listeners;
import org.authhost.host.http.Transport;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.metrics.CountedAnswers;
import org.authhost.host.metrics.HostMetrics;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/**
 * The RTSP(S) front ({@code rtsp} in host.json, off unless configured): authenticates every request
 * of an RTSP client with the publishing point's plug-ins through the same {@link
 * AuthenticationDriver} as HTTP, and relays the session to the point's {@code rtsp://} origin. Each
 * connection is a pipeline of small handlers: the session limit, the idle time-out ({@link
 * IdleDeadline}, on the host's clock), TLS, the message/interleaved-frame splitter ({@link
 * RtspFramer}), the plain requests' reader ({@link RtspRequestReader}, which puts Netty's RTSP
 * codec and an aggregator behind itself for the rest), then {@link RtspRequestCheck}, {@link
 * RtspRouting}, {@link RtspAuthentication}, {@link RtspSessionBinding}, {@link RtspSetupCheck} and
 * {@link RtspRelay}. Refusals are written by {@link RtspAnswers} only.
 */
@Singleton
public final class RtspFront extends LifeCycle {
  static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(64 * 1024, 256 * 1024);
  static final String LOOPS_PROPERTY = "authhost.rtsp.eventLoops";

  private final HostConfig config;
  private final PublishingPoints points;
  private final AuthenticationDriver driver;
  private final RtspAnswers answers;
  private final HostEvents events;
  private final IpRules serverRules;
  private final HostClock clock;
  private final Scheduler scheduler;
  private final UrlCredentials urlCredentials;
  private final AtomicInteger open = new AtomicInteger();
  private final CountedAnswers counted;
  private final Listeners listeners;

  /** The transport of the front's event loops, and so of its origin connections. */
  private volatile Transport transport = Transport.nio();

  @Inject
  RtspFront(
      HostConfig config,
      PublishingPoints points,
      AuthenticationDriver driver,
      Audit audit,
      HostEvents events,
      HostClock clock,
      Scheduler scheduler,
      UrlCredentials urlCredentials,
      HostMetrics metrics) {
    this.config = config;
    this.counted = CountedAnswers.of(metrics.answers(HostMetrics.RTSP));
    this.points = points;
    this.driver = driver;
    this.answers = new RtspAnswers(audit);
    this.events = events;
    this.serverRules = IpRules.of(config.security().ipAllow(), config.security().ipDeny());
    this.clock = clock;
    this.scheduler = scheduler;
    this.urlCredentials = urlCredentials;
    this.listeners =
        new Listeners(
            "the RTSP front",
            "rtsp",
            config.configDirectory().resolve(ConfigLoader.FILE_NAME),
            false,
            Duration.ofSeconds(2));
  }

  @Override
  protected void doStart() throws Exception {
    RtspConfig rtsp = config.rtsp();
    if (!rtsp.enabled()) {
      return;
    }
    // The HTTP front's transport (epoll on Linux): the relay's two sockets per session are
    // written on every relayed read, where epoll saves NIO's selector work and wake-up writes.
    transport = Transport.pick("RTSP front");
    // The listening sockets on a loop of the workers, not a thread of their own: every RTSP session
    // is a new connection, and a separate acceptor thread woke (a context switch) for each.
    EventLoopGroup workers = transport.group(eventLoops());
    try {
      listeners.open(
          transport.serverChannel(),
          workers,
          workers,
          rtsp.bindAddress(),
          rtsp.port(),
          rtsp.tls(),
          this::configure);
    } catch (Exception e) {
      doStop();
      throw e;
    }
    int plainPort = listeners.plainPort();
    int tlsPort = listeners.tlsPort();
    events.host(
        EventLevel.INFORMATION,
        HostEvents.HOST,
        HResult.S_OK,
        "RTSP front listening on "
            + rtsp.bindAddress()
            + " ("
            + transport.name()
            + ")"
            + (plainPort >= 0 ? " rtsp:" + plainPort : "")
            + (tlsPort >= 0 ? " rtsps:" + tlsPort : ""));
  }

  private void configure(ServerBootstrap bootstrap, SslContext ssl) {
    RtspConfig rtsp = config.rtsp();
    ChannelHandler limiter = new SessionLimiter(open, rtsp.maxSessions());
    bootstrap
        .option(ChannelOption.SO_BACKLOG, 1024)
        .handler(ReadFromRegistration.ACCEPTED)
        .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        // No TCP_NODELAY option: Netty's socket channels set it as they are made; the option set it
        // again, a system call per connection.
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, MARKS)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ChannelPipeline p = ch.pipeline();
                p.addLast(
                    "fin",
                    new FinBeforeClose(
                        scheduler, Duration.ofMillis(Math.min(2_000, rtsp.idleTimeoutMillis()))));
                p.addLast("limit", limiter);
                p.addLast("idle", idleDeadline(rtsp));
                if (ssl != null) {
                  p.addLast("tls", ssl.newHandler(ch.alloc()));
                }
                RtspConnection connection =
                    new RtspConnection(ch.remoteAddress(), ch.localAddress(), ssl != null);
                // A plug-in version draining past plugins.drainSeconds closes the connections
                // still bound to it, RTSP ones as HTTP ones.
                connection.authn.closeWith(ch::close);
                addRtspHandlers(p, connection, rtsp);
              }
            });
  }

  /**
   * The front's event loops: one per processor, as the HTTP front's; {@code
   * -Dauthhost.rtsp.eventLoops=N} sets another number. The loops carry every session's whole life
   * (the relayed media of both its sockets, not only its set-up), so the default keeps a loop per
   * processor. Fewer loops cost less per session set-up where the front shares its processors with
   * its callers (an origin and clients on the same machine): each loop then wakes for more events
   * at a time, and no accepted connection is handed to another loop. On two processors shared with
   * the benchmark's origin and load tool, one loop took 7-12% less of the loops' CPU per session
   * set-up than two, in the same seconds (docs/benchmarks.md, rtsp12).
   */
  static int eventLoops() {
    return eventLoops(
        Runtime.getRuntime().availableProcessors(), Integer.getInteger(LOOPS_PROPERTY));
  }

  /** {@link #eventLoops()} for {@code processors}, and {@code set} unless null or not positive. */
  static int eventLoops(int processors, Integer set) {
    return set != null && set > 0 ? set : Math.max(1, processors);
  }

  /** Client connections open now (for the metrics and the console's live figures). */
  public int connectionsOpen() {
    return open.get();
  }

  /** The idle time-out of one client connection, on the host's clock. */
  IdleDeadline idleDeadline(RtspConfig rtsp) {
    return new IdleDeadline(clock, scheduler, Duration.ofMillis(rtsp.idleTimeoutMillis()));
  }

  void addRtspHandlers(ChannelPipeline p, RtspConnection connection, RtspConfig rtsp) {
    addRtspHandlers(p, connection, rtsp, driver::decide);
  }

  /**
   * The handlers below the socket, TLS and time-outs, with {@code decide} as the authentication
   * driver: what a test drives on an EmbeddedChannel.
   */
  void addRtspHandlers(
      ChannelPipeline p,
      RtspConnection connection,
      RtspConfig rtsp,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide) {
    addRtspHandlers(
        p, connection, rtsp, decide, driver::reauthorize, RtspRelay.sockets(MARKS, transport));
  }

  /** The same with {@code originConnector} for the origin connections. */
  void addRtspHandlers(
      ChannelPipeline p,
      RtspConnection connection,
      RtspConfig rtsp,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide,
      RtspRelay.OriginConnector originConnector) {
    addRtspHandlers(p, connection, rtsp, decide, driver::reauthorize, originConnector);
  }

  /**
   * The same with {@code reauthorize} for requests without credentials in a session ({@link
   * AuthenticationDriver#reauthorize}).
   */
  void addRtspHandlers(
      ChannelPipeline p,
      RtspConnection connection,
      RtspConfig rtsp,
      Function<AuthenticationDriver.Attempt, CompletableFuture<Verdict>> decide,
      BiFunction<AuthenticationDriver.Attempt, Logon, CompletableFuture<Verdict>> reauthorize,
      RtspRelay.OriginConnector originConnector) {
    p.addLast(
        "framer",
        new RtspFramer(rtsp.maxInitialLineBytes() + rtsp.maxHeaderBytes(), rtsp.maxBodyBytes()));
    p.addLast("frames-out", InterleavedFrameEncoder.INSTANCE);
    // Netty's codec, which it puts behind itself when needed, reads what this one leaves: requests
    // out of the plain form.
    p.addLast(
        "read",
        new RtspRequestReader(
            rtsp.maxInitialLineBytes(), rtsp.maxHeaderBytes(), rtsp.maxBodyBytes()));
    // Before every handler that answers: each answer, refusal or relayed, passes here on its way.
    p.addLast("answers", counted);
    p.addLast("check", new RtspRequestCheck(connection, answers));
    p.addLast("route", new RtspRouting(points, serverRules, answers));
    p.addLast("authenticate", new RtspAuthentication(decide, reauthorize, answers, urlCredentials));
    p.addLast("session", new RtspSessionBinding(answers));
    p.addLast("setup", new RtspSetupCheck(answers));
    p.addLast(
        "relay",
        new RtspRelay(connection, answers, urlCredentials::withoutCredentials, originConnector));
    p.addLast("end", new ConnectionEnd(connection));
  }

  @Override
  protected void doStop() throws Exception {
    listeners.close();
  }

  /** The driver the front asks; for tests below the socket level. */
  AuthenticationDriver driver() {
    return driver;
  }

  /** The plain RTSP port, or -1. */
  public int plainPort() {
    return listeners.plainPort();
  }

  /** The RTSPS port, or -1. */
  public int tlsPort() {
    return listeners.tlsPort();
  }

  /** The transport of the front's event loops and origin connections: "epoll" or "nio". */
  String transportName() {
    return transport.name();
  }

  /** Client connections open now (each with its origin connection). */
  public int openSessions() {
    return open.get();
  }

  /** Connections past {@code rtsp.maxSessions} are closed at once. */
  @ChannelHandler.Sharable
  private static final class SessionLimiter extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open;
    private final int max;

    SessionLimiter(AtomicInteger open, int max) {
      this.open = open;
      this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (open.incrementAndGet() > max) {
        ctx.close();
        return;
      }
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      open.decrementAndGet();
      super.channelInactive(ctx);
    }
  }

  /** The connection's end: its bound authentication contexts are released; errors close it. */
  private static final class ConnectionEnd extends ChannelInboundHandlerAdapter {
    private final RtspConnection connection;

    ConnectionEnd(RtspConnection connection) {
      this.connection = connection;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      connection.authn.close();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  @Override
  public String toString() {
    return "the RTSP front{" + state() + "}";
  }
}
