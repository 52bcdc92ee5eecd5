package org.authhost.host.lifecycle;

import java.util.concurrent.atomic.AtomicReference;
import org.authhost.host.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component that starts and stops, after Jetty's {@code AbstractLifeCycle}: a small state machine
 * whose {@link #start()} and {@link #stop()} are idempotent, refuse illegal moves, and land in
 * {@link State#FAILED} when the work throws. Subclasses write only {@link #doStart()} and {@link
 * #doStop()}.
 *
 * <p>Moves are made by compare-and-set, not under a lock: a start or stop asked for while another
 * is under way (on any thread) is refused with an {@link IllegalStateException} at once, rather
 * than blocking until the other ends and then running against a state its caller never saw.
 */
public abstract class LifeCycle {
  private static final Logger log = LoggerFactory.getLogger(LifeCycle.class);

  /** The states. */
  public enum State {
    STOPPED,
    STARTING,
    STARTED,
    STOPPING,
    FAILED
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.STOPPED);
  private volatile Throwable failure;

  protected abstract void doStart() throws Exception;

  protected abstract void doStop() throws Exception;

  /**
   * Starts; a no-op when started. A failed component must be stopped before it starts again.
   *
   * @throws IllegalStateException while starting or stopping, or when failed
   */
  public final void start() throws Exception {
    while (true) {
      State now = state.get();
      switch (now) {
        case STARTED:
          return;
        case FAILED:
          throw new IllegalStateException(
              this + " failed; stop it before starting it again", failure);
        case STARTING, STOPPING:
          throw new IllegalStateException(this + " cannot start while " + now);
        case STOPPED:
          if (state.compareAndSet(State.STOPPED, State.STARTING)) {
            run(this::doStart, State.STARTED);
            return;
          }
          break; // another thread moved first: look again
        default:
          throw new AssertionError(now);
      }
    }
  }

  /**
   * Stops; a no-op when stopped. Also the way out of {@link State#FAILED}.
   *
   * @throws IllegalStateException while starting or stopping
   */
  public final void stop() throws Exception {
    while (true) {
      State now = state.get();
      switch (now) {
        case STOPPED:
          return;
        case STARTING, STOPPING:
          throw new IllegalStateException(this + " cannot stop while " + now);
        case STARTED, FAILED:
          if (state.compareAndSet(now, State.STOPPING)) {
            run(this::doStop, State.STOPPED);
            return;
          }
          break; // another thread moved first: look again
        default:
          throw new AssertionError(now);
      }
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  /**
   * Runs the work of a move this thread has claimed; no other thread changes the state meanwhile.
   */
  private void run(Work work, State after) throws Exception {
    try {
      work.run();
    } catch (Exception | Error e) {
      failure = e;
      state.set(State.FAILED);
      if (e instanceof OperatorException || e instanceof ConfigException) {
        // Its message is the report; whoever started the host prints it once.
        log.debug("{} failed: {}", this, e.getMessage(), e);
      } else {
        log.error("{} failed", this, e);
      }
      throw e;
    }
    failure = null;
    state.set(after);
  }

  public final State state() {
    return state.get();
  }

  public final boolean isStarted() {
    return state.get() == State.STARTED;
  }

  /** Why it failed, while {@link State#FAILED}. */
  public final Throwable failure() {
    return failure;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "@"
        + Integer.toHexString(System.identityHashCode(this))
        + "{"
        + state.get()
        + "}";
  }
}
