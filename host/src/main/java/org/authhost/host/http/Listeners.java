package org.authhost.host.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.config.TlsConfig;
import org.authhost.host.lifecycle.OperatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening sockets of one of the host's own listeners (the RTSP front, the web console, the
 * metrics listener), as the HTTP front binds its own: a plain socket when the section's {@code
 * port} is 0 or more (0 picks a free port), a TLS one when it has {@code tls}, both on its {@code
 * bindAddress}; the ports they got, read back; a port that cannot be had as one {@link
 * OperatorException} naming the setting; and a stop that closes the sockets and ends the event
 * loops within a bound, so that a loop stuck in a call cannot hold the host's stop.
 *
 * <p>Used from the owner's life cycle (start, stop), never from a connection.
 */
public final class Listeners {
  /** What a listener adds to its bootstrap: options and each connection's pipeline. */
  @FunctionalInterface
  public interface Setup {
    /**
     * @param ssl the TLS listener's context, or null for the plain listener
     */
    void configure(ServerBootstrap bootstrap, SslContext ssl);
  }

  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final String name;
  private final String section;
  private final Path hostJson;
  private final boolean zeroPicksOne;
  private final Duration loopsEnd;
  private final List<Channel> channels = new ArrayList<>();
  private final List<EventLoopGroup> loops = new ArrayList<>();
  private volatile int plainPort = -1;
  private volatile int tlsPort = -1;

  /**
   * @param name what listens, for the port-in-use message, e.g. "the RTSP front"
   * @param section its section of host.json, e.g. {@code rtsp}: the settings are {@code rtsp.port}
   *     and {@code rtsp.tls.port}
   * @param hostJson the configuration file, for the message
   * @param zeroPicksOne whether the message may suggest 0 (a free port) as the fix
   * @param loopsEnd how long the event loops have to end gracefully at the stop
   */
  public Listeners(
      String name, String section, Path hostJson, boolean zeroPicksOne, Duration loopsEnd) {
    this.name = name;
    this.section = section;
    this.hostJson = hostJson;
    this.zeroPicksOne = zeroPicksOne;
    this.loopsEnd = loopsEnd;
  }

  /**
   * Listens on {@code bindAddress}: plainly on {@code port} when it is 0 or more, with TLS on
   * {@code tls.port()} when {@code tls} is not null. From here on {@link #close} ends {@code boss}
   * and {@code workers} (which may be the same group), also when this throws.
   */
  public void open(
      EventLoopGroup boss,
      EventLoopGroup workers,
      String bindAddress,
      int port,
      TlsConfig tls,
      Setup setup)
      throws Exception {
    open(NioServerSocketChannel.class, boss, workers, bindAddress, port, tls, setup);
  }

  /**
   * The same with {@code serverChannel} for groups of another transport than NIO ({@link
   * Transport#serverChannel}).
   */
  public void open(
      Class<? extends ServerChannel> serverChannel,
      EventLoopGroup boss,
      EventLoopGroup workers,
      String bindAddress,
      int port,
      TlsConfig tls,
      Setup setup)
      throws Exception {
    loops.add(boss);
    if (workers != boss) {
      loops.add(workers);
    }
    InetAddress address = InetAddress.getByName(bindAddress);
    if (port >= 0) {
      plainPort = bind(serverChannel, boss, workers, address, port, null, section + ".port", setup);
    }
    if (tls != null) {
      tlsPort =
          bind(
              serverChannel,
              boss,
              workers,
              address,
              tls.port(),
              HttpFront.sslContext(tls),
              section + ".tls.port",
              setup);
    }
  }

  private int bind(
      Class<? extends ServerChannel> serverChannel,
      EventLoopGroup boss,
      EventLoopGroup workers,
      InetAddress address,
      int port,
      SslContext ssl,
      String setting,
      Setup setup)
      throws Exception {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(serverChannel)
            .option(ChannelOption.SO_REUSEADDR, true);
    setup.configure(bootstrap, ssl);
    Channel channel;
    try {
      channel = bootstrap.bind(address, port).sync().channel();
    } catch (Exception e) {
      // Netty rethrows the socket's exception unchecked.
      if (!(e instanceof IOException)) {
        throw e;
      }
      throw OperatorException.portInUse(
          name, address.getHostAddress() + ":" + port, setting, hostJson, zeroPicksOne, e);
    }
    channels.add(channel);
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The plain port listened on, or -1 when there is none (off, not started, or stopped). */
  public int plainPort() {
    return plainPort;
  }

  /** The TLS port listened on, or -1 when there is none (off, not started, or stopped). */
  public int tlsPort() {
    return tlsPort;
  }

  /**
   * Closes the sockets and ends the event loops, all of them at once, waiting at most a little more
   * than {@code loopsEnd}. Idempotent, and safe after an {@link #open} that failed half-way.
   */
  public void close() {
    for (Channel channel : channels) {
      channel.close().syncUninterruptibly();
    }
    channels.clear();
    List<Future<?>> ending = new ArrayList<>();
    for (EventLoopGroup group : loops) {
      ending.add(group.shutdownGracefully(0, loopsEnd.toMillis(), TimeUnit.MILLISECONDS));
    }
    loops.clear();
    long waitMillis = loopsEnd.toMillis() + 500;
    for (Future<?> done : ending) {
      if (!done.awaitUninterruptibly(waitMillis)) {
        log.warn(
            "an event loop of {} did not end within {} ms of the stop; the stop goes on without it",
            name,
            waitMillis);
      }
    }
    plainPort = -1;
    tlsPort = -1;
  }
}
