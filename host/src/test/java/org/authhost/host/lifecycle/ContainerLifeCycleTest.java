package org.authhost.host.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.host.lifecycle.LifeCycle.State;
import org.junit.jupiter.api.Test;

class ContainerLifeCycleTest {
  /** What the parts did, in order, e.g. "start a", "stop a". */
  final List<String> journal = new CopyOnWriteArrayList<>();

  final ContainerLifeCycle container = new ContainerLifeCycle();

  /** A part that writes what it does in the journal and throws what it is told to. */
  final class Part extends LifeCycle {
    final String name;
    Exception startFails;
    Exception stopFails;

    /** When set, a start tells {@code entered} it has begun and then waits for {@code release}. */
    CountDownLatch entered;

    CountDownLatch release;

    Part(String name) {
      this.name = name;
    }

    @Override
    protected void doStart() throws Exception {
      journal.add("start " + name);
      if (entered != null) {
        entered.countDown();
        assertTrue(release.await(30, TimeUnit.SECONDS), "the test never released " + name);
      }
      if (startFails != null) {
        throw startFails;
      }
    }

    @Override
    protected void doStop() throws Exception {
      journal.add("stop " + name);
      if (stopFails != null) {
        throw stopFails;
      }
    }
  }

  Part add(String name) {
    return container.addManaged(new Part(name));
  }

  @Test
  void partsStartInOrderAndStopInReverse() throws Exception {
    Part a = add("a");
    Part b = add("b");
    Part c = add("c");
    container.start();
    assertEquals(List.of("start a", "start b", "start c"), journal);
    assertEquals(State.STARTED, container.state());
    assertTrue(a.isStarted() && b.isStarted() && c.isStarted());

    journal.clear();
    container.start();
    assertEquals(List.of(), journal, "start is idempotent");

    container.stop();
    assertEquals(List.of("stop c", "stop b", "stop a"), journal);
    assertEquals(State.STOPPED, container.state());
    assertEquals(
        List.of(State.STOPPED, State.STOPPED, State.STOPPED),
        List.of(a.state(), b.state(), c.state()));
  }

  @Test
  void aFailingStartInTheMiddleStopsTheStartedPartsInReverse() throws Exception {
    Part a = add("a");
    Part b = add("b");
    Part c = add("c");
    Part d = add("d");
    IOException cause = new IOException("port taken");
    c.startFails = cause;
    IOException stopProblem = new IOException("a would not stop");
    a.stopFails = stopProblem;

    IOException thrown = assertThrows(IOException.class, container::start);

    assertSame(cause, thrown);
    assertEquals(
        List.of("start a", "start b", "start c", "stop c", "stop b", "stop a"),
        journal,
        "the failed part is stopped too; d never started");
    assertEquals(State.FAILED, container.state());
    assertSame(cause, container.failure());
    assertArrayEquals(new Throwable[] {stopProblem}, cause.getSuppressed());
    assertEquals(State.FAILED, a.state(), "its stop threw");
    assertEquals(State.STOPPED, b.state());
    assertEquals(State.STOPPED, c.state());
    assertEquals(State.STOPPED, d.state());

    IllegalStateException refused = assertThrows(IllegalStateException.class, container::start);
    assertSame(cause, refused.getCause(), "a failed container is stopped before it starts again");

    journal.clear();
    a.stopFails = null;
    container.stop();
    assertEquals(List.of("stop a"), journal, "stop ends the failed part; the stopped ones stay so");
    assertEquals(State.STOPPED, container.state());
    assertEquals(
        List.of(State.STOPPED, State.STOPPED, State.STOPPED, State.STOPPED),
        List.of(a.state(), b.state(), c.state(), d.state()));

    journal.clear();
    c.startFails = null;
    container.start();
    assertEquals(List.of("start a", "start b", "start c", "start d"), journal);
  }

