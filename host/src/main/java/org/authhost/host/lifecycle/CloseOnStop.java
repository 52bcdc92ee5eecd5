package org.authhost.host.lifecycle;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A part that is not a life cycle of its own but must end with its container, in its place in the
 * stop order: a resource to close, an executor to shut down. Its start does nothing, since the
 * thing was made ready when it was built; its stop closes it, for good, so a start after a stop is
 * refused rather than handing out a closed resource.
 */
public final class CloseOnStop extends LifeCycle {
  private final String name;
  private final AutoCloseable resource;
  private volatile boolean closed;

  private CloseOnStop(String name, AutoCloseable resource) {
    this.name = name;
    this.resource = resource;
  }

  /** A part that closes {@code resource} when it stops. */
  public static CloseOnStop closing(String name, AutoCloseable resource) {
    return new CloseOnStop(name, resource);
  }

  /**
   * A part that interrupts {@code executor}'s tasks when it stops and waits up to {@code grace} for
   * them to end; a task that ignores the interrupt (a plug-in stuck for good) is left behind rather
   * than holding up the rest of the stop.
   */
  public static CloseOnStop shuttingDown(String name, ExecutorService executor, Duration grace) {
    return new CloseOnStop(
        name,
        () -> {
          executor.shutdownNow();
          executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
        });
  }

  @Override
  protected void doStart() {
    if (closed) {
      throw new IllegalStateException(name + " was closed when it stopped and cannot start again");
    }
  }

  @Override
  protected void doStop() throws Exception {
    if (closed) {
      return; // idempotent: closes once
    }
    closed = true;
    resource.close();
  }

  @Override
  public String toString() {
    return name + "{" + state() + "}";
  }
}
