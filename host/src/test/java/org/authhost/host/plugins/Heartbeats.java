package org.authhost.host.plugins;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import com.google.inject.matcher.Matchers;
import com.google.inject.spi.InjectionListener;
import com.google.inject.spi.TypeEncounter;
import com.google.inject.spi.TypeListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.authhost.host.testing.MutableClock;

/**
 * Lets every OnHeartbeat a fake clock's advance starts return before the clock moves on ({@link
 * org.authhost.host.testing.FakeTime#of} does it for every test host). Without it, a test that
 * moves the clock by more than the call time limit while a heartbeat is still on its worker (a busy
 * machine) puts the plug-in in error for a heartbeat that took microseconds. Only for hosts whose
 * plug-ins' heartbeats return: a hanging one fails the advance after {@link #LIMIT} of real time.
 */
public final class Heartbeats {
  static final Duration LIMIT = Duration.ofSeconds(30);

  private Heartbeats() {}

  /**
   * Bindings that settle {@code clock} on the heartbeats of each plug-in host the injector makes,
   * as it is made: so every test host on a fake clock is settled, whoever starts it.
   */
  public static Module settling(MutableClock clock) {
    return new AbstractModule() {
      @Override
      protected void configure() {
        bindListener(
            Matchers.only(TypeLiteral.get(PluginHost.class)),
            new TypeListener() {
              @Override
              public <I> void hear(TypeLiteral<I> type, TypeEncounter<I> encounter) {
                encounter.register(
                    (InjectionListener<I>)
                        made -> clock.settleAfterEachTask(() -> awaitInFlight((PluginHost) made)));
              }
            });
      }
    };
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
