package org.authhost.host.rtsp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;

/**
 * Every close of a client connection ends the output first (a FIN), then closes. A connection
 * closed with bytes still unread from the client (the rest of a pipelined flood cut with its 503, a
 * request sent to a connection past {@code rtsp.maxSessions}) is reset by the kernel, and a client
 * that sees the reset may lose the answer before it (the 503 saying why) or read an error instead
 * of an end. The JDK's NIO channel shuts the output down before its deferred close; Netty's native
 * epoll channel closes at once, so the front does it here, for both transports.
 */
@ChannelHandler.Sharable
final class FinBeforeClose extends ChannelOutboundHandlerAdapter {
  static final FinBeforeClose INSTANCE = new FinBeforeClose();

  private FinBeforeClose() {}

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    Channel channel = ctx.channel();
    if (channel instanceof DuplexChannel duplex
        && channel.isActive()
        && !duplex.isOutputShutdown()) {
      duplex.shutdownOutput().addListener(ended -> ctx.close(promise));
      return;
    }
    ctx.close(promise);
  }
}
