package org.authhost.host.testing;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import java.time.Clock;
import org.authhost.host.plugins.Heartbeats;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;

/** The bindings that put a host on a {@link MutableClock}: its clock and its scheduler. */
public final class FakeTime {
  private FakeTime() {}

  /**
   * For {@code AuthHost.create(config, FakeTime.of(clock))}: each OnHeartbeat an advance of {@code
   * clock} starts returns before time moves on ({@link Heartbeats#settling}), as it would in real
   * time, however busy the machine.
   */
  public static Module of(MutableClock clock) {
    return Modules.combine(unsettled(clock), Heartbeats.settling(clock));
  }

  /**
   * {@link #of} without waiting for heartbeats: only for a test whose point is an OnHeartbeat that
   * hangs or runs over its time limit, which an advance must be able to pass.
   */
  public static Module unsettled(MutableClock clock) {
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
