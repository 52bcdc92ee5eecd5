package org.authhost.host.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
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
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.Future;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.HttpConfig;
import org.authhost.host.config.TlsConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.http.content.OriginProxy;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.lifecycle.OperatorException;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.time.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP(S) front on Netty: a plain listener (loopback, or elsewhere when the operator allows it)
 * and a TLS listener from a PKCS#12 keystore, each connection a pipeline of small handlers —
 * connection limit, activity for the idle and request-head time-outs of {@link
 * ConnectionDeadlines}, TLS, HTTP codec with the size limits, chunked writes (TLS only), and the
 * request handlers of {@link RequestHandlers}.
 */
@Singleton
public final class HttpFront extends LifeCycle {
  private final HostConfig config;
  private final HttpServices services;
  private final HostEvents events;
  private final PluginHost plugins;
  private final List<Channel> listeners = new ArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final Object connectionsChanged = new Object();
  private volatile ConnectionDeadlines deadlines;
  private volatile Scheduler.Scheduled auditSummaries;

  /** Writes the audit's flood summaries, off the event loops. */
  private volatile ExecutorService summaryWriter;

  /** Below it a channel is writable again; above {@link #WRITE_HIGH_WATER} it is not. */
  static final int WRITE_LOW_WATER = 32 * 1024;

  static final int WRITE_HIGH_WATER = 128 * 1024;

  private static final Logger log = LoggerFactory.getLogger(HttpFront.class);

  /** How long a stop waits for the event loops, which have 2 s to end gracefully. */
  private static final long LOOPS_END_MILLIS = 2_500;

  private Transport transport;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private volatile int plainPort = -1;
  private volatile int tlsPort = -1;
  private final RequestHandlers requestHandlers;

  @Inject
  HttpFront(HostConfig config, HttpServices services, HostEvents events, PluginHost plugins) {
    this.config = config;
    this.plugins = plugins;
    this.services = services;
    this.events = events;
    this.requestHandlers = new RequestHandlers(services, services.driver()::decide);
  }

