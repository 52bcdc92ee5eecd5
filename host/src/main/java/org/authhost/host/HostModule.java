package org.authhost.host;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.CredentialService;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.accounts.PasswordVerifier;
import org.authhost.host.accounts.StoreCredentials;
import org.authhost.host.config.HostConfig;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.time.ExecutorScheduler;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;
import org.authhost.host.tokens.AccountDirectory;
import org.authhost.host.tokens.PasswordCheck;

/** Wires the host's services. Tests override the clock with {@code Modules.override}. */
final class HostModule extends AbstractModule {
  /** Calls into plug-ins waiting for a worker; past it the host answers "no new connections". */
  static final int MAX_QUEUED_PLUGIN_CALLS = 10_000;

  private final HostConfig config;

  HostModule(HostConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(HostConfig.class).toInstance(config);
    // One source of time for the whole host; tests bind a MutableClock to all three keys.
    bind(HostClock.class).toInstance(HostClock.system());
    bind(Clock.class).to(HostClock.class);
    bind(Scheduler.class).to(ExecutorScheduler.class);
    bind(PasswordCheck.class).to(PasswordVerifier.class);
    bind(CredentialService.class).to(StoreCredentials.class);
  }

  @Provides
  @Singleton
  EventLogStore eventLogStore(Clock clock) throws IOException {
    return EventLogStore.open(config.eventLog(), clock);
  }

  @Provides
  @Singleton
  ExecutorScheduler scheduler() {
    return new ExecutorScheduler("scheduler");
  }

  @Provides
  @Singleton
  AccountStore accountStore(Clock clock) throws IOException {
    // The host starts and stops its poller (AccountPoller), a part of AuthHost.
    return new AccountStore(config, clock);
  }

  @Provides
  @Singleton
  AccountDirectory accounts(AccountStore store) {
    return store;
  }

  @Provides
  @Singleton
  @Named("plugin-workers")
  ExecutorService pluginWorkers() {
    // A few busy threads behind a queue: under load they find the next task without sleeping,
    // where a thread per hand-off would be woken (and put back to sleep) for every request. A
    // thread stuck in a plug-in is replaced by the guard (see PluginGuard.timedOut).
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(MAX_QUEUED_PLUGIN_CALLS),
            threads("plugin-call"));
    return pool;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