  @Test
  void aPartThatAllocatesAndThenFailsToStartIsStoppedSoItReleasesWhatItHolds() throws Exception {
    add("a");
    List<String> held = new CopyOnWriteArrayList<>();
    container.addManaged(
        new LifeCycle() {
          @Override
          protected void doStart() throws IOException {
            held.add("event loops");
            held.add("sweep");
            throw new IOException("cannot bind");
          }

          @Override
          protected void doStop() {
            held.clear();
            journal.add("stop half-started");
          }
        });
    add("after");

    assertThrows(IOException.class, container::start);

    assertEquals(List.of(), held, "released by the rollback");
    assertEquals(List.of("start a", "stop half-started", "stop a"), journal);
    assertEquals(State.FAILED, container.state());
  }

  @Test
  void aPartThatThrowsInItsStopDoesNotKeepTheOthersRunning() throws Exception {
    add("a");
    Part b = add("b");
    Part c = add("c");
    add("d");
    IllegalStateException first = new IllegalStateException("c is stuck");
    IOException second = new IOException("b is stuck");
    c.stopFails = first;
    b.stopFails = second;
    container.start();
    journal.clear();

    IllegalStateException thrown = assertThrows(IllegalStateException.class, container::stop);

    assertSame(first, thrown, "the first failure, in stop order");
    assertArrayEquals(new Throwable[] {second}, first.getSuppressed());
    assertEquals(List.of("stop d", "stop c", "stop b", "stop a"), journal);
    assertEquals(State.FAILED, container.state());
    assertSame(first, container.failure());
  }

  @Test
  void startAndStopAreRefusedWhileStarting() throws Exception {
    add("a");
    Part slow = add("slow");
    Part after = add("after");
    slow.entered = new CountDownLatch(1);
    slow.release = new CountDownLatch(1);
    CompletableFuture<Void> starting =
        CompletableFuture.runAsync(
            () -> {
              try {
                container.start();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      assertTrue(slow.entered.await(30, TimeUnit.SECONDS));
      assertEquals(State.STARTING, container.state());

      IllegalStateException start = assertThrows(IllegalStateException.class, container::start);
      assertTrue(start.getMessage().contains("cannot start while STARTING"), start.getMessage());
      IllegalStateException stop = assertThrows(IllegalStateException.class, container::stop);
      assertTrue(stop.getMessage().contains("cannot stop while STARTING"), stop.getMessage());
      assertEquals(List.of("start a", "start slow"), journal, "the refusals touched no part");
    } finally {
      slow.release.countDown();
    }
    starting.get(30, TimeUnit.SECONDS);
    assertEquals(State.STARTED, container.state());
    assertTrue(after.isStarted());
    assertEquals(List.of("start a", "start slow", "start after"), journal);
  }

  @Test
  void startIsRefusedWhileStopping() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    add("a");
    container.addManaged(
        new LifeCycle() {
          @Override
          protected void doStart() {}

          @Override
          protected void doStop() throws InterruptedException {
            journal.add("stop slow");
            entered.countDown();
            assertTrue(release.await(30, TimeUnit.SECONDS), "the test never released the stop");
          }
        });
    container.start();
    journal.clear();
    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(
            () -> {
              try {
                container.stop();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      assertTrue(entered.await(30, TimeUnit.SECONDS));
      assertEquals(State.STOPPING, container.state());

      IllegalStateException start = assertThrows(IllegalStateException.class, container::start);
      assertTrue(start.getMessage().contains("cannot start while STOPPING"), start.getMessage());
      assertThrows(IllegalStateException.class, container::stop);
      assertEquals(List.of("stop slow"), journal, "the refusals touched no part");
    } finally {
      release.countDown();
    }
    stopping.get(30, TimeUnit.SECONDS);
    assertEquals(State.STOPPED, container.state());
    assertEquals(List.of("stop slow", "stop a"), journal);
  }

  @Test
  void partsAreAddedOnlyWhileStoppedAndOnlyOnce() throws Exception {
    Part a = add("a");
    assertThrows(IllegalStateException.class, () -> container.addManaged(a));
    container.start();
    assertThrows(IllegalStateException.class, () -> add("late"));
    assertEquals(List.of(a), container.parts());
  }
}
