package org.authhost.host.testing;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import java.time.Clock;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/** The bindings that put a host on a {@link MutableClock}: its clock and its scheduler. */
public final class FakeTime {
  private FakeTime() {}

  /** For {@code AuthHost.create(config, FakeTime.of(clock))}. */
  public static Module of(MutableClock clock) {
    return new AbstractModule() {
      @Override
      protected void configure() {
        // All three keys to the one object, so that instants, deadlines and tasks move together.
        bind(HostClock.class).toInstance(clock);
        bind(Clock.class).toInstance(clock);
        bind(Scheduler.class).toInstance(clock);
      }
    };
  }
}
