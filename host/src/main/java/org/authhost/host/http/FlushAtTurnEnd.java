package org.authhost.host.http;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * A connection's flushes held until the end of its event loop's turn, then done together for every
 * connection of the loop that asked for one: the handlers write and flush as they answer, and the
 * bytes leave once the loop has read and answered everything that was ready.
 *
 * <p>Why: the host's callers (nginx {@code auth_request}, a streaming server, a load tool) run on
 * the same machine, and a flush in the middle of a turn wakes the caller, which then pre-empts the
 * loop before it has answered the other connections that were ready (an involuntary context switch
 * per wake-up, and the caller woken once per answer rather than once per turn). Unlike Netty's
 * {@code FlushConsolidationHandler}, which holds a flush only until its own connection's read is
 * complete, this holds it until every connection's read of the turn is done.
 *
 * <p>Nothing is held past the turn (Netty runs the loop's after-turn tasks before it waits for I/O
 * again), and nothing that must leave before something else is held: a close or disconnect, a
 * connection that stops being writable (its queue must drain to resume), an exception, and the
 * handler's removal flush first. So does the end of the client's input (a half-close after its
 * request, as {@code nc -N} and health checks do): Netty closes such a connection itself, past the
 * pipeline, which would drop a held answer; so this handler turns half-closure on for its
 * connection and, at the end of input, flushes and then closes it, as Netty would have (a pipeline
 * that allowed half-closure before it keeps it). Off an I/O event loop (the tests' {@code
 * EmbeddedChannel}) a flush goes at once.
 *
 * <p>One per connection, first in its pipeline, so that every flush of every handler after it
 * (answers, refusals, the proxy's relay, TLS) passes here. Public for the other fronts' pipelines
 * (the RTSP front's answers to co-located servers would gain the same way).
 */
public final class FlushAtTurnEnd extends ChannelDuplexHandler {
  /** The connections of the calling loop whose flush waits for the end of the turn. */
  private static final FastThreadLocal<Turn> TURNS =
      new FastThreadLocal<>() {
        @Override
        protected Turn initialValue() {
          return new Turn();
        }
      };

  /** The name it has in a pipeline. */
  public static final String NAME = "flush-at-turn-end";

  private ChannelHandlerContext ctx;
  private boolean held;

  /** Whether the end of the client's input closes the connection here (Netty's default). */
  private boolean closeAtEndOfInput;

  public FlushAtTurnEnd() {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ChannelConfig config = ctx.channel().config();
    if (!Boolean.TRUE.equals(config.getOption(ChannelOption.ALLOW_HALF_CLOSURE))) {
      closeAtEndOfInput = config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (closeAtEndOfInput) {
      // Netty's own behaviour, the held answer first: the handlers after this one see the close
      // (channelInactive), never a half-closed connection.
      if (event instanceof ChannelInputShutdownEvent) {
        release();
        ctx.close();
        return;
      }
      if (event instanceof ChannelInputShutdownReadComplete) {
        return;
      }
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (held) {
      return;
    }
    EventExecutor executor = ctx.executor();
    if (!(executor instanceof SingleThreadIoEventLoop loop) || loop.isShuttingDown()) {
      // No turn to end, or no later turn. Only an I/O loop runs its after-turn tasks every turn
      // (Netty's DefaultEventLoop runs them only when it stops).
      ctx.flush();
      return;
    }
    held = true;
    TURNS.get().hold(this, loop);
  }

  /** Flushes now what this connection's handlers have flushed since the turn began. */
  void release() {
    if (held) {
      held = false;
      ctx.flush();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    release();
    ctx.close(promise);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    release();
    ctx.disconnect(promise);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!ctx.channel().isWritable()) {
      // The writer waits for the queue to drain, which only a flush starts.
      release();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    release();
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  /** One loop's held connections; touched by that loop's thread alone. */
  private static final class Turn implements Runnable {
    private ArrayList<FlushAtTurnEnd> held = new ArrayList<>();
    private ArrayList<FlushAtTurnEnd> spare = new ArrayList<>();

    void hold(FlushAtTurnEnd connection, SingleThreadIoEventLoop loop) {
      held.add(connection);
      if (held.size() == 1) {
        loop.executeAfterEventLoopIteration(this);
      }
    }

    @Override
    public void run() {
      // A flush may make another connection write and flush (a proxy's relay, a next pipelined
      // request): those are held again, for a turn of their own.
      ArrayList<FlushAtTurnEnd> now = held;
      held = spare;
      for (int i = 0; i < now.size(); i++) {
        now.get(i).release();
      }
      now.clear();
      spare = now;
    }
  }
}
