package org.authhost.host.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.internal.ThreadExecutorMap;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.authhost.host.config.RedisConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's one connection to Redis (Lettuce): commands are pipelined on it from any thread and
 * read on Lettuce's own I/O thread, then handed back to the caller (below), so no caller ever waits
 * for a round trip unless it asks to (the synchronous state calls). A second connection carries the
 * subscriptions (a connection in subscriber mode takes no other commands).
 *
 * <p>While Redis cannot be reached a command fails at once (Lettuce's {@code REJECT_COMMANDS}, not
 * queued for later: a client waiting for a replay check must get its 503 now, not after the outage)
 * or after {@code state.redis.timeoutMillis}; Lettuce reconnects by itself, backing off from 50 ms
 * to 1 s. Every failure of the connection (not an error the server answered) and every success are
 * told to {@link RedisOutage}, which turns them into one event per outage and one on recovery. A
 * host that starts while Redis is down starts anyway: it tries again every second.
 *
 * <p>No host or plug-in code runs on Lettuce's thread: one connection is one Netty channel, so one
 * thread reads every answer for the whole host, and what a request does after its answer (the
 * plug-in's verdict, audit, authorization, the response) would be serialised on it, and a
 * continuation that blocks there would stop every later answer from being read. So {@link #send}
 * completes each answer on the caller's executor: the event loop it was called from (the request
 * goes on where it started, on its own channel's thread), or else {@link #answers}, a pool of the
 * host's own.
 *
 * <p>A command sent from one of the host's event loops goes, once that loop has it, on a connection
 * of the loop's own that lives on the loop ({@link LoopConnections}): written and read by the
 * request's own thread, with no hand-off at all (the two cross-thread tasks per command were most
 * of what a Redis round trip cost the host in CPU). The connection here stays the one whose state
 * tells whether Redis is reachable, and carries everything else.
 */
public final class RedisLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  private static final ByteArrayCodec CODEC = ByteArrayCodec.INSTANCE;
  private static final long FIRST_USE_MARGIN_MILLIS = 15_000;

  private final RedisConfig config;
  private final RedisOutage outage;
  private final ClientResources resources;
  private final RedisClient client;
  private final LoopConnections lanes;
  private final RedisURI uri;
  private final byte[] prefix;
  private final Map<String, Consumer<String>> subscribers = new ConcurrentHashMap<>();
  private final java.util.List<Runnable> onConnected =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.List<Runnable> onResubscribed =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
  private volatile CompletableFuture<Void> connecting;
  private volatile boolean closed;

  /**
   * Where answers go on for callers that are not on an event loop (a blocking plug-in's bulkhead
   * thread, a host thread, Lettuce's own thread): at most {@link #ANSWER_THREADS} threads, made on
   * demand, so that a continuation that blocks holds one of them, never Lettuce's thread; beyond
   * that, answers wait in the queue (a continuation must not block: see the plug-in authors'
   * guide).
   */
  private final ThreadPoolExecutor answers = answersPool();

  /** Threads of {@link #answers}: a continuation that blocks holds one; more wait in the queue. */
  static final int ANSWER_THREADS = 64;

  private static ThreadPoolExecutor answersPool() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            ANSWER_THREADS,
            ANSWER_THREADS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "authhost-redis-answers");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** The life mark this host last saw in Redis: a new one means Redis lost its data. */
  private volatile String life;

  /** The key of the life mark: written once by the first host, never expires. */
  static final String LIFE_KEY = "life";

  public RedisLink(RedisConfig config, RedisOutage outage) {
    this(config, outage, org.authhost.host.time.HostClock.system());
  }

  /** With {@code clock} for the per-loop connections' back-off (its monotonic reading). */
  RedisLink(RedisConfig config, RedisOutage outage, org.authhost.host.time.HostClock clock) {
    this.config = config;
    this.outage = outage;
    this.prefix = config.keyPrefix().getBytes(StandardCharsets.US_ASCII);
    RedisURI.Builder b = RedisURI.builder(RedisURI.create(config.uri()));
    if (config.password() != null) {
      if (config.user() != null) {
        b.withAuthentication(config.user(), config.password());
      } else {
        b.withPassword(config.password());
      }
    }
    this.uri = b.withTimeout(config.timeout()).withClientName("authhost").build();
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .threadFactoryProvider(LettuceThread::factory)
            .nettyCustomizer(
                new NettyCustomizer() {
                  @Override
                  public void afterChannelInitialized(Channel channel) {
                    // Commands from many requests reach the connection's thread as separate
                    // writes: one flush (one write to the socket) for all of a loop's turn.
                    channel.pipeline().addFirst(new FlushConsolidationHandler(256, true));
                  }
                })
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources);
    ClientOptions options =
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(config.timeout()))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(config.connectTimeout())
                    .keepAlive(true)
                    .build())
            .build();
    client.setOptions(options);
    this.lanes = new LoopConnections(resources, options, uri, this::checkedServer, clock);
    onConnected.add(lanes::dropAll);
    onConnected.add(this::checkServer);
    onConnected.add(this::checkLife);
    onConnected.add(this::checkEviction);
    client.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
            if (c == connection) {
              outage.reachable();
              runConnectedTasks();
            } else if (c == pubSub) {
              // The subscriptions' connection came back alone (Redis killed it: an output buffer
              // over its limit, CLIENT KILL; or a blip on that socket): messages were lost.
              run(onResubscribed);
            }
          }

          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
            if (c == connection && !closed) {
              serverUnchecked = true;
              outage.unreachable(new IllegalStateException("the connection to Redis closed"));
            }
          }
        });
  }

  /** The life mark this host knows the store by; null before the first connection. */
  public String life() {
    return life;
  }

  /**
   * Reads the store's life mark, writing a new one if there is none ({@code SET NX GET}: the first
   * host to find none writes it, every other adopts it).
   */
  CompletableFuture<String> adoptLife(StatefulRedisConnection<byte[], byte[]> c) {
    String mine = java.util.UUID.randomUUID().toString();
    return c.async()
        .setGet(
            key(LIFE_KEY),
            mine.getBytes(StandardCharsets.US_ASCII),
            io.lettuce.core.SetArgs.Builder.nx())
        .toCompletableFuture()
        .thenApply(
            before -> {
              String found = before == null ? mine : new String(before, StandardCharsets.US_ASCII);
              life = found;
              return found;
            });
  }

  /** {@link #adoptLife} on the connection: after a reset, the mark the hosts go on with. */
  public CompletableFuture<String> adoptLife() {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    return c == null
        ? CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"))
        : adoptLife(c);
  }

  /**
   * On each reconnection: whether Redis still holds the life mark this host knows. Gone or another
   * means Redis restarted empty or failed over to a replica that missed writes; the scripts would
   * find it too, at the next request.
   */
  private void checkLife() {
    String seen = life;
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (seen == null || c == null) {
      return;
    }
    send(r -> r.get(key(LIFE_KEY)))
        .thenAccept(
            now -> {
              if (now == null || !seen.equals(new String(now, StandardCharsets.US_ASCII))) {
                resetListener.run();
              }
            });
  }

  private volatile boolean evicting;
  private volatile boolean evictionUnread;

  /**
   * Whether Redis was last found with a {@code maxmemory-policy} other than {@code noeviction}: it
   * may then delete a window of used nonce counts (a replay accepted) or the life mark, so the
   * store fails closed until the policy is {@code noeviction}.
   */
  public boolean evicting() {
    return evicting;
  }

  /**
   * Reads {@code maxmemory-policy} (on each connection, and every minute from the host's timer). An
   * ACL that refuses {@code CONFIG GET} is told once as a WARNING, and the store goes on.
   */
  public void checkEviction() {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c == null || closed) {
      return;
    }
    c.async()
        .configGet("maxmemory-policy")
        .toCompletableFuture()
        .whenComplete(
            (settings, failure) -> {
              if (failure != null) {
                if (unwrap(failure) instanceof RedisCommandExecutionException refused
                    && !evictionUnread) {
                  evictionUnread = true;
                  outage.evictionUnread(String.valueOf(refused.getMessage()));
                }
                return; // not reached: the outage has its own events
              }
              String policy = settings == null ? null : settings.get("maxmemory-policy");
              boolean unsafe = policy != null && !policy.equals("noeviction");
              if (unsafe && !evicting) {
                evicting = true;
                outage.evicting(policy);
              } else if (!unsafe && evicting) {
                evicting = false;
                outage.noEviction();
              }
            });
  }

  private volatile String runId;
  private volatile boolean serverUnchecked = true;

  /**
   * Whether the server's identity has not been checked since the last (re)connection: until it has,
   * the store fails closed (another server may have lost recent writes).
   */
  public boolean serverUnchecked() {
    return serverUnchecked;
  }

  /**
   * Swaps the life mark if it still is {@code ARGV[1]}, and in the same atomic step drops what the
   * plug-ins kept (keys matching {@code ARGV[3]}): a restored secret would let an old nonce be
   * checked against windows that missed its last uses. Every host then resets, as for an empty
   * store. Rare (a restart or failover), so one blocking pass over the plug-ins' keys is accepted.
   */
  private static final String SWAP_LIFE =
      "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end"
          + " redis.call('SET', KEYS[1], ARGV[2])"
          + " local cursor = '0'"
          + " repeat"
          + "   local r = redis.call('SCAN', cursor, 'MATCH', ARGV[3], 'COUNT', 1000)"
          + "   cursor = r[1]"
          + "   for _, k in ipairs(r[2]) do redis.call('UNLINK', k) end"
          + " until cursor == '0'"
          + " return 1";

  /** For tests: what a reconnection's server check waits for before it asks. */
  volatile CompletableFuture<Void> beforeServerCheck = CompletableFuture.completedFuture(null);

  /**
   * On each connection: the server's {@code run_id} ({@code INFO server}). Another one than last
   * time is a restart (from a snapshot or AOF that may miss the last writes) or a failover (to a
   * replica that may miss them): the windows of used counts may have lost recent uses while the
   * life mark survived. So the mark is swapped, and every host resets as for a store found empty.
   */
  private void checkServer() {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c == null || closed) {
      return;
    }
    beforeServerCheck
        .thenCompose(held -> c.async().info("server").toCompletableFuture())
        .thenCompose(
            info -> {
              String now = runIdOf(info);
              String before = runId;
              // The same instance when unchanged: the per-loop connections compare by identity.
              runId = before != null && before.equals(now) ? before : now;
              String seen = life;
              if (before == null || now == null || before.equals(now) || seen == null) {
                return CompletableFuture.completedFuture(false);
              }
              LOG.info(
                  "Redis's run_id changed ({} to {}): its recent writes may be lost", before, now);
              byte[][] keys = {key(LIFE_KEY)};
              return c.async()
                  .<Long>eval(
                      SWAP_LIFE.getBytes(StandardCharsets.UTF_8),
                      io.lettuce.core.ScriptOutputType.INTEGER,
                      keys,
                      seen.getBytes(StandardCharsets.US_ASCII),
                      java.util.UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII),
                      (config.keyPrefix().replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "plugin/*")
                          .getBytes(StandardCharsets.UTF_8))
                  .toCompletableFuture()
                  .thenApply(done -> true);
            })
        .whenComplete(
            (swapped, failure) -> {
              if (failure != null) {
                return; // the next connection checks again; until then the store fails closed
              }
              if (swapped) {
                resetListener.run();
              }
              serverUnchecked = false;
            });
  }

  /**
   * The server the per-loop connections may talk to: the main connection's {@code run_id} once
   * checked, while no outage is declared; else null (everything on the main connection).
   */
  private String checkedServer() {
    return serverUnchecked || connection == null || outage.isDown() ? null : runId;
  }

  static String runIdOf(String info) {
    if (info == null) {
      return null;
    }
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("run_id:")) {
        return line.substring("run_id:".length()).strip();
      }
    }
    return null;
  }

  private volatile Runnable resetListener = () -> {};

  /**
   * Called when the store is found to have lost its data: on the executor of whoever sent the
   * command that found it (an event loop, the host's answer pool); must not block.
   */
  public void whenReset(Runnable listener) {
    this.resetListener = listener;
  }

  /** The store has lost its data (a script found another life mark). */
  void storeReset() {
    resetListener.run();
  }

  /**
   * Connects: a host whose Redis answers starts with it; one whose Redis does not starts anyway, in
   * an outage, and {@link #retry()} connects later. Waits for the attempt to end (a refused
   * connection ends it at once, an unanswered one at the connect time-out), plus a margin for the
   * first use of Lettuce in the process, which loads and sets up much (seconds on a busy machine).
   */
  public void connect() {
    try {
      startConnecting()
          .get(config.connectTimeout().toMillis() + FIRST_USE_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Told to the outage by startConnecting; the host's retries take it from here.
      LOG.debug("Redis not reachable at start", e);
    }
  }

  /** Another attempt to connect when there is no connection yet (the host's timer calls it). */
  public void retry() {
    if (connection == null && !closed) {
      startConnecting();
    }
  }

  /** Whether a connection was ever made (Lettuce keeps it and reconnects it from then on). */
  public boolean connected() {
    return connection != null;
  }

  private synchronized CompletableFuture<Void> startConnecting() {
    CompletableFuture<Void> running = connecting;
    if (running != null && !running.isDone()) {
      return running;
    }
    CompletableFuture<Void> attempt =
        client
            .connectAsync(CODEC, uri)
            .toCompletableFuture()
            .thenCompose(
                c ->
                    client
                        .connectPubSubAsync(CODEC, uri)
                        .toCompletableFuture()
                        .thenCompose(
                            p ->
                                // The life mark before anything else: every script checks it.
                                adoptLife(c)
                                    .thenCompose(
                                        life ->
                                            // The server it is: a later run_id means a restart.
                                            c.async()
                                                .info("server")
                                                .toCompletableFuture()
                                                .thenApply(
                                                    info -> {
                                                      runId = runIdOf(info);
                                                      serverUnchecked = false;
                                                      return life;
                                                    }))
                                    .<Void>thenApply(
                                        life -> {
                                          if (closed) {
                                            c.closeAsync();
                                            p.closeAsync();
                                            return null;
                                          }
                                          p.addListener(
                                              new RedisPubSubAdapter<>() {
                                                @Override
                                                public void message(
                                                    byte[] channel, byte[] message) {
                                                  deliver(channel, message);
                                                }
                                              });
                                          pubSub = p;
                                          connection = c;
                                          subscribers.keySet().forEach(this::subscribeNow);
                                          outage.reachable();
                                          runConnectedTasks();
                                          return null;
                                        })))
            .whenComplete(
                (ok, failure) -> {
                  if (failure != null) {
                    outage.unreachable(unwrap(failure));
                  }
                });
    connecting = attempt;
    return attempt;
  }

  /**
   * Runs {@code task} each time the connection is made or made again (on a Lettuce thread: it must
   * not block), so that what was missed while disconnected can be read again.
   */
  public void whenConnected(Runnable task) {
    onConnected.add(task);
    if (connection != null) {
      task.run();
    }
  }

  /**
   * Runs {@code task} each time the subscriptions' connection is made again on its own (the
   * commands' one still up): messages published meanwhile were lost, so what they said is read
   * again. On a Lettuce thread: it must not block.
   */
  public void whenResubscribed(Runnable task) {
    onResubscribed.add(task);
  }

  private void runConnectedTasks() {
    run(onConnected);
  }

  private static void run(java.util.List<Runnable> tasks) {
    for (Runnable task : tasks) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("a task after connecting to Redis failed", e);
      }
    }
  }

  /** How many event loops have a connection of their own open now (for tests). */
  int loopConnections() {
    return lanes.openCount();
  }

  /** The per-loop connections (for tests). */
  LoopConnections loopLanes() {
    return lanes;
  }

  /** Whether the last thing heard of Redis was a failure. */
  public boolean isDown() {
    return outage.isDown();
  }

  /** The key {@code name} under the configured prefix. */
  public byte[] key(String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] k = new byte[prefix.length + n.length];
    System.arraycopy(prefix, 0, k, 0, prefix.length);
    System.arraycopy(n, 0, k, prefix.length, n.length);
    return k;
  }

  /** The prefix, as keys start with it. */
  public String keyPrefix() {
    return config.keyPrefix();
  }

  /**
   * Sends a command and gives its answer. The stage completes on the caller's executor (see the
   * class comment: the event loop it was called from, else {@link #answers}), never on Lettuce's
   * thread; at once with the failure when there is no connection. A failure of the connection (not
   * an error the server answered) tells the outage; a success tells it Redis is reachable.
   */
  public <T> CompletableFuture<T> send(
      Function<RedisAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c == null) {
      IllegalStateException down = new IllegalStateException("not connected to Redis yet");
      outage.unreachable(down);
      return CompletableFuture.failedFuture(down);
    }
    Executor caller = callerExecutor();
    CompletableFuture<T> answer;
    LoopConnections.Used lane = lanes.on(caller);
    StatefulRedisConnection<byte[], byte[]> used = lane == null ? c : lane.connection;
    try {
      answer = command.apply(used.async()).toCompletableFuture();
    } catch (RuntimeException rejected) {
      if (lane != null) {
        lane.done(false);
        lanes.failed(lane);
      }
      outage.unreachable(rejected);
      return CompletableFuture.failedFuture(rejected);
    }
    CompletableFuture<T> onCaller = new CompletableFuture<>();
    answer.whenComplete(
        (value, failure) -> {
          // The outage is told here, on the thread that read the answer (Lettuce's, or the loop's
          // for its own connection), in the order the answers were read: an answer waiting in a
          // busy loop's queue must not end an outage that began after it.
          Throwable cause = failure == null ? null : unwrap(failure);
          // An answer on a lane never ends an outage (only the main connection's do: lanes are not
          // used during one, so a lane's answer is to a command sent before it began).
          try {
            if (cause == null) {
              answered(lane);
            } else if (!(cause instanceof RedisCommandExecutionException) || unavailable(cause)) {
              if (lane != null) {
                lane.done(false);
                lanes.failed(lane);
              }
              outage.commandFailed(cause);
            } else {
              answered(lane); // the server answered, with an error of its own
            }
          } catch (RuntimeException e) {
            LOG.warn("telling Redis's reachability failed", e);
          }
          goOn(
              caller,
              () -> {
                if (cause == null) {
                  onCaller.complete(value);
                } else {
                  onCaller.completeExceptionally(cause);
                }
              });
        });
    return onCaller;
  }

  private void answered(LoopConnections.Used lane) {
    if (lane == null) {
      outage.answered();
    } else {
      lane.done(true);
      outage.answeredOnLane();
    }
  }

  /**
   * The executor an answer goes on with: the event loop the caller runs on, unless it is one of
   * Lettuce's own; else the host's pool.
   */
  private Executor callerExecutor() {
    // Netty's internal API (no compatibility promise): RedisAnswersOnCallerTest pins what it does.
    Executor loop = ThreadExecutorMap.currentExecutor();
    return loop == null || Thread.currentThread() instanceof LettuceThread ? answers : loop;
  }

  /**
   * Runs {@code task} on {@code executor}: at once when already on it (a command refused before it
   * left, while disconnected: the stage fails before the caller returns, as a local store's would);
   * on the host's pool if that executor is shut down.
   */
  private void goOn(Executor executor, Runnable task) {
    if (executor instanceof EventExecutor loop && loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      executor.execute(task);
    } catch (RejectedExecutionException stopped) {
      // The caller's event loop is shutting down (the host stops): end the stage all the same.
      try {
        answers.execute(task);
      } catch (RejectedExecutionException closing) {
        task.run();
      }
    }
  }

  /** Lettuce's I/O and computation threads, told apart from the host's own event loops. */
  static final class LettuceThread extends FastThreadLocalThread {
    LettuceThread(ThreadGroup group, Runnable task, String name) {
      super(group, task, name);
    }

    static java.util.concurrent.ThreadFactory factory(String poolName) {
      return new DefaultThreadFactory(poolName, true) {
        @Override
        protected Thread newThread(Runnable r, String name) {
          return new LettuceThread(threadGroup, r, name);
        }
      };
    }
  }

  /** A Lua script and its SHA-1, as {@code EVALSHA} names it. */
  public record Script(String source, String sha) {
    public Script(String source) {
      this(source, sha1(source));
    }

    private static String sha1(String source) {
      try {
        return HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * Runs {@code script} by its SHA-1 ({@code EVALSHA}); sends it whole ({@code EVAL}, which the
   * server then keeps) when the server does not know it, as after a restart.
   */
  public <T> CompletableFuture<T> script(
      Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
    // One stage per call, completed where send completes (on the caller): run for every Digest
    // request, so no handle-then-compose pair for the rare NOSCRIPT. The arguments are encoded
    // once (ScriptArgs), and again only for that EVAL.
    ScriptArgs bySha = ScriptArgs.of(script.sha(), keys, args);
    CompletableFuture<T> result = new CompletableFuture<>();
    this.<T>send(r -> r.dispatch(CommandType.EVALSHA, output(type), bySha))
        .whenComplete(
            (value, failure) -> {
              if (failure == null) {
                result.complete(value);
              } else if (unwrap(failure) instanceof RedisNoScriptException) {
                this.<T>send(
                        r ->
                            r.dispatch(
                                CommandType.EVAL, output(type), bySha.naming(script.source())))
                    .whenComplete(
                        (again, failed) -> {
                          if (failed == null) {
                            result.complete(again);
                          } else {
                            result.completeExceptionally(unwrap(failed));
                          }
                        });
              } else {
                result.completeExceptionally(unwrap(failure));
              }
            });
    return result;
  }

  /** What a script's answer is read into: the two kinds the host's scripts answer. */
  @SuppressWarnings("unchecked")
  private static <T> CommandOutput<byte[], byte[], T> output(ScriptOutputType type) {
    return (CommandOutput<byte[], byte[], T>)
        switch (type) {
          case INTEGER -> new IntegerOutput<>(CODEC);
          case MULTI -> new NestedMultiOutput<>(CODEC);
          default -> throw new IllegalArgumentException("no script of the host answers " + type);
        };
  }

  /**
   * Calls {@code listener} with each message published on {@code channel} (under the prefix), on a
   * Lettuce thread; kept across reconnections.
   */
  public void subscribe(String channel, Consumer<String> listener) {
    subscribers.put(channel, listener);
    if (pubSub != null) {
      subscribeNow(channel);
    }
  }

  /** Publishes {@code message} on {@code channel} (under the prefix). */
  public CompletableFuture<Long> publish(String channel, String message) {
    return send(r -> r.publish(key(channel), message.getBytes(StandardCharsets.UTF_8)));
  }

  private void subscribeNow(String channel) {
    StatefulRedisPubSubConnection<byte[], byte[]> p = pubSub;
    if (p != null) {
      p.async().subscribe(key(channel));
    }
  }

  private void deliver(byte[] channel, byte[] message) {
    String name = new String(channel, StandardCharsets.UTF_8);
    if (!name.startsWith(config.keyPrefix())) {
      return;
    }
    Consumer<String> listener = subscribers.get(name.substring(config.keyPrefix().length()));
    if (listener != null) {
      try {
        listener.accept(new String(message, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        LOG.warn("a Redis message on {} could not be handled", name, e);
      }
    }
  }

  /**
   * The error codes Redis answers for a fault of the scripts or their keys (the rest of {@code
   * ERR}, {@code WRONGTYPE}), for a script not loaded yet ({@code NOSCRIPT}, resent by {@link
   * #script}), and for a full server ({@code OOM}, told as capacity). Any other code says the
   * server cannot serve now ({@code LOADING}, {@code READONLY} after a failover, {@code BUSY},
   * {@code MASTERDOWN}, {@code NOAUTH}/{@code WRONGPASS} after a password change, {@code
   * MISCONF}...): for the plug-ins that is Redis unavailable, as a connection refused is.
   */
  private static final Set<String> SERVED_ERRORS = Set.of("ERR", "WRONGTYPE", "NOSCRIPT", "OOM");

  /** Whether {@code failure} is an error reply that means the server cannot serve now. */
  static boolean unavailable(Throwable failure) {
    if (!(failure instanceof RedisCommandExecutionException e) || e.getMessage() == null) {
      return false;
    }
    String message = e.getMessage();
    int space = message.indexOf(' ');
    String code = space < 0 ? message : message.substring(0, space);
    return !code.isEmpty()
        && code.chars().allMatch(ch -> ch >= 'A' && ch <= 'Z')
        && !SERVED_ERRORS.contains(code);
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException
        || t instanceof java.util.concurrent.ExecutionException) {
      if (t.getCause() == null) {
        return t;
      }
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    closed = true;
    StatefulRedisConnection<byte[], byte[]> c = connection;
    StatefulRedisPubSubConnection<byte[], byte[]> p = pubSub;
    connection = null;
    pubSub = null;
    lanes.close();
    if (c != null) {
      c.close();
    }
    if (p != null) {
      p.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    answers.shutdown();
  }
}
