package org.authhost.host.console;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.access.PublishingPoints;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.admin.LockoutRelease;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.ConsoleConfig;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.HostJsonWriter;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.diagnostics.TroubleshootingList;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.http.HttpAnswers;
import org.authhost.host.http.Listeners;
import org.authhost.host.http.RequestCodec;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.lifecycle.OperatorException;
import org.authhost.host.metrics.CountedAnswers;
import org.authhost.host.metrics.HostMetrics;
import org.authhost.host.metrics.LiveFigures;
import org.authhost.host.plugins.PluginHost;

/**
 * The operator's web console (issue 17; the WMS Administrator for the Web): a listener of its own,
 * plain and/or TLS with its own keystore, loopback unless configured, started after the plug-ins
 * and stopped before them. Each connection is the HTTP front's codec, a body limit, and a {@link
 * ConsoleHandler}; the requests go through {@link ConsoleRequests}.
 */
@Singleton
public final class ConsoleServer extends LifeCycle {
  /** The largest request body: a named value, an account, a password. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** An open connection that sends nothing for this long is closed. */
  static final Duration CONNECTION_IDLE = Duration.ofMinutes(2);

  private final HostConfig config;
  private final AuthenticationDriver driver;
  private final Audit audit;
  private final PluginHost plugins;
  private final AccountStore accounts;
  private final TroubleshootingList troubleshooting;
  private final LockoutRelease lockouts;
  private final EventLogStore eventLog;
  private final PublishingPoints points;
  private final HostJsonWriter writer;
  private final HostEvents events;
  private final LiveFigures figures;
  private final LogonThrottle throttle;
  private final CountedAnswers counted;
  private final Clock clock;

  private final Listeners listeners;
  private ExecutorService worker;
  private volatile ConsoleSessions sessions;

  @Inject
  ConsoleServer(
      HostConfig config,
      AuthenticationDriver driver,
      Audit audit,
      PluginHost plugins,
      AccountStore accounts,
      TroubleshootingList troubleshooting,
      LockoutRelease lockouts,
      EventLogStore eventLog,
      PublishingPoints points,
      HostJsonWriter writer,
      HostEvents events,
      LiveFigures figures,
      LogonThrottle throttle,
      HostMetrics metrics,
      Clock clock) {
    this.config = config;
    this.driver = driver;
    this.audit = audit;
    this.plugins = plugins;
    this.accounts = accounts;
    this.troubleshooting = troubleshooting;
    this.lockouts = lockouts;
    this.eventLog = eventLog;
    this.points = points;
    this.writer = writer;
    this.events = events;
    this.figures = figures;
    this.throttle = throttle;
    this.counted = CountedAnswers.of(metrics.answers(HostMetrics.CONSOLE));
    this.clock = clock;
    this.listeners =
        new Listeners(
            "the web console",
            "console",
            config.configDirectory().resolve(ConfigLoader.FILE_NAME),
            false,
            Duration.ofSeconds(1));
  }

