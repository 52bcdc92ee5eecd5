package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.HResult;
import org.authhost.api.StateService;
import org.authhost.api.StateService.WindowClaim;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where a Redis answer goes on: on the thread of the caller (its event loop, else a pool of the
 * host's), never on Lettuce's one I/O thread, which reads every answer for the whole host.
 */
class RedisAnswersOnCallerTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  /** Far beyond a round trip on a loaded machine; reached only when an answer is never read. */
  static final long BOUND_SECONDS = 30;

  static final Duration TTL = Duration.ofMinutes(5);

  private RedisLink link;
  private RedisOutage outage;
  private final MutableClock clock = new MutableClock();
  private RedisStateService store;
  private final EventLoop loopA = new DefaultEventLoop();
  private final EventLoop loopB = new DefaultEventLoop();

  @BeforeEach
  void connect() throws Exception {
    assertEquals("OK", REDIS.server().call("FLUSHALL"));
    outage = new RedisOutage((level, code, text) -> {}, "test", clock);
    // The per-loop connections are on by default.
    link = new RedisLink(RedisStateBehaviourTest.config(REDIS.server().uri(), "test:"), outage);
    link.connect();
    store = new RedisStateService(link, LocalStateService.CapacityAlarm.SILENT, TTL);
  }

  @AfterEach
  void disconnect() throws Exception {
    link.close();
    loopA.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    loopB.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** The loop's own connection, once its first command has opened it: its client id. */
  private long laneOf(EventLoop loop) throws Exception {
    idOn(loop);
    assertTrue(
        link.loopLanes().lastOpen(loop).get(BOUND_SECONDS, TimeUnit.SECONDS), "the lane opened");
    return idOn(loop);
  }

  /** Closes the link, then the test's event loops. */
  private void stop(EventLoopGroup hostLoops) throws InterruptedException {
    link.close();
    hostLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  @Test
  void theContinuationRunsOnTheEventLoopThatCalled() throws Exception {
    StateService digest = new PluginState(store, "digest");
    CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
    CompletableFuture<String> thread = new CompletableFuture<>();
    loopA.execute(
        () ->
            digest
                .claimInWindowAsync("nc/abc", 1, 64, TTL)
                .whenComplete(
                    (answer, failure) -> {
                      thread.complete(Thread.currentThread().getName());
                      onLoop.complete(
                          failure == null
                              && answer.value() == WindowClaim.FIRST
                              && loopA.inEventLoop());
                    }));
    assertTrue(
        onLoop.get(BOUND_SECONDS, TimeUnit.SECONDS),
        "answered FIRST on the calling loop, not on " + thread.getNow("?"));
  }

  /**
   * A host event loop (the transport Lettuce uses, as the HTTP front's on Linux) gets a connection
   * of its own that lives on it: the answer is read on the loop that sent the command, with no
   * hand-off from Lettuce's I/O thread. Its first command goes on the shared connection (read on
   * Lettuce's thread) while the loop's own is made.
   */
  @Test
  void aHostEventLoopSendsAndReadsOnItsOwnConnection() throws Exception {
    EventLoopGroup hostLoops = hostLoops();
    try {
      EventLoop loop = hostLoops.next();
      CompletableFuture<Thread> loopThread = new CompletableFuture<>();
      loop.execute(() -> loopThread.complete(Thread.currentThread()));
      Thread expected = loopThread.get(BOUND_SECONDS, TimeUnit.SECONDS);

      readOn(loop); // the first goes on the shared connection while the loop's own is made
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
      while (link.loopConnections() == 0 && System.nanoTime() < deadline) {
        readOn(loop); // a round trip each: no sleep, the lane opens meanwhile
      }
      assertEquals(1, link.loopConnections(), "the loop has a connection of its own");
      for (int i = 0; i < 20; i++) {
        assertEquals(expected, readOn(loop), "the answer was read by the loop that sent it");
      }
      assertFalse(link.isDown());

    } finally {
      stop(hostLoops);
    }
  }

  /** The id ({@code CLIENT ID}) of the connection a command sent from {@code loop} went on. */
  private long idOn(EventLoop loop) throws Exception {
    CompletableFuture<Long> id = new CompletableFuture<>();
    loop.execute(
        () ->
            link.send(r -> r.clientId())
                .whenComplete(
                    (value, failure) -> {
                      if (failure != null) {
                        id.completeExceptionally(failure);
                      } else {
                        id.complete(value);
                      }
                    }));
    return id.get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * During an outage every command goes on the main connection, whose answers alone end it (REV-R
   * item 4: the old code kept using the lanes, and their answers ended an outage the main
   * connection still had).
   */
  @Test
  void aLaneIsNotUsedWhileAnOutageIsDeclaredAndItsAnswersDoNotEndOne() throws Exception {
    EventLoopGroup hostLoops = hostLoops();
    try {
      EventLoop loop = hostLoops.next();
      // Off any event loop: the main connection.
      long main = link.send(r -> r.clientId()).get(BOUND_SECONDS, TimeUnit.SECONDS);
      assertEquals(main, idOn(loop), "a loop's first command goes on the main connection");
      assertTrue(
          link.loopLanes().lastOpen(loop).get(BOUND_SECONDS, TimeUnit.SECONDS), "the lane opened");
      long lane = idOn(loop);
      assertNotEquals(main, lane, "then on its own connection");

      // Three commands put on the lane, the outage declared before they are answered.
      CompletableFuture<Void> sent = new CompletableFuture<>();
      java.util.List<CompletableFuture<Long>> answers = new java.util.ArrayList<>();
      loop.execute(
          () -> {
            for (int i = 0; i < RedisOutage.SUCCESSES_TO_RECOVER; i++) {
              answers.add(link.send(r -> r.clientId()));
            }
            outage.unreachable(new IllegalStateException("declared by the test"));
            sent.complete(null);
          });
      sent.get(BOUND_SECONDS, TimeUnit.SECONDS);
      for (CompletableFuture<Long> a : answers) {
        assertEquals(lane, a.get(BOUND_SECONDS, TimeUnit.SECONDS), "sent on the lane");
      }
      assertTrue(link.isDown(), "answers on a lane do not end the outage");

      // Now on the main connection, whose answers end the outage.
      for (int i = 0; i < RedisOutage.SUCCESSES_TO_RECOVER; i++) {
        assertTrue(link.isDown());
        assertEquals(main, idOn(loop), "on the main connection during the outage");
      }
      assertFalse(link.isDown(), "the main connection's answers end it");
      assertEquals(lane, idOn(loop), "and the lane is used again");
    } finally {
      stop(hostLoops);
    }
  }

  /**
   * Redis restarts (a new run_id): the loop's connection broke with it, and the loop's next one is
   * opened only once the main connection has reconnected and checked the new server, and is then
   * used again.
   */
  @Test
  void afterARestartTheLoopsConnectionIsReopenedOnTheCheckedNewServer() throws Exception {
    EventLoopGroup hostLoops = hostLoops();
    try {
      EventLoop loop = hostLoops.next();
      long before = laneOf(loop);
      String oldServer = RedisLink.runIdOf(REDIS.server().call("INFO", "server"));

      NextConnection again = NextConnection.of(link);
      assertEquals(1, again.connections(), "run once at once: connected already");
      REDIS.server().restart();
      String newServer = RedisLink.runIdOf(REDIS.server().call("INFO", "server"));
      assertNotEquals(oldServer, newServer, "a restart is another run_id");
      assertTrue(again.await(BOUND_SECONDS), "the main connection reconnected");

      // Each command is a round trip (no sleep): until the new server is checked and the loop's new
      // connection open, commands go on the main one.
      long main = link.send(r -> r.clientId()).get(BOUND_SECONDS, TimeUnit.SECONDS);
      long now = main;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
      while (now == main && System.nanoTime() < deadline) {
        try {
          now = idOn(loop);
        } catch (java.util.concurrent.ExecutionException failedDuringTheCheck) {
          now = main;
        }
      }
      assertNotEquals(main, now, "the loop has its own connection again");
      assertNotEquals(before, now, "a new one, on the restarted server");
      assertEquals(1, link.loopConnections());
    } finally {
      stop(hostLoops);
    }
  }

  /**
   * The main connection alone is lost (CLIENT KILL: the lanes stay up, on the same server): from
   * its reconnection until its server check is done, a loop's commands go on the main connection,
   * never on the loop's old lane; after it, on a new lane, the old one closed.
   */
  @Test
  void betweenTheMainConnectionsLossAndItsServerCheckNoCommandGoesOnALane() throws Exception {
    EventLoopGroup hostLoops = hostLoops();
    try {
      EventLoop loop = hostLoops.next();
      long oldLane = laneOf(loop);
      long oldMain = link.send(r -> r.clientId()).get(BOUND_SECONDS, TimeUnit.SECONDS);
      assertNotEquals(oldMain, oldLane);

      NextConnection again = NextConnection.of(link);
      CompletableFuture<Void> check = new CompletableFuture<>();
      link.beforeServerCheck = check; // the reconnection's check waits for the test
      REDIS.server().call("CLIENT", "KILL", "ID", Long.toString(oldMain));
      assertTrue(again.await(BOUND_SECONDS), "the main connection reconnected");
      assertTrue(link.serverUnchecked(), "its server not checked yet");

      long onMain = idOn(loop);
      assertNotEquals(oldLane, onMain, "not on the old lane before the check");
      assertNotEquals(oldMain, onMain, "on the new main connection");
      assertEquals(
          1, link.loopLanes().attempts(loop), "and no new lane is opened before the check either");

      check.complete(null);
      long now = onMain;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
      while (now == onMain && System.nanoTime() < deadline) {
        now = idOn(loop); // a round trip each: the check and the new lane's opening go on meanwhile
      }
      assertNotEquals(onMain, now, "after the check, a lane again");
      assertNotEquals(oldLane, now, "a new one: the old lane was retired at the reconnection");
      assertEquals(1, link.loopConnections(), "one lane in use");
    } finally {
      stop(hostLoops);
    }
  }

  /** The thread that read the answer to a PING sent from {@code loop}. */
  private Thread readOn(EventLoop loop) throws Exception {
    CompletableFuture<Thread> read = new CompletableFuture<>();
    loop.execute(
        () ->
            link.send(
                    r -> {
                      io.lettuce.core.RedisFuture<String> f = r.ping();
                      f.thenRun(() -> read.complete(Thread.currentThread()));
                      return f;
                    })
                .whenComplete(
                    (pong, failure) -> {
                      if (failure != null) {
                        read.completeExceptionally(failure);
                      }
                    }));
    return read.get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  /** One event loop of the transport Lettuce uses (native epoll on Linux, else NIO). */
  static EventLoopGroup hostLoops() {
    return io.lettuce.core.resource.Transports.socketChannelClass()
            == io.netty.channel.epoll.EpollSocketChannel.class
        ? new io.netty.channel.epoll.EpollEventLoopGroup(1)
        : new io.netty.channel.nio.NioEventLoopGroup(1);
  }

  @Test
  void aCallerOffAnyEventLoopGoesOnOnTheHostsPoolNotOnLettucesThread() throws Exception {
    StateService plugin = new PluginState(store, "blocking");
    String caller = Thread.currentThread().getName();
    String name =
        plugin
            .claimAsync("k", TTL)
            .thenApply(a -> Thread.currentThread().getName())
            .toCompletableFuture()
            .get(BOUND_SECONDS, TimeUnit.SECONDS);
    // The host's pool when the answer comes after the continuation is attached; the caller itself
    // when the answer was already there (a busy machine can pause this thread that long). Never
    // Lettuce's I/O thread, which is what the old code used.
    assertTrue(
        name.equals("authhost-redis-answers") || name.equals(caller),
        "the continuation ran on " + name);
  }

  @Test
  void aContinuationThatBlocksDoesNotStopAnotherPluginsRedisCalls() throws Exception {
    StateService stuck = new PluginState(store, "stuck");
    StateService other = new PluginState(store, "other");
    CountDownLatch blocking = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      // A non-blocking plug-in whose continuation blocks (on its own event loop).
      loopA.execute(
          () ->
              stuck
                  .claimAsync("a", TTL)
                  .thenRun(
                      () -> {
                        blocking.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      }));
      assertTrue(blocking.await(BOUND_SECONDS, TimeUnit.SECONDS), "the first answer came");

      // Another plug-in, on another loop: its answers are still read and handed to it.
      CompletableFuture<StateService.Answer<Long>> answer = new CompletableFuture<>();
      loopB.execute(
          () ->
              other
                  .incrementAsync("n", TTL)
                  .thenCompose(first -> other.incrementAsync("n", TTL))
                  .whenComplete(
                      (a, failure) -> {
                        if (failure != null) {
                          answer.completeExceptionally(failure);
                        } else {
                          answer.complete(a);
                        }
                      }));
      StateService.Answer<Long> second = answer.get(BOUND_SECONDS, TimeUnit.SECONDS);
      assertEquals(HResult.S_OK, second.hresult());
      assertEquals(2L, second.value());
      assertFalse(link.isDown(), "Redis is not reported unreachable");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aSynchronousCallInAContinuationOffAnEventLoopIsServed() throws Exception {
    StateService plugin = new PluginState(store, "blocking");
    HResult inside =
        plugin
            .claimAsync("first", TTL)
            .thenApply(a -> plugin.put("second", new byte[] {1}, TTL))
            .toCompletableFuture()
            .get(BOUND_SECONDS, TimeUnit.SECONDS);
    assertEquals(HResult.S_OK, inside, "not refused as a call on a Netty thread");
  }
}
