package org.authhost.host.rtsp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Read interest asked for on a socket before it is registered with its event loop, so that epoll
 * adds the socket with {@code EPOLLIN} at once: asked for when the socket becomes active (Netty's
 * way), it is an {@code epoll_ctl} ADD and then a MOD, one system call more per socket, two per
 * relayed session (the client's and the origin's). The interest is what Netty's auto-read sets a
 * moment later anyway; back-pressure ({@code setAutoRead(false)}) takes it off as before. Netty's
 * NIO channels ignore a read asked for before their registration and read from their activation, as
 * they always did.
 *
 * <p>Checked against Netty 4.2.18's code: {@code AbstractUnsafe.beginRead} asks nothing of an
 * unregistered channel (no loop, no {@code isActive}) and calls {@code doBeginRead}; epoll's sets
 * {@code EPOLLIN} in the channel's interest, submitted with its first {@code epoll_ctl}; NIO's
 * returns while it has no registration. After a Netty upgrade, {@code STRACE=2} of {@code
 * bench/rtsp-load.sh} shows whether the saving holds (no {@code epoll_ctl MOD} on the client's
 * socket); {@link ReadFromRegistrationTest} that accepted connections are still read.
 */
final class ReadFromRegistration {
  /** On the listening channel: each accepted connection, before the acceptor registers it. */
  static final ChannelHandler ACCEPTED = new Accepted();

  private ReadFromRegistration() {}

  /** Asks for reads on {@code channel}, not yet registered, if it reads by itself. */
  static void ask(Channel channel) {
    if (channel.config().isAutoRead()) {
      channel.unsafe().beginRead();
    }
  }

  @ChannelHandler.Sharable
  private static final class Accepted extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        ask(accepted);
      }
      ctx.fireChannelRead(msg);
    }
  }
}
