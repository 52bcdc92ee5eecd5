package org.authhost.host.accounts;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.time.Scheduler;
import org.authhost.host.time.Scheduler.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up what {@code authhost accounts} and other processes write to the account store while the
 * host runs, by {@link AccountStore#reloadIfChanged()} every {@link #INTERVAL} on the host's
 * scheduler. The poll never waits: a round that finds the store busy with a change in this process
 * is skipped and the next one looks again (see {@link Scheduler}: tasks must not block). A file
 * that cannot be read or is not a valid store is logged once per problem, and the accounts read
 * last stay in force until it is fixed.
 *
 * <p>After each look it keeps this host's {@link LoadedMark} up to date (written when what it holds
 * changes, removed at the stop), so that {@code authhost accounts} can wait until this host uses
 * the change it made.
 */
@Singleton
public final class AccountPoller extends LifeCycle {
  private static final Logger LOG = LoggerFactory.getLogger(AccountPoller.class);

  /** How often the poller looks for changes by other processes. */
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private static final long PID = ProcessHandle.current().pid();

  private static final String MACHINE = LoadedMark.thisMachine();

  private final AccountStore store;
  private final Scheduler scheduler;
  private final Duration interval;
  private final Path mark;
  private volatile Scheduled task;
  private volatile String lastProblem;
  private volatile int skipped;
  private volatile String marked;
  private volatile boolean markFailed;

  @Inject
  AccountPoller(AccountStore store, Scheduler scheduler) {
    this(store, scheduler, INTERVAL);
  }

  AccountPoller(AccountStore store, Scheduler scheduler, Duration interval) {
    this.store = store;
    this.scheduler = scheduler;
    this.interval = interval;
    this.mark = LoadedMark.of(store.file(), MACHINE, PID);
  }

  @Override
  protected void doStart() {
    removeStaleMarks();
    mark();
    task = scheduler.scheduleWithFixedDelay(this::poll, interval, interval);
  }

  @Override
  protected void doStop() {
    Scheduled running = task;
    if (running != null) {
      running.cancel();
      task = null;
    }
    try {
      Files.deleteIfExists(mark);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", mark, e.toString());
    }
  }

  /** Removes what killed hosts left ({@link LoadedMark#stale}). */
  private void removeStaleMarks() {
    for (Path file : LoadedMark.stale(store.file(), MACHINE, PID)) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("cannot remove the stale mark {}: {}", file, e.toString());
      }
    }
  }

  /** Writes the mark when what this host holds differs from what it marked last. */
  private void mark() {
    String loaded = store.loadedSha256();
    if (loaded.equals(marked)) {
      return;
    }
    try {
      new LoadedMark(MACHINE, PID, loaded).write(mark);
      marked = loaded;
      markFailed = false;
    } catch (IOException e) {
      // Only the CLI's wait depends on it: serve on, and let the next round try again.
      if (!markFailed) {
        markFailed = true;
        LOG.warn(
            "cannot write {} (authhost accounts will not wait for this host to load its"
                + " changes): {}",
            mark,
            e.toString());
      }
    }
  }

  private void poll() {
    try {
      Boolean changed = store.tryReloadIfChanged();
      if (changed == null) {
        // A change in this process holds the lock: never wait on the scheduler's thread. The
        // task keeps its fixed delay, so the next round looks again.
        skipped++;
        return;
      }
      if (changed) {
        LOG.info("reloaded the accounts from {}", store.file());
      }
      mark();
      if (lastProblem != null) {
        LOG.info("the account store {} is readable again", store.file());
        lastProblem = null;
      }
    } catch (Exception e) {
      String problem = String.valueOf(e.getMessage());
      if (!problem.equals(lastProblem)) {
        lastProblem = problem;
        LOG.warn("{}; the host keeps the accounts it read last", problem);
      }
    }
  }

  /** How many rounds were skipped because the store was busy (for tests). */
  int skippedRounds() {
    return skipped;
  }

  @Override
  public String toString() {
    return "the account store's poller{" + state() + "}";
  }
}
