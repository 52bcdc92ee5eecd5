package org.authhost.host.http.content;

import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.authhost.host.time.Scheduler;

/**
 * A {@link Scheduler} on Netty's global executor, for an {@link OriginProxy} made outside the host
 * (its short constructors): that thread starts and stops itself, so such a proxy needs no life
 * cycle. The host gives its proxy the host's scheduler instead.
 */
final class GlobalExecutorScheduler implements Scheduler {
  static final GlobalExecutorScheduler INSTANCE = new GlobalExecutorScheduler();

  private GlobalExecutorScheduler() {}

  @Override
  public Scheduled schedule(Runnable task, Duration delay) {
    return new NettyScheduled(
        GlobalEventExecutor.INSTANCE.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public Scheduled scheduleWithFixedDelay(Runnable task, Duration initialDelay, Duration delay) {
    return new NettyScheduled(
        GlobalEventExecutor.INSTANCE.scheduleWithFixedDelay(
            task, initialDelay.toNanos(), delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  private record NettyScheduled(ScheduledFuture<?> future) implements Scheduled {
    @Override
    public void cancel() {
      future.cancel(false);
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }
  }
}