  @Override
  protected void doStart() throws Exception {
    if (config.integrations().nginxAuthRequest() != null) {
      OneLegPoints.check(
          plugins, config.integrations().nginxAuthRequest().points(), services.points().all());
    }
    HttpConfig http = config.http();
    deadlines =
        new ConnectionDeadlines(
            services.clock(),
            services.scheduler(),
            Duration.ofMillis(http.idleTimeoutMillis()),
            this::connectionsChanged);
    deadlines.start();
    transport = Transport.pick("HTTP front");
    boss = transport.group(1);
    workers = transport.group(eventLoops());
    // Floods in the audit get their summaries once per window, written by a thread of their own:
    // not the scheduler's (which never writes to the log), nor an event loop, which a burst of
    // summaries, each appended and synced, would keep from its connections.
    Duration window = services.audit().floodWindow();
    if (!window.isZero()) {
      ExecutorService writer =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "audit-summaries");
                t.setDaemon(true);
                return t;
              });
      summaryWriter = writer;
      services.audit().writeSummariesOn(writer);
      auditSummaries =
          services
              .scheduler()
              .scheduleWithFixedDelay(
                  () -> {
                    try {
                      writer.execute(services.audit()::flush);
                    } catch (RejectedExecutionException stopping) {
                      // The front is stopping: its stop writes what is still counted.
                    }
                  },
                  window,
                  window);
    }
    services.proxy(
        new OriginProxy(
            workers, OriginProxy.DEFAULT_TIMEOUT, null, services.clock(), services.scheduler()));
    try {
      InetAddress bind = InetAddress.getByName(http.bindAddress());
      if (http.port() >= 0) {
        plainPort =
            listen(bind, http.port(), null, http.portFromCommandLine() ? "--port" : "http.port");
      }
      if (http.tls() != null) {
        tlsPort = listen(bind, http.tls().port(), sslContext(http.tls()), "http.tls.port");
      }
    } catch (Exception e) {
      doStop();
      throw e;
    }
    for (var point : config.publishingPoints()) {
      if (point.directory() != null && !Files.isDirectory(point.directory())) {
        events.host(
            EventLevel.WARNING,
            HostEvents.HOST,
            HResult.E_FILE_NOT_FOUND,
            "publishing point '"
                + point.name()
                + "': its folder "
                + point.directory()
                + " does not exist, so every request for "
                + point.prefix()
                + " gets 404. Fix: create the folder and put the content in it");
      }
    }
    events.host(
        EventLevel.INFORMATION,
        HostEvents.HOST,
        HResult.S_OK,
        "HTTP front listening on "
            + http.bindAddress()
            + " ("
            + transport.name()
            + ", "
            + eventLoops()
            + " event loops)"
            + (plainPort >= 0 ? " http:" + plainPort : "")
            + (tlsPort >= 0 ? " https:" + tlsPort : ""));
  }

  /**
   * One event loop per available processor (Netty's default is two per processor): an event loop
   * never blocks on plug-in code (that runs on the plug-in workers), so more loops than cores only
   * add context switches. {@code -Dauthhost.http.eventLoops=N} overrides it.
   */
  static int eventLoops() {
    Integer set = Integer.getInteger("authhost.http.eventLoops");
    if (set != null && set > 0) {
      return set;
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Listens on {@code address:port}; a port that cannot be had is one {@link OperatorException}
   * naming the port, the {@code setting} that asks for it (in host.json, or the command line's
   * {@code --port}), and the fix.
   *
   * @return the port listened on (the one picked, for port 0)
   */
  private int listen(InetAddress address, int port, SslContext ssl, String setting)
      throws Exception {
    Channel channel;
    try {
      channel = bind(address, port, ssl);
    } catch (Exception e) {
      // Netty rethrows the socket's exception unchecked (NIO: BindException; epoll: its own).
      if (!(e instanceof IOException)) {
        throw e;
      }
      String reason = String.valueOf(e.getMessage());
      boolean inUse = reason.toLowerCase(Locale.ROOT).contains("in use");
      throw new OperatorException(
          "host/port-in-use",
          (inUse
                  ? "port " + port + " on " + address.getHostAddress() + " is already in use"
                  : "the HTTP front cannot listen on "
                      + address.getHostAddress()
                      + ":"
                      + port
                      + " ("
                      + reason
                      + ")")
              + " ("
              + setting
              + (setting.startsWith("--")
                  ? " on the command line"
                  : " in " + config.configDirectory().resolve(ConfigLoader.FILE_NAME))
              + ")",
          "stop the program that holds the port, or set "
              + setting
              + " to a free port (0 picks one)",
          e);
    }
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  private Channel bind(InetAddress address, int port, SslContext ssl) throws InterruptedException {
    HttpConfig http = config.http();
    ChannelHandler limiter =
        new ConnectionLimiter(open, http.maxConnections(), this::connectionsChanged);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            // A slow reader stops being written to (isWritable) before its queue grows without
            // bound; small files and headers never come near these marks.
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(WRITE_LOW_WATER, WRITE_HIGH_WATER))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(FlushAtTurnEnd.NAME, new FlushAtTurnEnd());
                    p.addLast("limit", limiter);
                    ConnectionActivity activity = deadlines.newConnection();
                    p.addLast("activity", activity);
                    if (ssl != null) {
                      SslHandler tls = ssl.newHandler(ch.alloc());
                      limitHandshake(ch, tls, Duration.ofMillis(http.handshakeTimeoutMillis()));
                      p.addLast("tls", tls);
                    }
                    p.addLast(
                        "http",
                        new RequestCodec(
                            http.maxInitialLineBytes(), http.maxHeaderBytes(), 64 * 1024));
                    if (ssl != null) {
                      // Only FileResponder's TLS path writes a ChunkedInput (a file cannot go out
                      // as a zero-copy region through TLS); on plain connections the handler
                      // would only queue and re-write every message of every response.
                      p.addLast("chunked", new ChunkedWriteHandler());
                    }
                    requestHandlers.addTo(p, activity);
                  }
                });
    Channel channel = bootstrap.bind(address, port).sync().channel();
    listeners.add(channel);
    return channel;
  }

  /** What the front shares with every connection; for tests below the socket level. */
  HttpServices services() {
    return services;
  }

  /**
   * Closes a connection whose TLS handshake has not finished within {@code limit}, on the host's
   * scheduler rather than the handler's own timer, so that a test moves it with a fake clock. One
   * task per TLS connection, cancelled when the handshake ends, costs nothing next to the
   * handshake.
   */
  private void limitHandshake(SocketChannel ch, SslHandler tls, Duration limit) {
    tls.setHandshakeTimeoutMillis(0);
    Scheduler.Scheduled cutOff = services.scheduler().schedule(ch::close, limit);
    tls.handshakeFuture().addListener(f -> cutOff.cancel());
    ch.closeFuture().addListener(f -> cutOff.cancel());
  }

  /** The server side of TLS from a PKCS#12 keystore (the console uses it for its own). */
  public static SslContext sslContext(TlsConfig tls) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.keystore())) {
      keyStore.load(in, tls.password().toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(keyStore, tls.password().toCharArray());
    return SslContextBuilder.forServer(keys).build();
  }

  /**
   * Null-safe and idempotent: runs after a start that failed half-way (from its own catch, and
   * again when the container rolls back), so it releases only what is there, once.
   */
  @Override
  protected void doStop() throws Exception {
    Scheduler.Scheduled summaries = auditSummaries;
    auditSummaries = null;
    if (summaries != null) {
      summaries.cancel();
    }
    ExecutorService writer = summaryWriter;
    summaryWriter = null;
    if (writer != null) {
      services.audit().writeSummariesOn(null);
    }
    if (writer != null) {
      writer.shutdown();
      writer.awaitTermination(LOOPS_END_MILLIS, TimeUnit.MILLISECONDS);
    }
    for (Channel listener : listeners) {
      listener.close().syncUninterruptibly();
    }
    listeners.clear();
    // Both groups at once, so that the front's share of the host's stop bound is one time-out.
    EventLoopGroup b = boss;
    boss = null;
    EventLoopGroup w = workers;
    workers = null;
    List<Future<?>> ending = new ArrayList<>();
    for (EventLoopGroup group : new EventLoopGroup[] {b, w}) {
      if (group != null) {
        ending.add(group.shutdownGracefully(0, 2, TimeUnit.SECONDS));
      }
    }
    // Bounded: a loop stuck in an inline call of a non-blocking plug-in never ends, and the host's
    // stop must (the plug-in stop names that call as abandoned).
    for (Future<?> done : ending) {
      if (!done.awaitUninterruptibly(LOOPS_END_MILLIS)) {
        log.warn(
            "an event loop did not end within {} ms of the stop (a plug-in call inline on it?);"
                + " the stop goes on without it",
            LOOPS_END_MILLIS);
      }
    }
    ConnectionDeadlines d = deadlines;
    if (d != null) {
      d.stop();
    }
    if (summaries != null) {
      services.audit().close();
    }
    plainPort = -1;
    tlsPort = -1;
  }

  /** The plain HTTP port, or -1. */
  public int plainPort() {
    return plainPort;
  }

  /** Wakes the tests waiting in {@link #awaitConnections}. */
  private void connectionsChanged() {
    synchronized (connectionsChanged) {
      connectionsChanged.notifyAll();
    }
  }

  /**
   * For tests: waits, on a notification from the front itself rather than by polling, until {@link
   * #openConnections()} (the connections the front's time limits watch) is {@code open} and the
   * connection limiter counts {@code counted} (which includes connections it is refusing).
   *
   * @throws AssertionError if that does not happen within {@code timeout} of real time
   */
  void awaitConnections(int open, int counted, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (connectionsChanged) {
      while (openConnections() != open || this.open.get() != counted) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              openConnections()
                  + " connection(s) open and "
                  + this.open.get()
                  + " counted by the limiter, not "
                  + open
                  + " and "
                  + counted
                  + ", after "
                  + timeout);
        }
        TimeUnit.NANOSECONDS.timedWait(connectionsChanged, left);
      }
    }
  }

  /** How many client connections are open: for a test to know the front has seen its own. */
  public int openConnections() {
    ConnectionDeadlines d = deadlines;
    return d == null ? 0 : d.open();
  }

  /**
   * Client connections open now, both listeners, as the connection limit counts them (for the
   * metrics and the console's live figures).
   */
  public int connectionsOpen() {
    return open.get();
  }

  /** The HTTPS port, or -1. */
  public int tlsPort() {
    return tlsPort;
  }

  /** Refuses connections past the limit by closing them at once. */
  @ChannelHandler.Sharable
  private static final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open;
    private final int max;
    private final Runnable onChange;

    ConnectionLimiter(AtomicInteger open, int max, Runnable onChange) {
      this.open = open;
      this.max = max;
      this.onChange = onChange;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      int now = open.incrementAndGet();
      onChange.run();
      if (now > max) {
        ctx.close();
        return;
      }
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      open.decrementAndGet();
      onChange.run();
      super.channelInactive(ctx);
    }
  }

  @Override
  public String toString() {
    return "the HTTP front{" + state() + "}";
  }
}
