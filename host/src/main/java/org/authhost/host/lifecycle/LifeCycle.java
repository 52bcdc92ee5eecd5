package org.authhost.host.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component that starts and stops, after Jetty's {@code AbstractLifeCycle}: a small state machine
 * whose {@link #start()} and {@link #stop()} are idempotent, refuse illegal moves, and land in
 * {@link State#FAILED} when the work throws. Subclasses write only {@link #doStart()} and
 * {@link #doStop()}.
 */
public abstract class LifeCycle {
  private static final Logger log = LoggerFactory.getLogger(LifeCycle.class);

  /** The states. */
  public enum State { STOPPED, STARTING, STARTED, STOPPING, FAILED }

  private volatile State state = State.STOPPED;
  private volatile Throwable failure;

  protected abstract void doStart() throws Exception;

  protected abstract void doStop() throws Exception;

  /** Starts; a no-op when started. A failed component must be stopped before it starts again. */
  public final synchronized void start() throws Exception {
    switch (state) {
      case STARTED:
        return;
      case FAILED:
        throw new IllegalStateException(this + " failed; stop it before starting it again", failure);
      default:
        break;
    }
    state = State.STARTING;
    try {
      doStart();
      state = State.STARTED;
    } catch (Exception | Error e) {
      fail(e);
      throw e;
    }
  }

  /** Stops; a no-op when stopped. Also the way out of {@link State#FAILED}. */
  public final synchronized void stop() throws Exception {
    if (state == State.STOPPED) {
      return;
    }
    state = State.STOPPING;
    try {
      doStop();
      state = State.STOPPED;
      failure = null;
    } catch (Exception | Error e) {
      fail(e);
      throw e;
    }
  }

  private void fail(Throwable e) {
    failure = e;
    state = State.FAILED;
    log.error("{} failed", this, e);
  }

  public final State state() {
    return state;
  }

  public final boolean isStarted() {
    return state == State.STARTED;
  }

  /** Why it failed, while {@link State#FAILED}. */
  public final Throwable failure() {
    return failure;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this)) + "{" + state + "}";
  }
}
