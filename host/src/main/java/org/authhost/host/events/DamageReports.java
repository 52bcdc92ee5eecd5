package org.authhost.host.events;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports each damaged range of the log once, also across restarts, and keeps a copy of its bytes
 * next to its segment.
 *
 * <p>The copy's final name ({@code events-...log.<offset>-<length>.damaged}) is the mark that the
 * damage was reported, so it is given only once the report is written: the bytes are first copied
 * to a {@code .pending} file, which is renamed after the sink returned. A crash, or a failed start,
 * between finding damage and writing its event leaves the {@code .pending} file, and the next open
 * reports it again: a damage is reported at least once, never lost. The length in the name means
 * damage that grows at the same offset is a new report.
 *
 * <p>A copy that cannot be made (a full disk) does not stop the report: it goes out without one,
 * says so, and is made again at the next start. Thread-safe.
 */
final class DamageReports {
  private static final Logger LOG = LoggerFactory.getLogger(DamageReports.class);
  static final String DAMAGED = "damaged";
  static final String TORN = "torn";
  private static final String FOUND_EARLIER =
      "found by an earlier run, which stopped before reporting it";

  /** A damage found, and the copy of its bytes still waiting for its report (null if none). */
  record Found(LogDamage damage, Path pending) {}

  private final boolean fsync;
  private final Object lock = new Object();
  // Guarded by lock: found before anyone asked to hear of it (at open, before the host is up).
  private final List<Found> unreported = new ArrayList<>();
  private Consumer<LogDamage> sink;
  // The final names of damage this run has reported or is reporting, so a read does not report it
  // again on every query, nor two reads at once twice.
  private final Set<Path> claimed = ConcurrentHashMap.newKeySet();

  DamageReports(boolean fsync) {
    this.fsync = fsync;
  }

  /**
   * Copies a damaged range aside for its report, unless this run or an earlier one reported it.
   *
   * @return the damage to {@link #deliver}, or null if it was reported before
   */
  Found claim(Segment segment, DamagedRange range, LogDamage.Kind kind) {
    Path reported = segment.asideFile(range, DAMAGED);
    if (!claimed.add(reported) || Files.exists(reported)) {
      return null;
    }
    Path pending = pendingOf(reported);
    try {
      // Over a pending copy an earlier run left: that one may be cut short (a full disk).
      copy(
          segment,
          range,
          pending,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
      return new Found(new LogDamage(segment.path(), range, kind, reported, null), pending);
    } catch (IOException e) {
      return notKept(segment, range, kind, pending, e);
    }
  }

  /**
   * Copies a torn last record aside, to a file of its own even if an earlier crash left one at the
   * same place; the damage names no copy if none could be made.
   */
  Found keepTorn(Segment segment, DamagedRange range) {
    Path pending = null;
    try {
      for (int attempt = 1; ; attempt++) {
        Path reported = segment.asideFile(range, attempt == 1 ? TORN : TORN + "-" + attempt);
        pending = pendingOf(reported);
        if (Files.exists(reported)) {
          continue;
        }
        try {
          copy(segment, range, pending, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
          continue; // an earlier run's, not yet reported: it is reported on its own
        }
        claimed.add(reported);
        return new Found(
            new LogDamage(segment.path(), range, LogDamage.Kind.TORN, reported, null), pending);
      }
    } catch (IOException e) {
      return notKept(segment, range, LogDamage.Kind.TORN, pending, e);
    }
  }

  private static Found notKept(
      Segment segment, DamagedRange range, LogDamage.Kind kind, Path pending, IOException e) {
    LOG.warn("could not keep the bytes at {} of {} aside", range, segment.path(), e);
    deleteQuietly(pending);
    return new Found(new LogDamage(segment.path(), range, kind, null, String.valueOf(e)), null);
  }

  /**
   * Reports again what an earlier run found and copied but did not live to report: every {@code
   * .pending} copy of an existing segment that this run has not found again itself.
   */
  void reportPendingAgain(Path directory) throws IOException {
    for (Path file : Segment.filesAfterSegments(directory)) {
      Segment.Aside aside = Segment.parseAside(file);
      if (aside == null
          || !aside.pending()
          || !Files.exists(aside.segment())
          || !claimed.add(aside.reported())) {
        continue;
      }
      LogDamage.Kind kind =
          aside.kind().startsWith(TORN) ? LogDamage.Kind.TORN : LogDamage.Kind.DAMAGED;
      deliver(
          new Found(
              new LogDamage(
                  aside.segment(),
                  new DamagedRange(aside.offset(), aside.length(), FOUND_EARLIER),
                  kind,
                  aside.reported(),
                  null),
              file));
    }
  }

  /** Hands over every damage found so far, then each one found later as it is found. */
  void sendTo(Consumer<LogDamage> sink) {
    Objects.requireNonNull(sink, "sink");
    List<Found> earlier;
    synchronized (lock) {
      this.sink = sink;
      earlier = List.copyOf(unreported);
      unreported.clear();
    }
    earlier.forEach(found -> send(sink, found));
  }

  /** Reports {@code found} now, on this thread, or keeps it until there is a sink. */
  void deliver(Found found) {
    Consumer<LogDamage> to;
    synchronized (lock) {
      to = sink;
      if (to == null) {
        unreported.add(found);
        return;
      }
    }
    send(to, found);
  }

  private void send(Consumer<LogDamage> to, Found found) {
    try {
      to.accept(found.damage());
    } catch (RuntimeException e) {
      // The copy stays pending, so the next start reports it again.
      LOG.warn("could not report event log damage {}", found.damage(), e);
      return;
    }
    if (found.pending() == null) {
      return;
    }
    try {
      Files.move(found.pending(), found.damage().keptIn(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn(
          "could not mark event log damage {} as reported; it will be reported again",
          found.damage(),
          e);
    }
  }

  private void copy(Segment segment, DamagedRange range, Path to, OpenOption... options)
      throws IOException {
    try (FileChannel from = FileChannel.open(segment.path(), StandardOpenOption.READ);
        FileChannel copy = FileChannel.open(to, options)) {
      long copied = 0;
      while (copied < range.length()) {
        long n = from.transferTo(range.offset() + copied, range.length() - copied, copy);
        if (n <= 0) {
          break; // the file is shorter than when it was read: keep what there is
        }
        copied += n;
      }
      if (fsync) {
        // On disk before the segment it was cut from is truncated.
        copy.force(true);
      }
    }
  }

  private static Path pendingOf(Path reported) {
    return reported.resolveSibling(reported.getFileName() + Segment.PENDING);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("could not delete {}", file, e);
    }
  }
}
