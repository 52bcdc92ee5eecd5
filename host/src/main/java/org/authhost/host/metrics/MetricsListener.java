package org.authhost.host.metrics;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.IpRules;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.MetricsConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.http.Listeners;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.lifecycle.OperatorException;
import org.authhost.host.rtsp.IdleDeadline;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/**
 * The Prometheus listener: {@code GET /metrics} on a port of its own ({@code metrics.port}), on one
 * event loop of its own so that a scrape never waits behind clients nor they behind it. Off unless
 * configured; loopback unless the operator binds it elsewhere and lists the scrapers' addresses
 * ({@link MetricsRequests} says who gets what). WMS counterpart: none in WMS itself, whose counters
 * Performance Monitor read locally; this is the remote reading a Prometheus server does.
 */
@Singleton
public final class MetricsListener extends LifeCycle {
  /** Scrapers are few; past this many connections at once, new ones are closed. */
  static final int MAX_CONNECTIONS = 64;

  /**
   * A connection that has not completed a request for this long (since it opened, or since its last
   * complete request and its answer) is closed, so that neither silent connections nor peers that
   * trickle a byte at a time can hold the scrapers' room; a scraper that keeps its connection
   * between scrapes opens a new one.
   */
  static final Duration IDLE = Duration.ofSeconds(30);

  private final MetricsConfig config;
  private final HostConfig host;
  private final HostMetrics metrics;
  private final HostEvents events;
  private final HostClock clock;
  private final Scheduler scheduler;
  private final AtomicInteger open = new AtomicInteger();
  private final Listeners listeners;

  @Inject
  MetricsListener(
      HostConfig host,
      HostMetrics metrics,
      HostGauges gauges,
      HostEvents events,
      HostClock clock,
      Scheduler scheduler) {
    // The gauges registered themselves in the host's registry as they were made.
    this.host = host;
    this.config = host.metrics();
    this.metrics = metrics;
    this.events = events;
    this.clock = clock;
    this.scheduler = scheduler;
    this.listeners =
        new Listeners(
            "the metrics listener",
            "metrics",
            host.configDirectory().resolve(ConfigLoader.FILE_NAME),
            true,
            Duration.ofSeconds(1));
  }

  @Override
  protected void doStart() throws Exception {
    if (!config.enabled()) {
      return;
    }
    String token = token();
    MetricsRequests requests =
        new MetricsRequests(
            metrics,
            config.allow().isEmpty() ? null : IpRules.of(config.allow(), List.of()),
            token);
    ChannelHandler limiter = new Limiter(open, requests);
    EventLoopGroup loop = new NioEventLoopGroup(1);
    try {
      listeners.open(
          loop,
          loop,
          config.bindAddress(),
          config.port(),
          config.tls(),
          (bootstrap, ssl) -> configure(bootstrap, ssl, limiter, requests));
    } catch (Exception e) {
      doStop();
      throw e;
    }
    InetAddress bind = InetAddress.getByName(config.bindAddress());
    int port = listeners.plainPort();
    int tlsPort = listeners.tlsPort();
    events.host(
        EventLevel.INFORMATION,
        HostEvents.HOST,
        HResult.S_OK,
        "metrics listening on "
            + (port >= 0 ? "http://" + hostText(bind) + ":" + port + MetricsRequests.PATH : "")
            + (port >= 0 && tlsPort >= 0 ? " and " : "")
            + (tlsPort >= 0
                ? "https://" + hostText(bind) + ":" + tlsPort + MetricsRequests.PATH
                : "")
            + " (loopback"
            + (config.allow().isEmpty() ? "" : " and " + String.join(", ", config.allow()))
            + (token == null ? "" : "; a bearer token is required")
            + ")");
  }

  private void configure(
      ServerBootstrap bootstrap, SslContext ssl, ChannelHandler limiter, MetricsRequests requests) {
    bootstrap.childHandler(
        new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            // The limiter first: a connection it closes needs nothing else. The deadline after
            // the aggregator, where only complete requests pass (and their answers, the other
            // way): bytes that never make a request do not put it off. It still starts when the
            // connection does, as the handshake and the codec pass the activation on at once.
            ch.pipeline().addLast("limit", limiter);
            if (ssl != null) {
              ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc()));
            }
            ch.pipeline()
                .addLast("http", new HttpServerCodec(4096, 8192, 8192))
                .addLast("aggregate", new HttpObjectAggregator(8192))
                .addLast("idle", new IdleDeadline(clock, scheduler, IDLE))
                .addLast("metrics", requests);
          }
        });
  }

  private static String hostText(InetAddress address) {
    String text = address.getHostAddress();
    return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
  }

  /** The bearer token from the file or host.json, or null; never written anywhere. */
  private String token() throws OperatorException {
    if (config.bearerTokenFile() == null) {
      return config.bearerToken();
    }
    String token;
    try {
      String content = Files.readString(config.bearerTokenFile(), StandardCharsets.UTF_8);
      int end = content.indexOf('\n');
      token = (end < 0 ? content : content.substring(0, end)).strip();
    } catch (IOException e) {
      throw new OperatorException(
          "host/metrics-token",
          "the metrics bearer token file "
              + config.bearerTokenFile()
              + " cannot be read ("
              + e.getClass().getSimpleName()
              + ") (metrics.bearerTokenFile in "
              + host.configDirectory().resolve(ConfigLoader.FILE_NAME)
              + ")",
          "create the file with the token on its first line, readable by the host's account",
          e);
    }
    if (!MetricsConfig.isUsableToken(token)) {
      throw new OperatorException(
          "host/metrics-token",
          "the metrics bearer token in "
              + config.bearerTokenFile()
              + " is not usable: its first line must be at least "
              + MetricsConfig.MIN_TOKEN_LENGTH
              + " printable characters without"
              + " spaces (RFC 6750 b64token)",
          "write a long random token on the file's first line, e.g. the output of"
              + " `openssl rand -base64 32`",
          null);
    }
    return token;
  }

  @Override
  protected void doStop() throws Exception {
    listeners.close();
  }

  /** The plain port listened on, or -1 when off or stopped. */
  public int port() {
    return listeners.plainPort();
  }

  /** The HTTPS port listened on ({@code metrics.tls}), or -1 when off or stopped. */
  public int tlsPort() {
    return listeners.tlsPort();
  }

  @Override
  public String toString() {
    return "the metrics listener{" + state() + "}";
  }

  /**
   * Closes a peer that is not allowed as soon as it connects (before anything is read: it holds no
   * file descriptor and learns nothing), and connections of allowed scrapers past {@link
   * #MAX_CONNECTIONS}.
   */
  @ChannelHandler.Sharable
  private static final class Limiter extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open;
    private final MetricsRequests requests;

    Limiter(AtomicInteger open, MetricsRequests requests) {
      this.open = open;
      this.requests = requests;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (!requests.allowed(ctx.channel().remoteAddress())) {
        ctx.close();
        return;
      }
      if (open.incrementAndGet() > MAX_CONNECTIONS) {
        ctx.close();
        return;
      }
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (requests.allowed(ctx.channel().remoteAddress())) {
        open.decrementAndGet();
      }
      super.channelInactive(ctx);
    }
  }
}
