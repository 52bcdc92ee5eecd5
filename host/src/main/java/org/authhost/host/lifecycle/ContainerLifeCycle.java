package org.authhost.host.lifecycle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A life cycle made of managed parts, after Jetty's {@code ContainerLifeCycle}: the parts start in
 * the order they were added and stop in the reverse order, so each part finds running whatever was
 * added before it, both while it starts and while it stops.
 *
 * <p>When a part fails to start, that part is stopped first (a stop from {@link State#FAILED} runs
 * its {@code doStop()}, so whatever it allocated before it failed is released), then the parts
 * already started, last first; the container lands in {@link State#FAILED} with that part's
 * exception, carrying as suppressed any exception the stops threw. The parts after the failed one
 * never started. A stop stops every part even when some throw; it throws the first exception with
 * the others suppressed.
 */
public class ContainerLifeCycle extends LifeCycle {
  private final List<LifeCycle> parts = new CopyOnWriteArrayList<>();

  /**
   * Adds a part, to start after every part added before it and to stop before them.
   *
   * @return the part
   * @throws IllegalStateException unless the container is stopped, or if the part is already in it
   */
  public final <T extends LifeCycle> T addManaged(T part) {
    if (state() != State.STOPPED) {
      throw new IllegalStateException(
          "parts are added to a stopped container; " + this + " is " + state());
    }
    if (parts.contains(part)) {
      throw new IllegalStateException(part + " is already a part of " + this);
    }
    parts.add(part);
    return part;
  }

  /** The parts, in start order (for this package's tests and subclasses). */
  protected final List<LifeCycle> parts() {
    return List.copyOf(parts);
  }

  @Override
  protected void doStart() throws Exception {
    List<LifeCycle> started = new ArrayList<>();
    for (LifeCycle part : parts) {
      try {
        part.start();
      } catch (Exception | Error e) {
        // The failed part too: it may have allocated before it threw.
        started.add(part);
        Collections.reverse(started);
        for (LifeCycle done : started) {
          stopAddingTo(done, e);
        }
        throw e;
      }
      started.add(part);
    }
  }

  @Override
  protected void doStop() throws Exception {
    List<LifeCycle> reverse = new ArrayList<>(parts);
    Collections.reverse(reverse);
    Throwable first = null;
    for (LifeCycle part : reverse) {
      if (first == null) {
        try {
          part.stop();
        } catch (Exception | Error e) {
          first = e;
        }
      } else {
        stopAddingTo(part, first);
      }
    }
    if (first instanceof Exception e) {
      throw e;
    }
    if (first instanceof Error e) {
      throw e;
    }
  }

  /** Stops {@code part}; what it throws is kept as suppressed by {@code cause}, not thrown. */
  private static void stopAddingTo(LifeCycle part, Throwable cause) {
    try {
      part.stop();
    } catch (Exception | Error e) {
      if (e != cause) {
        cause.addSuppressed(e);
      }
    }
  }
}
