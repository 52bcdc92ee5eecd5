package org.authhost.host.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only view of an event log directory, safe to use while a host is appending to it, from the
 * same process or another one (the command line's {@code events} command). It never changes a
 * segment: a record that is only partly there at the end of the newest segment is taken to be one
 * being written right now and is simply not returned yet, nor is anything after it searched for
 * records (its text may hold bytes that look like one). Damage anywhere else is stepped over: the
 * records after it are returned, and the damaged range is handed to the reader's listener (the
 * store's reports it; one opened with {@link EventLogStore#openReader(Path)} warns in the process
 * log, once per range).
 *
 * <p>Each call reads the segment files afresh, so a reader holds no files open between calls and
 * sees segments the host has added or deleted since. Thread-safe.
 */
public final class EventLogReader {
  private static final Logger LOG = LoggerFactory.getLogger(EventLogReader.class);

  private final Path directory;
  private final DamageListener damage;

  /** Told of each damaged range a read steps over, every time it steps over it. */
  @FunctionalInterface
  interface DamageListener {
    /**
     * @param zeroTail whether the range is the segment's tail and nothing but zero bytes
     */
    void found(Segment segment, DamagedRange range, boolean zeroTail);
  }

  /** A reader that warns in the process log, once per damaged range, of damage it skips. */
  EventLogReader(Path directory) {
    this(directory, warnOnce());
  }