  @Override
  protected void doStart() throws Exception {
    ConsoleConfig console = config.console();
    if (!console.enabled()) {
      return;
    }
    ConsolePoint point;
    try {
      point =
          new ConsolePoint(
              console,
              plugins,
              accounts,
              IpRules.of(config.security().ipAllow(), config.security().ipDeny()));
    } catch (IllegalArgumentException e) {
      throw new OperatorException(
          "console/operators-group",
          "console.operatorsGroup in "
              + config.configDirectory().resolve(ConfigLoader.FILE_NAME)
              + " names '"
              + console.operatorsGroup()
              + "', which is no local group ("
              + e.getMessage()
              + ")",
          "create the group ('authhost accounts groups add "
              + console.operatorsGroup()
              + "') or correct the name",
          e);
    }
    sessions = new ConsoleSessions(clock, Duration.ofMinutes(console.idleMinutes()));
    worker =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "console-worker");
              t.setDaemon(true);
              return t;
            });
    ConsoleApi api =
        new ConsoleApi(
            config,
            plugins,
            troubleshooting,
            lockouts,
            eventLog,
            accounts,
            points,
            writer,
            events,
            new NowPane(figures, plugins, throttle, eventLog, sessions),
            clock,
            sessions,
            point::offers);
    ConsoleRequests requests =
        new ConsoleRequests(
            driver,
            new HttpAnswers(audit),
            sessions,
            point,
            api,
            new ConsoleAssets(),
            events,
            worker);
    EventLoopGroup loop = new NioEventLoopGroup(1);
    try {
      listeners.open(
          loop,
          loop,
          console.bindAddress(),
          console.port(),
          console.tls(),
          (bootstrap, ssl) -> configure(bootstrap, ssl, requests));
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
        "web console listening on "
            + console.bindAddress()
            + (plainPort > 0 ? " http:" + plainPort : "")
            + (tlsPort > 0 ? " https:" + tlsPort : "")
            + " (log on as a member of Administrators"
            + (console.operatorsGroup() == null
                ? ""
                : ", or of " + console.operatorsGroup() + " to look only")
            + ")");
    InetAddress shutOut = localOperatorShutOut(console.bindAddress(), point.serverIpRules());
    if (shutOut != null) {
      // The console obeys the server's address lists (an upgrade made it so): a list written for
      // the clients alone would greet the operator at this machine with a 403 and no reason why.
      events.host(
          EventLevel.WARNING,
          HostEvents.HOST,
          HResult.S_FALSE,
          "security.ipAllow/ipDeny in "
              + config.configDirectory().resolve(ConfigLoader.FILE_NAME)
              + " refuse "
              + shutOut.getHostAddress()
              + ", so the web console on "
              + console.bindAddress()
              + " answers 403 to an operator on this machine; they apply to the console too. Fix:"
              + " add \""
              + shutOut.getHostAddress()
              + "\" to security.ipAllow (and take it out of ipDeny), or bind the console to an"
              + " address the lists allow");
    }
    if (console.oldBindKey()) {
      events.host(
          EventLevel.WARNING,
          HostEvents.HOST,
          HResult.S_FALSE,
          "console.bind in "
              + config.configDirectory().resolve(ConfigLoader.FILE_NAME)
              + " is the old name of console.bindAddress (the name every listener uses); it still"
              + " works: rename the key");
    }
    if (console.zeroPortLine() > 0) {
      // An explicit 0 is the one value whose meaning changed: a file written before meant "no
      // plain listener" by it and now has one, on a port nobody chose. Absent and -1 still mean
      // off, and a fixed port says "on" unambiguously, so only the 0 is worth a warning.
      events.host(
          EventLevel.WARNING,
          HostEvents.HOST,
          HResult.S_FALSE,
          "console.port is 0 at "
              + config.configDirectory().resolve(ConfigLoader.FILE_NAME)
              + ":"
              + console.zeroPortLine()
              + ": it picks a free port, so the web console listens in plain HTTP on "
              + console.bindAddress()
              + ":"
              + plainPort
              + "; before, 0 meant no plain console listener. Fix: set console.port to -1 (or"
              + " remove it) to keep the plain listener off, or to a fixed port to keep it on");
    }
  }

  /**
   * The address an operator on this machine reaches the console from, if the server's address lists
   * refuse it: the bind address itself, or loopback for a console bound to every address; null when
   * it is allowed (or the bind address is a name that does not resolve: the listener said so
   * already).
   */
  static InetAddress localOperatorShutOut(String bindAddress, IpRules rules) {
    InetAddress bound;
    try {
      bound = InetAddress.getByName(bindAddress);
    } catch (UnknownHostException e) {
      return null;
    }
    InetAddress from = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
    return rules.allows(from) ? null : from;
  }

  private void configure(ServerBootstrap bootstrap, SslContext ssl, ConsoleRequests requests) {
    bootstrap
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ChannelPipeline p = ch.pipeline();
                long idle = CONNECTION_IDLE.toMillis();
                p.addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
                p.addLast("close-idle", new CloseIdle());
                if (ssl != null) {
                  p.addLast("tls", ssl.newHandler(ch.alloc()));
                }
                p.addLast(
                    "http",
                    new RequestCodec(
                        config.http().maxInitialLineBytes(),
                        config.http().maxHeaderBytes(),
                        MAX_BODY_BYTES));
                // Below everything that writes an answer: refusals, pages and the API.
                p.addLast("count", counted);
                p.addLast("body", new HttpObjectAggregator(MAX_BODY_BYTES));
                p.addLast("console", new ConsoleHandler(requests, ssl != null));
              }
            });
  }

  /** Closes a connection that has been silent for {@link #CONNECTION_IDLE}. */
  private static final class CloseIdle extends ChannelDuplexHandler {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }
  }

  @Override
  protected void doStop() throws Exception {
    listeners.close();
    ExecutorService w = worker;
    worker = null;
    if (w != null) {
      w.shutdownNow();
    }
  }

  /** The plain port, or -1 when there is none (or before start). */
  public int plainPort() {
    return listeners.plainPort();
  }

  /** The TLS port, or -1 when there is none (or before start). */
  public int tlsPort() {
    return listeners.tlsPort();
  }

  @Override
  public String toString() {
    return "the web console{" + state() + "}";
  }
}
