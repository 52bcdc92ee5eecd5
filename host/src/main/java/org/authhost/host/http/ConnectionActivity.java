package org.authhost.host.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import org.authhost.host.time.HostClock;

/**
 * One connection's timekeeping for {@link ConnectionDeadlines}: when bytes last moved either way,
 * and by when the next request head must have arrived. Sits next to the socket (before TLS), so
 * that it sees every byte, encrypted or not.
 *
 * <p>Reads are noted once per read batch (at its first read) and writes once per flush, a clock
 * reading and a volatile write each; a write is noted when it is flushed, not when the client has
 * taken it, which differs only by the one buffer that a client that stopped reading leaves unsent
 * (the chunked writer and the proxy write no more until it drains, so such a client still goes
 * idle).
 */
final class ConnectionActivity extends ChannelDuplexHandler {
  /** {@link #headDeadlineNanos} while a request is in progress. */
  private static final long NONE = Long.MIN_VALUE;

  private final ConnectionDeadlines deadlines;
  private final HostClock clock;
  private final long idleNanos;
  private volatile long lastActivityNanos;
  private volatile long headDeadlineNanos = NONE;
  // While the host decides a request no bytes move, yet the client is not idle: the decision has
  // time limits of its own (plugins.callTimeoutMillis, a slow check's queue wait).
  private volatile boolean deciding;
  private volatile Channel channel;

  /** Whether a read batch's time is noted; the event loop's only. */
  private boolean inBatch;

  ConnectionActivity(ConnectionDeadlines deadlines, HostClock clock, long idleNanos) {
    this.deadlines = deadlines;
    this.clock = clock;
    this.idleNanos = idleNanos;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    channel = ctx.channel();
    long now = clock.nanoTime();
    lastActivityNanos = now;
    headDeadlineNanos = now + idleNanos;
    deadlines.opened(this);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    deadlines.closed(this);
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    // Noted before the bytes go on, so that whatever they cause (a forward to the origin, an
    // answer) comes after the note.
    if (!inBatch) {
      inBatch = true;
      lastActivityNanos = clock.nanoTime();
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
    lastActivityNanos = clock.nanoTime();
    super.flush(ctx);
  }

  /**
   * A request has ended and the connection stays open: the next head must arrive within the idle
   * time, however slowly it trickles in (a trickle keeps the connection from going idle), or a few
   * clients could hold every connection.
   */
  void expectNextRequest() {
    headDeadlineNanos = clock.nanoTime() + idleNanos;
  }

  /** A request head has arrived: until it is answered, only the idle time-out applies. */
  void requestBegun() {
    headDeadlineNanos = NONE;
  }

  /** The host has begun deciding this request; returns {@code attempt} for chaining. */
  <T> T deciding(T attempt) {
    deciding = true;
    return attempt;
  }

  /** The decision is in: idle time counts again, from now. */
  void decided() {
    lastActivityNanos = clock.nanoTime();
    deciding = false;
  }

  /**
   * Whether, at {@code now}, nothing moved either way for the idle time (a client that stopped
   * sending its body or reading its answer holds a connection for nothing), or the awaited request
   * head is late.
   */
  boolean overdue(long now) {
    long head = headDeadlineNanos;
    return (!deciding && now - lastActivityNanos >= idleNanos) || (head != NONE && now - head >= 0);
  }

  /** Closes the connection; from the sweep's thread, which Netty allows. */
  void close() {
    Channel c = channel;
    if (c != null) {
      c.close();
    }
  }
}