  EventLogReader(Path directory, DamageListener damage) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.damage = Objects.requireNonNull(damage, "damage");
  }

  private static DamageListener warnOnce() {
    // A damaged segment would otherwise be reported again on every query of a follower.
    Set<String> reported = ConcurrentHashMap.newKeySet();
    return (segment, range, zeroTail) -> {
      if (reported.add(segment.path() + "@" + range.offset())) {
        LOG.warn(
            "event log segment {} is damaged at {}; skipped it ('authhost events verify' lists all"
                + " damage)",
            segment.path(),
            range);
      }
    };
  }

  /** The directory this reader reads. */
  public Path directory() {
    return directory;
  }

  /**
   * The records that match, in record-number order.
   *
   * @throws UncheckedIOException if the directory or a segment cannot be read
   */
  public List<EventRecord> query(EventQuery query) {
    return scan(query).matches();
  }

  /**
   * The OLDEST {@code count} records that match, in record-number order: for a follower that asks
   * what came after the last record it showed ({@link EventQuery#afterRecordNumber()}), so that a
   * burst larger than a page is read page by page, none lost. The query's own {@link
   * EventQuery#limit()} is ignored. Segments before the one holding the record after {@code
   * afterRecordNumber} are not read, and the read stops at the record that fills the page.
   *
   * @throws UncheckedIOException if the directory or a segment cannot be read
   */
  public Page oldest(EventQuery query, int count) {
    try {
      List<Segment> segments = Segment.list(directory);
      List<EventRecord> matches = new ArrayList<>(Math.min(count, 1024));
      long lastRead = query.afterRecordNumber();
      for (int i = firstNeeded(segments, query.afterRecordNumber());
          i < segments.size() && matches.size() < count;
          i++) {
        lastRead =
            Math.max(
                lastRead,
                read(
                    segments.get(i),
                    i == segments.size() - 1,
                    query,
                    matches::add,
                    () -> matches.size() >= count));
      }
      return new Page(List.copyOf(matches), lastRead);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the event log in " + directory, e);
    }
  }

  /**
   * A page of {@link #oldest}: its records, and the number of the newest record the read went
   * through, matching or not. A follower whose page was not full resumes after {@code lastRead}, so
   * that a narrow filter does not make every poll read again the records it passed over.
   */
  public record Page(List<EventRecord> records, long lastRead) {}

  /** The number of the newest complete record, 0 if there is none. */
  public long lastRecordNumber() {
    try {
      List<Segment> segments = Segment.list(directory);
      if (segments.isEmpty()) {
        return 0;
      }
      // The host never deletes its newest segment, and an empty one still names the next number.
      Segment newest = segments.get(segments.size() - 1);
      EventRecord last = SegmentScanner.summarize(newest, true).lastRecord();
      return last != null ? last.recordNumber() : newest.firstRecordNumber() - 1;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the event log in " + directory, e);
    }
  }

  /**
   * Polls for new matching records until {@code keepGoing} says stop, for {@code events --follow}.
   * The first poll runs {@code query} as given, so its {@link EventQuery#limit()} picks how much
   * history to show first; every later poll asks for all matching records after the newest one
   * already read, so none is lost to the limit in a burst.
   *
   * @param keepGoing asked after every poll; an interrupt also stops the follow (and stays set)
   * @return the number of the newest record read, to resume from with {@link
   *     EventQuery#withAfterRecordNumber(long)}
   * @throws UncheckedIOException if the log cannot be read
   */
  public long follow(
      EventQuery query,
      Duration pollInterval,
      Consumer<EventRecord> consumer,
      BooleanSupplier keepGoing) {
    return follow(query, pollInterval, consumer, keepGoing, Pause.SLEEP);
  }

  /**
   * How {@link #follow} waits between polls: the CLI sleeps for real ({@link #SLEEP}); a test
   * passes one that returns at once, so it never sleeps.
   */
  @FunctionalInterface
  public interface Pause {
    /** Sleeps on the calling thread. */
    Pause SLEEP = interval -> Thread.sleep(interval.toMillis());

    void pause(Duration interval) throws InterruptedException;
  }

  /** {@link #follow(EventQuery, Duration, Consumer, BooleanSupplier)} with its wait injected. */
  long follow(
      EventQuery query,
      Duration pollInterval,
      Consumer<EventRecord> consumer,
      BooleanSupplier keepGoing,
      Pause pause) {
    EventQuery next = query;
    long seen = query.afterRecordNumber();
    while (true) {
      Scan scan = scan(next);
      scan.matches().forEach(consumer);
      // Past every record read, matching or not, so a narrow filter does not rescan old records.
      seen = Math.max(seen, scan.lastRead());
      next = query.withAfterRecordNumber(seen).withLimit(0);
      if (!keepGoing.getAsBoolean()) {
        return seen;
      }
      try {
        pause.pause(pollInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return seen;
      }
    }
  }

  /** What one query read: the matches, and the newest record number it read at all. */
  private record Scan(List<EventRecord> matches, long lastRead) {}

  private Scan scan(EventQuery query) {
    try {
      List<Segment> segments = Segment.list(directory);
      int first = firstNeeded(segments, query.afterRecordNumber());
      long lastRead = query.afterRecordNumber();
      if (query.limit() == 0) {
        List<EventRecord> matches = new ArrayList<>();
        for (int i = first; i < segments.size(); i++) {
          lastRead =
              Math.max(
                  lastRead, read(segments.get(i), i == segments.size() - 1, query, matches::add));
        }
        return new Scan(matches, lastRead);
      }
      // Newest first, so a "last 50" query reads only the segments it needs.
      Deque<List<EventRecord>> chunks = new ArrayDeque<>();
      int found = 0;
      for (int i = segments.size() - 1; i >= first && found < query.limit(); i--) {
        if (query.beforeRecordNumber() > 0
            && segments.get(i).firstRecordNumber() >= query.beforeRecordNumber()) {
          continue; // every record in it is newer than the page asked for
        }
        // Only the newest matches this page still needs are kept: a segment of many thousand
        // matches costs a page's memory, not the segment's.
        int room = query.limit() - found;
        Deque<EventRecord> chunk = new ArrayDeque<>();
        lastRead =
            Math.max(
                lastRead,
                read(
                    segments.get(i),
                    i == segments.size() - 1,
                    query,
                    record -> {
                      if (chunk.size() == room) {
                        chunk.removeFirst();
                      }
                      chunk.addLast(record);
                    }));
        chunks.addFirst(new ArrayList<>(chunk));
        found += chunk.size();
      }
      List<EventRecord> matches = new ArrayList<>(found);
      chunks.forEach(matches::addAll);
      return new Scan(
          List.copyOf(matches.subList(Math.max(0, found - query.limit()), found)), lastRead);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the event log in " + directory, e);
    }
  }

  /** The index of the first segment that can hold a record after {@code afterRecordNumber}. */
  private static int firstNeeded(List<Segment> segments, long afterRecordNumber) {
    int first = 0;
    for (int i = 1; i < segments.size(); i++) {
      if (segments.get(i).firstRecordNumber() <= afterRecordNumber + 1) {
        first = i;
      }
    }
    return first;
  }

  /** Adds the segment's matches to {@code sink}; returns the newest record number it read. */
  private long read(Segment segment, boolean newest, EventQuery query, Consumer<EventRecord> sink)
      throws IOException {
    return read(segment, newest, query, sink, () -> false);
  }

  /**
   * {@link #read(Segment, boolean, EventQuery, Consumer)} that stops after the record that makes
   * {@code enough} true: the rest of the segment (up to its size limit) is not decoded.
   */
  private long read(
      Segment segment,
      boolean newest,
      EventQuery query,
      Consumer<EventRecord> sink,
      BooleanSupplier enough)
      throws IOException {
    long lastRead = 0;
    SegmentScanner scanner;
    try {
      scanner = SegmentScanner.open(segment, newest);
    } catch (NoSuchFileException e) {
      return 0; // deleted by retention since it was listed: its records are gone, not damaged
    }
    try (scanner) {
      for (EventRecord record = scanner.next(); record != null; record = scanner.next()) {
        lastRead = record.recordNumber();
        if (query.matches(record)) {
          sink.accept(record);
          if (enough.getAsBoolean()) {
            // Stopped short: damage further on is reported by a read that gets there.
            for (DamagedRange range : scanner.damaged()) {
              damage.found(segment, range, false);
            }
            return lastRead;
          }
        }
      }
      for (DamagedRange range : scanner.damaged()) {
        damage.found(segment, range, false);
      }
      if (scanner.tail() != null) {
        if (newest && scanner.tornTail()) {
          // The writer may be in the middle of this record; the next read will see it whole.
          LOG.debug("stopped reading {} at {}", segment.path(), scanner.tail());
        } else {
          damage.found(segment, scanner.tail(), scanner.zeroTail());
        }
      }
    }
    return lastRead;
  }

  /**
   * Scans every segment and says what it holds, for {@code authhost events verify}: reads only, so
   * it is safe while a host is writing.
   *
   * @throws UncheckedIOException if the directory or a segment cannot be read
   */
  public List<SegmentCheck> verify() {
    try {
      List<Segment> segments = Segment.list(directory);
      List<SegmentCheck> checks = new ArrayList<>(segments.size());
      for (int i = 0; i < segments.size(); i++) {
        Segment segment = segments.get(i);
        boolean newest = i == segments.size() - 1;
        SegmentScanner.Summary summary;
        try {
          summary = SegmentScanner.summarize(segment, newest);
        } catch (NoSuchFileException e) {
          continue; // deleted by retention since it was listed
        }
        List<DamagedRange> damaged = new ArrayList<>(summary.damaged());
        DamagedRange incomplete = null;
        if (summary.tail() != null) {
          if (newest && summary.tornTail()) {
            incomplete = summary.tail();
          } else {
            damaged.add(summary.tail());
          }
        }
        checks.add(
            new SegmentCheck(
                segment.path(),
                summary.records(),
                summary.lastRecord() == null ? 0 : summary.lastRecord().recordNumber(),
                summary.size(),
                List.copyOf(damaged),
                incomplete,
                segment.asideFiles()));
      }
      return checks;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the event log in " + directory, e);
    }
  }
}
