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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.authhost.host.time.HostClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis connection per host event loop that sends commands, living ON that loop: a request's
 * command is written, and its answer read and continued, by the thread that runs the request, with
 * no hand-off between threads (a task queued to Lettuce's I/O thread to write, another queued back
 * to the request's loop with the answer: most of what a Redis round trip cost the host in CPU).
 *
 * <p>These connections are a fast lane, never the only way: {@link RedisLink}'s own connection
 * stays the one whose state says whether Redis is reachable and which server it is, and carries
 * every command from a caller off an event loop, from a loop whose lane is not open (connecting,
 * backing off, or refused: a loop of another transport than Lettuce's, such as a test's {@code
 * DefaultEventLoop}), and whenever the main connection is not known good (review REV-R item 4):
 *
 * <ul>
 *   <li>A lane is used only while the main connection is up, its server checked, and no outage
 *       declared: an outage is told, and ended, by the main connection alone.
 *   <li>A new lane asks its server's {@code run_id} before its first command and is used only while
 *       that is the one the main connection checked: after a DNS or VIP failover a lane could
 *       otherwise reach a promoted replica that missed recent window updates (the main connection
 *       treats another {@code run_id} as a reset; a lane that finds one is refused, and tried again
 *       later).
 *   <li>A lane retired (its command failed for want of Redis, or the main connection reconnected)
 *       takes no more commands and is closed once the commands already on it are answered or timed
 *       out: closing at once would fail them, a 503 for a reconnection that went well.
 *   <li>A lane that could not be opened, was refused or retired is opened again by its loop's next
 *       command after a back-off ({@link #FIRST_BACK_OFF} doubling to {@link #LAST_BACK_OFF}, on
 *       the host's clock), which a success on it resets.
 *   <li>A lane unused for {@link #IDLE_LIMIT} is retired and another opened at the loop's next
 *       command (which goes on the main connection): an idle flow may have been dropped on the way.
 *   <li>A loop that stops drops its entry and closes its lane.
 * </ul>
 *
 * <p>Answers on lanes reset the outage's count of failures in a row without ending an outage: a
 * main connection whose own commands time out while the lanes answer declares no outage, and the
 * callers only it serves (off-loop callers) get their failures one by one.
 *
 * <p>Answers are the same whichever connection carried a command: every state operation is one
 * script, atomic in Redis.
 */
final class LoopConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopConnections.class);

  /**
   * {@code -Dauthhost.redis.loopConnections=false} turns the per-loop connections off (on by
   * default): every command then goes on the main connection, with a hand-off to and from Lettuce's
   * I/O thread.
   */
  static final String SWITCH = "authhost.redis.loopConnections";

  /**
   * A lane unused this long is retired, and the loop's next command opens another: a stateful
   * middlebox that drops idle flows (cloud load balancers and NATs: 4 minutes and up) would
   * otherwise leave a dead lane that fails the loop's next request with a 503 after the time-out.
   */
  static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

  static final Duration FIRST_BACK_OFF = Duration.ofMillis(100);
  static final Duration LAST_BACK_OFF = Duration.ofSeconds(10);

  /**
   * The server a lane may talk to now: the main connection's checked {@code run_id} (the same
   * String instance while nothing changes, so a lane compares by identity), or null when lanes must
   * not be used (main connection down or unchecked, outage declared).
   */
  @FunctionalInterface
  interface CheckedServer {
    String runId();
  }

  private final RedisClient client;
  private final RedisURI uri;
  private final boolean enabled;
  private final CheckedServer checked;
  private final HostClock clock;
  private final Map<EventExecutor, Lane> lanes = new ConcurrentHashMap<>();
  private volatile boolean closed;

  LoopConnections(
      ClientResources resources,
      ClientOptions options,
      RedisURI uri,
      CheckedServer checked,
      HostClock clock) {
    this(
        resources,
        options,
        uri,
        checked,
        clock,
        !"false".equalsIgnoreCase(System.getProperty(SWITCH, "true")));
  }

  LoopConnections(
      ClientResources resources,
      ClientOptions options,
      RedisURI uri,
      CheckedServer checked,
      HostClock clock,
      boolean enabled) {
    this.uri = uri;
    this.enabled = enabled;
    this.checked = checked;
    this.clock = clock;
    // The same timers and computation threads; only the channels' event loops differ: the caller's.
    this.client =
        RedisClient.create(resources.mutate().eventLoopGroupProvider(new CallingLoop()).build());
    client.setOptions(options.mutate().autoReconnect(false).build());
  }

  /**
   * The lane to send a command on from {@code caller}, counted as in use until {@link Used#done};
   * or null: send it on the main connection. A loop without a usable lane starts opening one when
   * its back-off allows (on this loop, which Netty's registration then keeps it on).
   */
  Used on(Executor caller) {
    if (!enabled || closed || !(caller instanceof EventLoop loop) || !loop.inEventLoop()) {
      return null;
    }
    // The identity compare of a lane's run_id with this, at every use, is what keeps a lane on
    // the server the main connection checked (dropAll only closes the old ones sooner).
    String server = checked.runId();
    if (server == null) {
      return null; // the main connection is not known good: it alone carries commands now
    }
    Lane lane = lanes.get(loop);
    if (lane == null) {
      lane = new Lane(loop);
      lanes.put(loop, lane); // only this loop's thread adds its own entry
      Lane added = lane;
      loop.terminationFuture().addListener(f -> stopped(added));
    }
    Used used = lane.current;
    if (used != null) {
      // Counted before the checks, so that a retirement on another thread cannot close it under a
      // command that passed them.
      used.inFlight.incrementAndGet();
      long now = millis();
      boolean fresh = now - used.lastUsed < IDLE_LIMIT.toMillis();
      if (!used.retired && used.runId == server && used.connection.isOpen() && fresh) {
        used.lastUsed = now;
        return used;
      }
      used.done(false);
      if (!fresh) {
        retire(used); // idle too long: may be a dead flow; the next is opened at once
        lane.retryAt = Long.MIN_VALUE;
      } else if (used.connection.isOpen()) {
        retire(used); // the main connection moved on: another server, or not checked yet
      } else {
        failed(used); // closed under it (the server or the network): back off
      }
    }
    if (!lane.opening && millis() >= lane.retryAt) {
      open(lane, server);
    }
    return null;
  }

  private void open(Lane lane, String server) {
    lane.opening = true;
    lane.attempts++;
    CompletableFuture<Boolean> told = new CompletableFuture<>();
    lane.lastOpen = told;
    long attempt = lane.attempt.incrementAndGet();
    try {
      client
          .connectAsync(ByteArrayCodec.INSTANCE, uri)
          .thenCompose(
              c ->
                  c.async()
                      .info("server")
                      .toCompletableFuture()
                      .handle(
                          (info, failure) -> {
                            String seen = failure == null ? RedisLink.runIdOf(info) : null;
                            if (seen == null || !seen.equals(server)) {
                              c.closeAsync();
                              if (failure == null) {
                                LOG.warn(
                                    "a Redis connection for event loop {} reached server {}, not"
                                        + " {} as the main connection: not used",
                                    lane.loop,
                                    seen,
                                    server);
                              }
                              throw new IllegalStateException("another server, or none");
                            }
                            return c;
                          }))
          .whenComplete((c, failure) -> opened(lane, attempt, server, told, c, failure));
    } catch (RuntimeException e) {
      opened(lane, attempt, server, told, null, e);
    }
  }

  private void opened(
      Lane lane,
      long attempt,
      String server,
      CompletableFuture<Boolean> told,
      StatefulRedisConnection<byte[], byte[]> c,
      Throwable failure) {
    if (lane.attempt.get() != attempt || closed || lanes.get(lane.loop) != lane) {
      if (c != null) {
        c.closeAsync(); // dropped meanwhile: a reconnection, a stopped loop, the host closing
      }
      told.complete(false);
      return;
    }
    if (failure != null) {
      LOG.debug("no Redis connection of its own for event loop {}", lane.loop, failure);
      lane.failed(millis());
    } else {
      Used used = new Used(lane, c, server);
      used.lastUsed = millis();
      lane.current = used;
    }
    lane.opening = false;
    told.complete(failure == null);
  }

  /**
   * For tests: how an attempt to open {@code loop}'s lane ended (true: in use), the latest
   * attempt's (null before any), and how many attempts were made.
   */
  CompletableFuture<Boolean> lastOpen(EventExecutor loop) {
    Lane lane = lanes.get(loop);
    return lane == null ? null : lane.lastOpen;
  }

  int attempts(EventExecutor loop) {
    Lane lane = lanes.get(loop);
    return lane == null ? 0 : lane.attempts;
  }

  /** Monotonic: a wall clock set back must not hold the lanes back for as long. */
  private long millis() {
    return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
  }

  /**
   * A command on {@code used} failed for want of Redis (the connection broke, or the server cannot
   * serve): it takes no more commands, is closed once its commands are done, and its loop opens
   * another after a back-off.
   */
  void failed(Used used) {
    if (!used.retired) {
      used.lane.failed(millis());
    }
    retire(used);
  }

  private void retire(Used used) {
    Lane lane = used.lane;
    if (lane.current == used) {
      lane.current = null;
    }
    used.retire();
  }

  /**
   * After the main connection is made again: every lane is retired, and each loop opens a new one
   * when it next sends once the server is checked. A reconnection means Redis restarted, failed
   * over or the network broke: a lane that outlived it could still talk to a demoted server.
   */
  void dropAll() {
    for (Lane lane : lanes.values()) {
      lane.attempt.incrementAndGet(); // an opening in progress is stale
      lane.opening = false;
      lane.retryAt = Long.MIN_VALUE;
      Used used = lane.current;
      if (used != null) {
        retire(used);
      }
    }
  }

  private void stopped(Lane lane) {
    if (lanes.remove(lane.loop, lane)) {
      lane.attempt.incrementAndGet();
      Used used = lane.current;
      lane.current = null;
      if (used != null) {
        used.retired = true;
        // A loop that stops closes its channels itself; closing one again would be refused by
        // the stopped loop (an ERROR in the log for nothing).
        if (used.connection.isOpen()) {
          used.closeNow();
        }
      }
    }
  }

  /** How many lanes are open and usable now (for tests). */
  int openCount() {
    return (int)
        lanes.values().stream()
            .map(l -> l.current)
            .filter(u -> u != null && !u.retired && u.connection.isOpen())
            .count();
  }

  /** How many loops have an entry, open or not (for tests). */
  int loopCount() {
    return lanes.size();
  }

  @Override
  public void close() {
    closed = true;
    for (Lane lane : lanes.values()) {
      Used used = lane.current;
      if (used != null) {
        used.closeNow();
      }
    }
    lanes.clear();
    // Not waited for: the lanes' loops are the host's, often stopped already, and a channel on a
    // stopped loop never reports itself closed. The client owns no threads of its own.
    client.shutdownAsync(0, 2, TimeUnit.SECONDS);
  }

  /** One loop's entry: its lane now (null while none is usable), and when to try another. */
  private static final class Lane {
    final EventExecutor loop;
    volatile Used current;
    volatile boolean opening;

    /** Which opening is current: one still in flight after a reconnection or a stop is stale. */
    final AtomicLong attempt = new AtomicLong();

    volatile int failures;
    volatile long retryAt = Long.MIN_VALUE; // nanoTime may be negative
    volatile int attempts;
    volatile CompletableFuture<Boolean> lastOpen;

    Lane(EventExecutor loop) {
      this.loop = loop;
    }

    void failed(long now) {
      int n = Math.min(failures, 16);
      failures = n + 1;
      long delay = Math.min(LAST_BACK_OFF.toMillis(), FIRST_BACK_OFF.toMillis() << n);
      retryAt = now + delay;
    }
  }

  /** A lane's connection, with the server it was checked to be and the commands on it. */
  static final class Used {
    private final Lane lane;
    final StatefulRedisConnection<byte[], byte[]> connection;
    private final String runId;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean retired;
    private final AtomicBoolean closing = new AtomicBoolean();

    /** When its loop last sent on it (written by that loop only). */
    long lastUsed;

    private Used(Lane lane, StatefulRedisConnection<byte[], byte[]> connection, String runId) {
      this.lane = lane;
      this.connection = connection;
      this.runId = runId;
    }

    /** A command sent on it is done ({@code answered}: the server answered it). */
    void done(boolean answered) {
      if (answered && lane.failures != 0) {
        lane.failures = 0;
      }
      if (inFlight.decrementAndGet() == 0 && retired) {
        closeNow();
      }
    }

    private void retire() {
      retired = true;
      if (inFlight.get() == 0) {
        closeNow();
      }
    }

    private void closeNow() {
      retired = true;
      if (closing.compareAndSet(false, true)) {
        try {
          connection.closeAsync();
        } catch (RuntimeException e) {
          LOG.debug("closing a loop's Redis connection failed", e);
        }
      }
    }

    /** Whether it was closed (for tests). */
    boolean closing() {
      return closing.get();
    }
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
