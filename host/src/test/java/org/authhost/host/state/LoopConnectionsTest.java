package org.authhost.host.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-loop connections' safety rules (review REV-R item 4), against a real Redis: a lane is
 * used only on the server the main connection checked (its {@code run_id}), is closed only once its
 * commands are done, is opened again after a back-off on the host's clock, and goes with its loop.
 */
class LoopConnectionsTest {
  @RegisterExtension static final RedisServer.PerClass REDIS = RedisServer.perClass();

  static final long BOUND_SECONDS = 30;

  private final MutableClock clock = new MutableClock();
  private final AtomicReference<String> checked = new AtomicReference<>();
  private ClientResources resources;
  private LoopConnections lanes;
  private EventLoopGroup group;
  private EventLoop loop;
  private String runId;

  @BeforeEach
  void start() throws Exception {
    runId = RedisLink.runIdOf(REDIS.server().call("INFO", "server"));
    assertNotNull(runId, "the server tells its run_id");
    resources = ClientResources.create();
    RedisURI uri = RedisURI.create(REDIS.server().uri());
    uri.setTimeout(Duration.ofSeconds(BOUND_SECONDS));
    lanes = new LoopConnections(resources, ClientOptions.create(), uri, checked::get, clock, true);
    group = RedisAnswersOnCallerTest.hostLoops();
    loop = group.next();
  }

