package org.authhost.host.plugins;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.MutableClock;

/**
 * Lets every OnHeartbeat a fake clock's advance starts return before the clock moves on. Without
 * it, a test that moves the clock by more than the call time limit while a heartbeat is still on
 * its worker (a busy machine) puts the plug-in in error for a heartbeat that took microseconds.
 * Only for hosts whose plug-ins' heartbeats return: a hanging one fails the advance after {@link
 * #LIMIT} of real time.
 */
public final class Heartbeats {
  static final Duration LIMIT = Duration.ofSeconds(30);

  private Heartbeats() {}

  /**
   * From now on, each task {@code clock} runs is followed by a wait for {@code host}'s heartbeats.
   */
  public static void settleOn(MutableClock clock, AuthHost host) {
    clock.settleAfterEachTask(() -> awaitInFlight(host.plugins()));
  }

  /** Waits until no OnHeartbeat of {@code plugins} is in progress. */
  static void awaitInFlight(PluginHost plugins) {
    for (HostedPlugin plugin : plugins.current().values()) {
      CompletableFuture<?> beat = plugin.heartbeatInFlight();
      if (beat == null) {
        continue;
      }
      try {
        beat.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(plugin + ": OnHeartbeat still running after " + LIMIT, e);
      } catch (ExecutionException e) {
        throw new AssertionError(plugin + ": OnHeartbeat failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + plugin + "'s OnHeartbeat", e);
      }
    }
  }
}
