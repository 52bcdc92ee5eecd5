package org.authhost.host.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty transport of the host's fronts: native epoll on Linux when its library loads (fewer
 * system calls and less garbage per request than NIO's selector: edge-triggered, no selected-key
 * set, no wake-up pipe writes); NIO elsewhere, or with {@code -Dauthhost.http.transport=nio}. One
 * choice for the HTTP front and the RTSP front (whose origin connections share its client's event
 * loop, so they take the same transport's client channel).
 *
 * @param name "epoll" or "nio", for the log and the start-up event
 * @param serverChannel the listening socket's channel class
 * @param socketChannels makes an outgoing connection's channel, for a loop of {@link #group} (a
 *     constructor reference: {@code Bootstrap.channel(Class)} would look the constructor up by
 *     reflection on every connect, and the RTSP relay connects once per session)
 * @param ipv4SocketChannels the same for an IPv4 address only: an {@code AF_INET} socket, where the
 *     default one is {@code AF_INET6} (dual stack) on a host with IPv6, which costs a {@code
 *     setsockopt(IPV6_V6ONLY)} per connection that an IPv4 origin does not need
 */
public record Transport(
    String name,
    Class<? extends ServerChannel> serverChannel,
    ChannelFactory<? extends Channel> socketChannels,
    ChannelFactory<? extends Channel> ipv4SocketChannels,
    IntFunction<EventLoopGroup> groups) {
  private static final Logger log = LoggerFactory.getLogger(Transport.class);

  /** A group of {@code threads} event loops of this transport. */
  public EventLoopGroup group(int threads) {
    return groups.apply(threads);
  }

  /**
   * Epoll when it loads and is not turned off, else NIO; logged under {@code front}'s name (both
   * fronts choose), with the reason for NIO.
   */
  public static Transport pick(String front) {
    boolean nio = "nio".equalsIgnoreCase(System.getProperty("authhost.http.transport"));
    if (!nio && Epoll.isAvailable()) {
      log.info("{} transport: native epoll", front);
      return new Transport(
          "epoll",
          EpollServerSocketChannel.class,
          EpollSocketChannel::new,
          () -> new EpollSocketChannel(SocketProtocolFamily.INET),
          EpollEventLoopGroup::new);
    }
    if (!nio) {
      log.info(
          "{} transport: NIO (native epoll unavailable: {})",
          front,
          String.valueOf(Epoll.unavailabilityCause()));
    } else {
      log.info("{} transport: NIO (authhost.http.transport=nio)", front);
    }
    return nio();
  }

  /** NIO: what the listeners without a choice of their own (console, metrics) use. */
  public static Transport nio() {
    return new Transport(
        "nio",
        NioServerSocketChannel.class,
        NioSocketChannel::new,
        () -> new NioSocketChannel(SelectorProvider.provider(), SocketProtocolFamily.INET),
        NioEventLoopGroup::new);
  }
}
