package org.authhost.host;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Clock;
import org.authhost.api.CredentialService;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.accounts.PasswordVerifier;
import org.authhost.host.accounts.StoreCredentials;
import org.authhost.host.config.AtomicHostJsonWriter;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.HostJsonWriter;
import org.authhost.host.events.EventLogInUseException;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.lifecycle.OperatorException;
import org.authhost.host.plugins.ContainmentSetup;
import org.authhost.host.plugins.PluginServices;
import org.authhost.host.time.ExecutorScheduler;
import org.authhost.host.time.HostClock;
import org.authhost.host.time.Scheduler;
import org.authhost.host.tokens.AccountDirectory;
import org.authhost.host.tokens.AccountLockouts;
import org.authhost.host.tokens.PasswordCheck;

/** Wires the host's services. Tests override the clock with {@code Modules.override}. */
final class HostModule extends AbstractModule {
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
    bind(AccountLockouts.class).to(LogonThrottle.class);
    bind(CredentialService.class).to(StoreCredentials.class);
    bind(PluginServices.class).toInstance(PluginServices.AS_THEY_ARE);
    bind(ContainmentSetup.class).toInstance(ContainmentSetup.INSTALL);
    // Eager: the writer stamps host.json as the host reads it, not when a change first comes.
    bind(HostJsonWriter.class).to(AtomicHostJsonWriter.class).asEagerSingleton();
  }

  @Provides
  @Singleton
  EventLogStore eventLogStore(Clock clock) throws IOException, OperatorException {
    try {
      return EventLogStore.open(config.eventLog(), clock);
    } catch (EventLogInUseException e) {
      throw new OperatorException(
          "host/data-in-use",
          e.getMessage()
              + " (dataDirectory in "
              + config.configDirectory().resolve(ConfigLoader.FILE_NAME)
              + ")",
          "stop that host, or give this one its own dataDirectory",
          e);
    }
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
}
