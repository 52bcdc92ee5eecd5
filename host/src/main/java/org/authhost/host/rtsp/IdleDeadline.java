package org.authhost.host.rtsp;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/**
 * Closes a client connection with no traffic either way for {@code rtsp.idleTimeoutMillis}, on the
 * host's clock and scheduler (as the HTTP front's deadlines), so that a test moves it with a fake
 * clock. Traffic only notes the time; one check per connection is scheduled at a time, for when the
 * connection would be idle long enough, and when it runs early (traffic came since) it is scheduled
 * again for the time left. The check runs on the scheduler's thread, so that the clock it reads and
 * the delay it schedules from are the scheduler's same instant (a check handed to the event loop
 * first could read the clock before a fake clock's advance and schedule after it, and never fall
 * due); only the close is handed to the event loop, which looks once more. Reads are noted once per
 * read batch (at its first read) and writes once per flush, a clock reading and a volatile write
 * each, not per message or per relayed frame. The metrics listener uses it too, for silent
 * scrapers' connections.
 */
public final class IdleDeadline extends ChannelDuplexHandler {
  private final HostClock clock;
  private final Scheduler scheduler;
  private final long idleNanos;
  // Written on the event loop, read by the check on the scheduler's thread.
  private volatile long last;
  private volatile Scheduler.Scheduled check;
  private volatile boolean closed;

  /** Whether this read batch's time is noted; the event loop's only. */
  private boolean inBatch;

  public IdleDeadline(HostClock clock, Scheduler scheduler, Duration idle) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.idleNanos = idle.toNanos();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    last = clock.nanoTime();
    schedule(ctx, idleNanos);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    // Noted before the bytes go on, so that whatever they cause comes after the note.
    if (!inBatch) {
      inBatch = true;
      last = clock.nanoTime();
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    inBatch = false;
    super.channelReadComplete(ctx);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) throws Exception {
    last = clock.nanoTime();
    super.flush(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    if (check != null) {
      check.cancel();
      check = null;
    }
    super.channelInactive(ctx);
  }

  private void schedule(ChannelHandlerContext ctx, long nanos) {
    if (closed) {
      return;
    }
    try {
      check = scheduler.schedule(() -> due(ctx), Duration.ofNanos(nanos));
    } catch (IllegalStateException stopped) {
      ctx.close(); // the host is stopping: its connections go with it
    }
  }

  /** On the scheduler's thread. */
  private void due(ChannelHandlerContext ctx) {
    if (closed) {
      return;
    }
    long idle = clock.nanoTime() - last;
    if (idle >= idleNanos) {
      ctx.executor().execute(() -> closeIfIdle(ctx));
    } else {
      schedule(ctx, idleNanos - idle);
    }
  }

  /** On the event loop: traffic may have come since the check. */
  private void closeIfIdle(ChannelHandlerContext ctx) {
    if (closed) {
      return;
    }
    long idle = clock.nanoTime() - last;
    if (idle >= idleNanos) {
      ctx.close();
    } else {
      schedule(ctx, idleNanos - idle);
    }
  }
}
