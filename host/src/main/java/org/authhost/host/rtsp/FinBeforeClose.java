package org.authhost.host.rtsp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import org.authhost.host.time.Scheduler;

/**
 * A lingering close for client connections (Apache's {@code lingering_close}, RFC 9112 §9.6): a
 * close ends the output first (a FIN after what was written), then reads and discards what the
 * client still sends, and closes when the client ends its side or after {@code linger} (on the
 * host's scheduler, so a test moves it with its clock; a connection refused past {@code
 * rtsp.maxSessions}, which has no idle time-out, is gone by then too). Its {@link IdleDeadline},
 * behind this handler, sees none of the discarded bytes. Closing at once with bytes unread makes
 * the kernel reset the connection and throw away what is still queued to the client: the 503 that
 * says why a pipelined flood was cut, or any answer to a client slow to read. The JDK's NIO channel
 * ends the output before its deferred close; Netty's native epoll channel closes at once, so the
 * front does it here, for both transports. First in the pipeline: nothing behind it (TLS, the
 * framer, authentication) sees the discarded bytes. A second close (the idle time-out's, the
 * deadline's, the host's stop) closes at once.
 */
final class FinBeforeClose extends ChannelDuplexHandler {
  private final Scheduler scheduler;
  private final Duration linger;
  private boolean lingering;

  FinBeforeClose(Scheduler scheduler, Duration linger) {
    this.scheduler = scheduler;
    this.linger = linger;
  }

  /**
   * Whether {@code channel} is closed or closing (lingering): the handlers behind this one decide
   * and answer nothing more on it, as on a closed one.
   */
  static boolean ended(Channel channel) {
    return !channel.isActive()
        || (channel instanceof DuplexChannel duplex && duplex.isOutputShutdown());
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    Channel channel = ctx.channel();
    if (lingering && channel.isActive()) {
      // A further close (a second refusal decoded from the same read, the idle time-out) waits
      // for the linger's own end: closing now, with bytes unread, is the reset it avoids.
      channel.closeFuture().addListener(closed -> promise.trySuccess());
      return;
    }
    if (!lingering
        && channel instanceof DuplexChannel duplex
        && channel.isActive()
        && !duplex.isOutputShutdown()) {
      lingering = true;
      channel.closeFuture().addListener(closed -> promise.trySuccess());
      // The deadline first: once the FIN is out, the client (a test's too) may act on it.
      try {
        Scheduler.Scheduled deadline =
            scheduler.schedule(() -> ctx.executor().execute(() -> ctx.close()), linger);
        channel.closeFuture().addListener(closed -> deadline.cancel());
      } catch (IllegalStateException stopped) {
        ctx.close(promise); // the host is stopping: its connections go with it
        return;
      }
      duplex
          .shutdownOutput()
          .addListener(
              ended -> {
                if (!ended.isSuccess()) {
                  ctx.close();
                  return;
                }
                // Read (and drop) whatever comes until the client's end: it is not read at all
                // while back-pressure holds, and unread bytes are what turns the close into a
                // reset.
                channel.config().setAutoRead(true);
              });
      return;
    }
    ctx.close(promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (lingering) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (!lingering) {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!lingering) {
      ctx.fireChannelWritabilityChanged();
    }
  }
}
