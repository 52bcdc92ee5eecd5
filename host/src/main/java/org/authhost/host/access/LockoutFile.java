package org.authhost.host.access;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.files.AtomicWrite;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.state.HostState;

/**
 * The lockouts in force on a host without shared state, kept in its data folder ({@code lockouts})
 * so that a restart is no way to lift them: read when the host starts, written whole (a temporary
 * file renamed over it) after each change, and once more when it stops. One file per data folder,
 * which one host holds at a time (its event log's lock, {@code host/data-in-use}), whatever the
 * machine's name (a recreated container comes back under another); with Redis the lockouts are
 * Redis's to keep. Each line is {@code UNTIL KEY}, the key URL-encoded: an account name is the
 * client's to choose, and a line break in one must not write a lockout of its own. Writes run on a
 * thread of their own, never on a front's event loop, and coalesce: a burst of lockouts is one or
 * two writes of the latest list, not one per lockout. Only while the host runs: the host's services
 * used without it (the contract kit, tests) write nothing.
 */
@Singleton
public final class LockoutFile extends LifeCycle {
  private final Path path;
  private final Clock clock;

  /** Whether the state is this host's (false with Redis: nothing is kept here). */
  private final boolean local;

  /** Told when a write failed, with what failed. */
  private final Consumer<String> failed;

  /** Told at a start that put lockouts back in force. */
  private final Consumer<String> restored;

  private final AtomicBoolean writeAsked = new AtomicBoolean();
  private volatile boolean running;
  private volatile Supplier<List<LogonThrottle.Lockout>> inForce = List::of;
  private volatile Consumer<LogonThrottle.Lockout> restore = l -> {};

  /** One thread at most, gone after a second without work: no thread while nothing changes. */
  private final ThreadPoolExecutor writer =
      new ThreadPoolExecutor(
          0,
          1,
          1,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "lockout-file");
            t.setDaemon(true);
            return t;
          });

  @Inject
  LockoutFile(HostConfig config, Clock clock, HostState state, HostEvents events) {
    this(
        config.dataDirectory(),
        clock,
        state.redis().isEmpty(),
        text -> events.host(EventLevel.WARNING, HostEvents.HOST, HResult.E_FAIL, text),
        text -> events.host(EventLevel.INFORMATION, HostEvents.HOST, HResult.S_OK, text));
  }

  LockoutFile(
      Path dataDirectory,
      Clock clock,
      boolean local,
      Consumer<String> failed,
      Consumer<String> restored) {
    this.path = dataDirectory.resolve("lockouts");
    this.clock = clock;
    this.local = local;
    this.failed = failed;
    this.restored = restored;
  }

  /** What the file keeps ({@code inForce}) and what a start gives back ({@code restore}). */
  void keep(
      Supplier<List<LogonThrottle.Lockout>> inForce, Consumer<LogonThrottle.Lockout> restore) {
    this.inForce = inForce;
    this.restore = restore;
  }

  @Override
  protected void doStart() {
    if (!local) {
      return;
    }
    List<LogonThrottle.Lockout> kept = read(clock.instant());
    kept.forEach(restore);
    if (!kept.isEmpty()) {
      // Otherwise nothing at a start says why an account that did nothing since gets 429.
      restored.accept(restoredText(kept));
    }
    running = true;
  }

  private String restoredText(List<LogonThrottle.Lockout> kept) {
    Instant last =
        kept.stream().map(LogonThrottle.Lockout::until).max(Instant::compareTo).orElseThrow();
    return kept.size()
        + (kept.size() == 1 ? " lockout" : " lockouts")
        + " restored from "
        + path
        + " (the last until "
        + last
        + "); 'authhost accounts lockouts' lists them, 'authhost accounts unlock' lifts one";
  }

  /** The last change written, whatever is still queued: the next start reads it. */
  @Override
  protected void doStop() throws InterruptedException {
    if (!running) {
      return;
    }
    running = false;
    writer.shutdown();
    writer.awaitTermination(5, TimeUnit.SECONDS);
    write();
  }

  /** The lockouts the file holds that last beyond {@code now}; none when it cannot be read. */
  List<LogonThrottle.Lockout> read(Instant now) {
    List<LogonThrottle.Lockout> kept = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException none) {
      return kept;
    } catch (IOException | RuntimeException unreadable) {
      failed.accept(
          "the lockouts kept in "
              + path
              + " could not be read ("
              + unreadable
              + "); those in force before the restart are lifted");
      return kept;
    }
    for (String line : lines) {
      int space = line.indexOf(' ');
      if (space < 0) {
        continue;
      }
      try {
        Instant until = Instant.parse(line.substring(0, space));
        String key = URLDecoder.decode(line.substring(space + 1), StandardCharsets.UTF_8);
        if (until.isAfter(now) && (key.startsWith("account:") || key.startsWith("ip:"))) {
          kept.add(new LogonThrottle.Lockout(key, until));
        }
      } catch (DateTimeParseException | IllegalArgumentException notALine) {
        // A line the host did not write: skipped.
      }
    }
    return kept;
  }

  /** The lockouts changed: the file is written again soon, with those in force then. */
  void changed() {
    if (running && writeAsked.compareAndSet(false, true)) {
      writer.execute(this::write);
    }
  }

  /** Writes the file now: on the writer's thread, at the stop, and in tests. */
  void write() {
    writeAsked.set(false);
    StringBuilder text = new StringBuilder();
    for (LogonThrottle.Lockout l : inForce.get()) {
      text.append(l.until())
          .append(' ')
          .append(URLEncoder.encode(l.key(), StandardCharsets.UTF_8))
          .append('\n');
    }
    try {
      Files.createDirectories(path.getParent());
      // Not forced to the disk: it is written again at every change and at the stop.
      AtomicWrite.replace(path, text.toString().getBytes(StandardCharsets.US_ASCII), null, false);
    } catch (IOException e) {
      // The lockouts stay in force in memory; a restart before the next write would lose them.
      failed.accept(
          "the lockouts in force could not be written to "
              + path
              + " ("
              + e
              + "); they hold until the host restarts, and a restart would lift them");
    }
  }
}
