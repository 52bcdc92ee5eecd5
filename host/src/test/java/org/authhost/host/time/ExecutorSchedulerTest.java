package org.authhost.host.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.authhost.host.lifecycle.LifeCycle.State;
import org.junit.jupiter.api.Test;

/**
 * The production scheduler's life cycle, and where it runs a task; its timing is the JDK's (and
 * Netty's) and is not tested here.
 */
class ExecutorSchedulerTest {
  private final ExecutorScheduler scheduler = new ExecutorScheduler("test-scheduler", true);

  @Test
  void aSchedulerNeverStartedStopsQuietly() throws Exception {
    scheduler.doStop();
    scheduler.doStop();
    scheduler.stop();
    assertEquals(State.STOPPED, scheduler.state());
  }

  @Test
  void schedulingBeforeStartOrAfterStopIsRefused() throws Exception {
    assertThrows(
        IllegalStateException.class, () -> scheduler.schedule(() -> {}, Duration.ofSeconds(1)));
    scheduler.start();
    scheduler.schedule(() -> {}, Duration.ofHours(1));
    scheduler.stop();
    scheduler.doStop(); // idempotent

    assertThrows(
        IllegalStateException.class, () -> scheduler.schedule(() -> {}, Duration.ofSeconds(1)));
    assertThrows(
        IllegalStateException.class,
        () ->
            scheduler.scheduleWithFixedDelay(
                () -> {}, Duration.ofSeconds(1), Duration.ofSeconds(1)));
  }

  @Test
  void aLimitArmedOnAnEventLoopRunsOnThatLoopAndOneArmedElsewhereOnTheSchedulersThread()
      throws Exception {
    scheduler.start();
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      AtomicReference<Thread> loopThread = new AtomicReference<>();
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      CountDownLatch ran = new CountDownLatch(1);
      AtomicReference<Scheduler.Scheduled> cancelled = new AtomicReference<>();
      AtomicBoolean cancelledRan = new AtomicBoolean();
      loop.submit(
              () -> {
                loopThread.set(Thread.currentThread());
                // One cancelled at once (as an answer in time cancels its limit): never runs,
                // though due before the next, which the loop runs after anything due earlier.
                Scheduler.Scheduled never =
                    scheduler.scheduleOnCaller(() -> cancelledRan.set(true), Duration.ofNanos(1));
                never.cancel();
                cancelled.set(never);
                scheduler.scheduleOnCaller(
                    () -> {
                      ranOn.set(Thread.currentThread());
                      ran.countDown();
                    },
                    Duration.ofMillis(1));
              })
          .get(30, TimeUnit.SECONDS);
      assertTrue(ran.await(30, TimeUnit.SECONDS));
      assertSame(loopThread.get(), ranOn.get(), "on the loop that armed it");
      assertTrue(cancelled.get().isCancelled());
      assertFalse(cancelledRan.get(), "cancelled on its loop: never ran");

      CountDownLatch elsewhere = new CountDownLatch(1);
      AtomicReference<String> name = new AtomicReference<>();
      scheduler.scheduleOnCaller(
          () -> {
            name.set(Thread.currentThread().getName());
            elsewhere.countDown();
          },
          Duration.ZERO);
      assertTrue(elsewhere.await(30, TimeUnit.SECONDS));
      assertTrue(name.get().startsWith("test-scheduler"), name.get());
    } finally {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
    }
    scheduler.stop();
    assertThrows(
        IllegalStateException.class,
        () -> scheduler.scheduleOnCaller(() -> {}, Duration.ofSeconds(1)));
  }

  @Test
  void switchedOffALimitArmedOnAnEventLoopRunsOnTheSchedulersThread() throws Exception {
    ExecutorScheduler off = new ExecutorScheduler("test-off", false);
    off.start();
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      AtomicReference<String> name = new AtomicReference<>();
      CountDownLatch ran = new CountDownLatch(1);
      loop.submit(
              () ->
                  off.scheduleOnCaller(
                      () -> {
                        name.set(Thread.currentThread().getName());
                        ran.countDown();
                      },
                      Duration.ZERO))
          .get(30, TimeUnit.SECONDS);
      assertTrue(ran.await(30, TimeUnit.SECONDS));
      assertTrue(name.get().startsWith("test-off"), name.get());
    } finally {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
      off.stop();
    }
  }

  @Test
  void itsThreadHasTheHostsContextLoaderWhoeverMadeIt() throws Exception {
    scheduler.start();
    // The thread is made by the first schedule, here on a thread whose context loader is not
    // the host's (as a plug-in's call thread's is, during its call).
    AtomicReference<ClassLoader> seen = new AtomicReference<>();
    CountDownLatch ran = new CountDownLatch(1);
    try (URLClassLoader foreign = new URLClassLoader(new URL[0], null)) {
      Thread caller =
          new Thread(
              () ->
                  scheduler.schedule(
                      () -> {
                        seen.set(Thread.currentThread().getContextClassLoader());
                        ran.countDown();
                      },
                      Duration.ZERO));
      caller.setContextClassLoader(foreign);
      caller.start();
      caller.join();
      assertTrue(ran.await(30, TimeUnit.SECONDS));
    } finally {
      scheduler.stop();
    }
    assertSame(ExecutorScheduler.class.getClassLoader(), seen.get());
  }

  @Test
  void aFailingTaskIsLoggedButAVirtualMachineErrorIsRethrown() {
    List<String> ran = new ArrayList<>();
    ExecutorScheduler.logged(
            () -> {
              ran.add("threw");
              throw new IllegalStateException("a bug");
            })
        .run();
    ExecutorScheduler.logged(
            () -> {
              ran.add("assertion");
              throw new AssertionError("also survivable");
            })
        .run();
    assertEquals(List.of("threw", "assertion"), ran);

    OutOfMemoryError oom = new OutOfMemoryError("test");
    Runnable fatal =
        ExecutorScheduler.logged(
            () -> {
              throw oom;
            });
    assertEquals(oom, assertThrows(OutOfMemoryError.class, fatal::run));
    StackOverflowError deep = new StackOverflowError();
    assertEquals(
        deep,
        assertThrows(
            StackOverflowError.class,
            ExecutorScheduler.logged(
                    () -> {
                      throw deep;
                    })
                ::run));
  }
}
