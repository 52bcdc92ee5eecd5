package org.authhost.host.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.SucceededFuture;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis connection per host event loop that sends commands, living ON that loop: a request's
 * command is written, and its answer read and continued, by the thread that runs the request, with
 * no hand-off between threads (a task queued to Lettuce's I/O thread to write, another queued back
 * to the request's loop with the answer: most of what a Redis round trip cost the host in CPU).
 *
 * <p>These connections are a fast lane, never the only way: {@link RedisLink}'s own connection
 * stays the one whose state says whether Redis is reachable, and carries every command from a
 * caller off an event loop, from a loop whose lane is not open (connecting, closed, or refused: a
 * loop of another transport than Lettuce's, such as a test's {@code DefaultEventLoop}), and after
 * an outage until the main connection is back. A lane does not reconnect by itself: a closed one is
 * dropped when the main connection connects again, and the loop's next command opens another.
 * Answers are the same either way: every state operation is one script, atomic in Redis whichever
 * connection sent it.
 */
final class LoopConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopConnections.class);

  /**
   * {@code -Dauthhost.redis.loopConnections=true} turns the per-loop connections on; off by default
   * until a new connection is checked to be the same server as the main one (its run_id) and an
   * outage on the main connection stops them too (review REV-R, docs/scale-out.md).
   */
  static final String SWITCH = "authhost.redis.loopConnections";

  private final RedisClient client;
  private final RedisURI uri;
  private final boolean enabled;
  private final Duration drain;
  private final Map<EventExecutor, Lane> lanes = new ConcurrentHashMap<>();
  private volatile boolean closed;

  LoopConnections(ClientResources resources, ClientOptions options, RedisURI uri) {
    this(resources, options, uri, "true".equalsIgnoreCase(System.getProperty(SWITCH)));
  }

  LoopConnections(ClientResources resources, ClientOptions options, RedisURI uri, boolean enabled) {
    this.uri = uri;
    this.enabled = enabled;
    this.drain = uri.getTimeout();
    // The same timers and computation threads; only the channels' event loops differ: the caller's.
    this.client =
        RedisClient.create(resources.mutate().eventLoopGroupProvider(new CallingLoop()).build());
    client.setOptions(options.mutate().autoReconnect(false).build());
  }

  /**
   * The connection for a command sent on {@code caller}: its loop's own when open; else {@code
   * main}, and a loop without a lane starts opening one (on this loop, which Netty's registration
   * then keeps it on).
   */
  StatefulRedisConnection<byte[], byte[]> on(
      java.util.concurrent.Executor caller, StatefulRedisConnection<byte[], byte[]> main) {
    if (!enabled || closed || !(caller instanceof EventLoop loop) || !loop.inEventLoop()) {
      return main;
    }
    Lane lane = lanes.get(loop);
    if (lane == null) {
      lane = new Lane();
      lanes.put(loop, lane); // only this loop's thread adds its own entry
      open(loop, lane);
      return main;
    }
    StatefulRedisConnection<byte[], byte[]> c = lane.connection;
    return c != null && c.isOpen() ? c : main;
  }

  private void open(EventLoop loop, Lane lane) {
    try {
      client
          .connectAsync(ByteArrayCodec.INSTANCE, uri)
          .whenComplete(
              (c, failure) -> {
                if (failure != null) {
                  LOG.debug("no Redis connection of its own for event loop {}", loop, failure);
                } else if (closed || lanes.get(loop) != lane) {
                  c.closeAsync();
                } else {
                  lane.connection = c;
                }
              });
    } catch (RuntimeException e) {
      LOG.debug("no Redis connection of its own for event loop {}", loop, e);
    }
  }

  /**
   * After the main connection is made again: every lane is dropped (closed if still open), and each
   * loop opens a new one when it next sends. A reconnection means Redis restarted, failed over or
   * the network broke: a lane that outlived it could still talk to a demoted server.
   */
  void dropAll() {
    lanes
        .entrySet()
        .removeIf(
            e -> {
              StatefulRedisConnection<byte[], byte[]> c = e.getValue().connection;
              if (c != null) {
                // Closed once the commands already on it are answered (or timed out): closing at
                // once would fail them, and a request would get a 503 for a reconnection that
                // went well.
                try {
                  e.getKey().schedule(c::closeAsync, drain.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                  c.closeAsync();
                }
              }
              return true;
            });
  }

  /**
   * A command on {@code used} failed for want of Redis (the connection broke, or the server cannot
   * serve): if it is a lane, it is closed, and its loop's commands go on the main connection (which
   * tells the outage) until that reconnects.
   */
  void retire(StatefulRedisConnection<byte[], byte[]> used) {
    for (Lane lane : lanes.values()) {
      if (lane.connection == used) {
        used.closeAsync();
      }
    }
  }

  private static boolean closeLane(Lane lane) {
    StatefulRedisConnection<byte[], byte[]> c = lane.connection;
    if (c != null) {
      c.closeAsync();
    }
    return true;
  }

  /** How many lanes are open now (for tests). */
  int openCount() {
    return (int)
        lanes.values().stream().filter(l -> l.connection != null && l.connection.isOpen()).count();
  }

  @Override
  public void close() {
    closed = true;
    lanes.values().removeIf(LoopConnections::closeLane);
    // Not waited for: the lanes' loops are the host's, often stopped already, and a channel on a
    // stopped loop never reports itself closed. The client owns no threads of its own.
    client.shutdownAsync(0, 2, TimeUnit.SECONDS);
  }

  /** One loop's connection: null while it is being made, or for good if it could not be. */
  private static final class Lane {
    volatile StatefulRedisConnection<byte[], byte[]> connection;
  }

  /**
   * Gives Lettuce a "group" that registers each channel on the event loop that asks (the lane's own
   * loop, which makes its connection), and never shuts the host's loops down.
   */
  private static final class CallingLoop implements EventLoopGroupProvider {
    private final CallingLoopGroup group = new CallingLoopGroup();

    @Override
    @SuppressWarnings("unchecked")
    public <T extends EventLoopGroup> T allocate(Class<T> type) {
      return (T) group;
    }

    @Override
    public int threadPoolSize() {
      return 1;
    }

    @Override
    public Future<Boolean> release(
        EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
      return new SucceededFuture<>(GlobalEventExecutor.INSTANCE, true);
    }

    @Override
    public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit timeUnit) {
      return new SucceededFuture<>(GlobalEventExecutor.INSTANCE, true);
    }
  }

  /**
   * The event loop of the calling thread, as a group; registering from any other thread fails (the
   * lane is then refused, and its loop's commands go on the main connection).
   */
  private static final class CallingLoopGroup extends AbstractEventExecutorGroup
      implements EventLoopGroup {
    private static EventLoop current() {
      if (ThreadExecutorMap.currentExecutor() instanceof EventLoop loop) {
        return loop;
      }
      throw new IllegalStateException("a loop's Redis connection is made on that loop");
    }

    @Override
    public EventLoop next() {
      return current();
    }

    @Override
    public ChannelFuture register(Channel channel) {
      return register(new DefaultChannelPromise(channel, GlobalEventExecutor.INSTANCE));
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
      EventLoop loop;
      try {
        loop = current();
      } catch (IllegalStateException e) {
        return promise.setFailure(e);
      }
      return loop.register(promise);
    }

    @Override
    @Deprecated
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
      return register(promise);
    }

    @Override
    public Iterator<EventExecutor> iterator() {
      return Collections.<EventExecutor>emptyList().iterator();
    }

    @Override
    public boolean isShuttingDown() {
      return false;
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
      return terminationFuture();
    }

    @Override
    public Future<?> terminationFuture() {
      return GlobalEventExecutor.INSTANCE.newSucceededFuture(null);
    }

    @Override
    @Deprecated
    public void shutdown() {}

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return false;
    }

    @Override
    @Deprecated
    public List<Runnable> shutdownNow() {
      return List.of();
    }
  }
}