  @AfterEach
  void stop() throws Exception {
    lanes.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(BOUND_SECONDS, TimeUnit.SECONDS);
    resources.shutdown(0, 1, TimeUnit.SECONDS).await(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  private <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get(BOUND_SECONDS, TimeUnit.SECONDS);
  }

  /** Asks for a lane on the loop, waits for the attempt it started, and asks again. */
  private LoopConnections.Used opened() throws Exception {
    assertNull(onLoop(() -> lanes.on(loop)), "the first command goes on the main connection");
    assertTrue(
        lanes.lastOpen(loop).get(BOUND_SECONDS, TimeUnit.SECONDS), "the lane opened and checked");
    return onLoop(() -> lanes.on(loop));
  }

  @Test
  void aLaneIsUsedOnlyOnTheServerTheMainConnectionChecked() throws Exception {
    checked.set(runId);
    LoopConnections.Used used = opened();
    assertNotNull(used, "same server: the lane carries the loop's commands");
    assertEquals("PONG", used.connection.sync().ping());
    used.done(true);

    // The main connection now knows another server (a failover it reconnected to): the lane that
    // reached the old one is retired, never used again.
    checked.set("another-" + runId);
    assertNull(onLoop(() -> lanes.on(loop)));
    assertTrue(used.closing(), "retired and closed (nothing was in flight on it)");
  }

  @Test
  void aNewLaneThatReachesAnotherServerThanTheMainOneIsRefused() throws Exception {
    checked.set("a-promoted-replica-" + runId); // the main connection's server is another one
    assertNull(onLoop(() -> lanes.on(loop)));
    assertFalse(lanes.lastOpen(loop).get(BOUND_SECONDS, TimeUnit.SECONDS), "refused");
    assertNull(onLoop(() -> lanes.on(loop)), "the loop's commands stay on the main connection");
    assertEquals(0, lanes.openCount());
  }

  @Test
  void noLaneIsOpenedOrUsedWhileTheMainConnectionIsNotKnownGood() throws Exception {
    checked.set(runId);
    LoopConnections.Used used = opened();
    used.done(true);
    checked.set(null); // the main connection lost, unchecked, or an outage declared
    assertNull(onLoop(() -> lanes.on(loop)));
    assertEquals(1, lanes.attempts(loop), "no new attempt while the main one is not known good");
    checked.set(runId);
    assertSame(used, onLoop(() -> lanes.on(loop)), "the same lane again once it is");
    used.done(true);
  }

  @Test
  void aRetiredLaneIsClosedOnlyAfterItsCommandsAreDone() throws Exception {
    checked.set(runId);
    LoopConnections.Used used = opened(); // one command in flight
    assertSame(used, onLoop(() -> lanes.on(loop))); // and a second
    used.done(false);
    lanes.failed(used); // the first failed for want of Redis

    assertFalse(used.closing(), "the other command is still on it");
    assertEquals("PONG", used.connection.sync().ping(), "and can still be answered");
    assertNull(onLoop(() -> lanes.on(loop)), "but it takes no new command");
    used.done(true);
    assertTrue(used.closing(), "closed once its last command is done");

    // The same after a reconnection of the main connection.
    LoopConnections.Used next = reopen();
    lanes.dropAll();
    assertFalse(next.closing());
    assertEquals("PONG", next.connection.sync().ping());
    next.done(true);
    assertTrue(next.closing());
  }

  /** Moves past any back-off and opens the loop's lane again; one command counted on it. */
  private LoopConnections.Used reopen() throws Exception {
    clock.advance(LoopConnections.LAST_BACK_OFF);
    return opened();
  }

  @Test
  void aLaneIsOpenedAgainAfterABackOffThatDoublesOnTheHostsClock() throws Exception {
    checked.set("not-" + runId); // every attempt is refused
    assertNull(onLoop(() -> lanes.on(loop)));
    assertFalse(lanes.lastOpen(loop).get(BOUND_SECONDS, TimeUnit.SECONDS));
    assertEquals(1, lanes.attempts(loop));

    Duration first = LoopConnections.FIRST_BACK_OFF;
    clock.advance(first.minusMillis(1));
    onLoop(() -> lanes.on(loop));
    assertEquals(1, lanes.attempts(loop), "not before the back-off");
    clock.advance(Duration.ofMillis(1));
    onLoop(() -> lanes.on(loop));
    assertEquals(2, lanes.attempts(loop), "again once it passed");
    assertFalse(lanes.lastOpen(loop).get(BOUND_SECONDS, TimeUnit.SECONDS));

    clock.advance(first);
    onLoop(() -> lanes.on(loop));
    assertEquals(2, lanes.attempts(loop), "the second back-off is twice the first");
    clock.advance(first);
    checked.set(runId);
    LoopConnections.Used used = opened();
    assertEquals(3, lanes.attempts(loop));
    assertNotNull(used, "open once the server is the checked one");
    used.done(true);
  }

  @Test
  void aLaneIdleForTheLimitIsRetiredAndAnotherOpened() throws Exception {
    checked.set(runId);
    LoopConnections.Used used = opened();
    used.done(true);
    clock.advance(LoopConnections.IDLE_LIMIT.minusMillis(1));
    assertSame(used, onLoop(() -> lanes.on(loop)), "still used just before the limit");
    used.done(true);

    clock.advance(LoopConnections.IDLE_LIMIT);
    assertNull(onLoop(() -> lanes.on(loop)), "idle too long: this command on the main connection");
    assertTrue(used.closing(), "the idle lane is closed (nothing in flight on it)");
    assertEquals(2, lanes.attempts(loop), "and another is opened at once");
    assertTrue(lanes.lastOpen(loop).get(BOUND_SECONDS, TimeUnit.SECONDS));
    LoopConnections.Used next = onLoop(() -> lanes.on(loop));
    assertNotNull(next);
    assertFalse(next == used, "a new connection");
    next.done(true);
  }

  @Test
  void aStoppedLoopsEntryIsDroppedAndItsLaneClosed() throws Exception {
    checked.set(runId);
    LoopConnections.Used used = opened();
    used.done(true);
    assertEquals(1, lanes.loopCount());

    // Termination listeners run in the order they were added: the lanes' one first.
    CountDownLatch after = new CountDownLatch(1);
    loop.terminationFuture().addListener(f -> after.countDown());
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    assertTrue(after.await(BOUND_SECONDS, TimeUnit.SECONDS), "the loop stopped");
    assertEquals(0, lanes.loopCount(), "its entry is gone");
    assertTrue(used.closing() || !used.connection.isOpen(), "its lane closed");
    assertNull(lanes.lastOpen(loop), "nothing left of it");
  }
}
