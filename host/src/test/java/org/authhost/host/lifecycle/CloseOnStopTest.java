package org.authhost.host.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.host.lifecycle.LifeCycle.State;
import org.junit.jupiter.api.Test;

class CloseOnStopTest {
  @Test
  void closesAtStopOnceAndCannotStartAgain() throws Exception {
    AtomicInteger closes = new AtomicInteger();
    CloseOnStop part = CloseOnStop.closing("the event log", closes::incrementAndGet);
    part.start();
    assertEquals(0, closes.get(), "a start does not touch the resource");
    part.stop();
    part.stop();
    assertEquals(1, closes.get());

    IllegalStateException e = assertThrows(IllegalStateException.class, part::start);
    assertEquals("the event log was closed when it stopped and cannot start again", e.getMessage());
    assertEquals(State.FAILED, part.state());
  }

  @Test
  void shutsDownAnExecutorAndInterruptsItsTasks() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    CountDownLatch running = new CountDownLatch(1);
    Future<?> task =
        executor.submit(
            () -> {
              running.countDown();
              new CountDownLatch(1).await();
              return null;
            });
    CloseOnStop part = CloseOnStop.shuttingDown("workers", executor, Duration.ofSeconds(30));
    part.start();
    running.await();
    part.stop();
    assertTrue(executor.isTerminated(), "the interrupted task ended within the grace");
    assertTrue(task.isDone());
  }
}
