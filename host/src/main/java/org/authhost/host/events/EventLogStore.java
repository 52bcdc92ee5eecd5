package org.authhost.host.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.config.EventLogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's durable event log (WMS {@code IWMSEventLog}): an append-only sequence of numbered
 * records in segment files {@code events-<first record number>.log}, bounded by size and age.
 *
 * <p>{@link #append} returns once the record is in the operating system's hands, so it survives the
 * host process being killed; with {@link EventLogConfig#fsync()} it is also forced to the disk
 * first, so it survives a power loss. Concurrent appenders that all wait for the disk share one
 * force ("group commit"). {@link #open} repairs what a crash can leave behind: a last record that
 * was only partly written is cut off (its bytes kept aside in a {@code .torn} file), its number is
 * not given again (its writer may have been told it was written), and appends go to a new segment.
 *
 * <p>It never deletes a record that is intact. Damage (bytes that frame no valid record, say a
 * flipped bit) is stepped over by every read, which resumes at the next intact record. A segment
 * found damaged is no longer written to: it stays as it is, so the offsets reported stay true, and
 * appends go to a new segment. Each damaged range is copied aside to a {@code .damaged} file and
 * reported once, through {@link #reportDamageTo} (see {@link DamageReports}).
 *
 * <p>Only one store may have a directory open at a time (a lock file enforces it, across processes
 * too). Readers need no lock: see {@link #openReader(Path)}. Thread-safe.
 */
public final class EventLogStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLogStore.class);
  private static final String LOCK_FILE = "events.lock";
  private static final long NO_RECORD = Long.MIN_VALUE;

  private final EventLogConfig config;
  private final Clock clock;
  private final EventLogReader reader;
  private final SegmentRetention retention;
  private final FileChannel lockChannel;

  private final Object lock = new Object();
  // Guarded by lock: reused for every record so the hot path allocates nothing of its own.
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(RecordFormat.MAX_RECORD_BYTES);
  private final CRC32C crc = new CRC32C();
  private final Deque<Segment> segments;
  private FileChannel channel;
  private long position;
  private long newestMillis;
  private boolean closed;
  private IOException broken;
  private boolean sealBeforeNextAppend;
  private volatile long lastRecordNumber;
  // Written under lock, read without it (metrics).
  private volatile long appends;
  private volatile long appendedBytes;

  private final DamageReports reports;

  // Separate from lock so appenders keep writing while one thread waits for the disk.
  private final Object forceLock = new Object();
  private final AtomicLong durableThrough = new AtomicLong();

  private EventLogStore(EventLogConfig config, Clock clock, FileChannel lockChannel)
      throws IOException {
    this.config = config;
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.reader = new EventLogReader(config.directory(), this::damageFoundByReader);
    this.retention = new SegmentRetention(config, clock);
    this.reports = new DamageReports(config.fsync());
    this.segments = new ArrayDeque<>(Segment.list(config.directory()));
    try {
      if (segments.isEmpty()) {
        Segment first = Segment.in(config.directory(), 1);
        channel = createSegment(first);
        segments.add(first);
        newestMillis = NO_RECORD;
      } else {
        recover(segments.getLast());
      }
      if (config.fsync()) {
        // What an earlier run wrote without fsync is not necessarily on the disk yet.
        channel.force(false);
      }
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        closeQuietly(channel);
      }
      throw e;
    }
    durableThrough.set(lastRecordNumber);
    retention.sweepOrphans(config.directory());
    retention.apply(segments);
    reports.reportPendingAgain(config.directory());
  }

  /**
   * Opens the log in {@code config.directory()}, creating the directory if need be, and repairs a
   * torn tail left by a crash.
   *
   * @param clock stamps each appended record, and is "now" for the age bound
   * @throws IOException if the directory cannot be used, or another store has it open
   */
  public static EventLogStore open(EventLogConfig config, Clock clock) throws IOException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(config.directory(), "config.directory");
    if (config.segmentBytes() <= 0 || config.maxBytes() <= 0 || config.retentionDays() < 0) {
      throw new IllegalArgumentException(
          "event log bounds must be positive (retentionDays >= 0): " + config);
    }
    Files.createDirectories(config.directory());
    FileChannel lockChannel =
        FileChannel.open(
            config.directory().resolve(LOCK_FILE),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    try {
      FileLock fileLock = lockChannel.tryLock();
      if (fileLock == null) {
        throw new EventLogInUseException(
            config.directory(),
            "the event log in "
                + config.directory()
                + " is in use by another process (another host with the same dataDirectory?)",
            null);
      }
      return new EventLogStore(config, clock, lockChannel);
    } catch (OverlappingFileLockException e) {
      lockChannel.close();
      throw new EventLogInUseException(
          config.directory(),
          "the event log in " + config.directory() + " is already open in this process",
          e);
    } catch (IOException | RuntimeException e) {
      lockChannel.close();
      throw e;
    }
  }

  /**
   * A read-only view of the log in {@code directory}, for a process other than the host (the
   * command line) or for code that only reads. It needs no lock and changes no file.
   */
  public static EventLogReader openReader(Path directory) {
    return new EventLogReader(directory);
  }

  /**
   * Hands every damage the log has found and not yet reported to {@code sink} (what {@link #open}
   * found, at once, on this thread) and every damage a later read finds, on the reading thread;
   * each damaged range once, also across restarts: its aside file says it was reported.
   */
  public void reportDamageTo(Consumer<LogDamage> sink) {
    reports.sendTo(sink);
  }

  /**
   * Appends one event and echoes it to the {@code authhost.events} logger.
   *
   * @param source a plug-in id or {@code "host"}; cut to 256 characters
   * @param text cut to 32 KiB of UTF-8, ending in an ellipsis, if longer
   * @return the record as stored, with its number and time
   * @throws IllegalStateException if the store is closed
   * @throws UncheckedIOException if the record could not be written; nothing of it is kept
   */
  public EventRecord append(EventLevel level, String source, HResult hresult, String text) {
    return append(level, source, hresult, text, true);
  }

  /**
   * Appends one event, echoed to the {@code authhost.events} logger only if {@code echo}: the
   * audit's records are kept out of the process log unless the operator asks for them.
   *
   * @see #append(EventLevel, String, HResult, String)
   */
  public EventRecord append(
      EventLevel level, String source, HResult hresult, String text, boolean echo) {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(hresult, "hresult");
    String storedSource = RecordFormat.capSource(Objects.requireNonNull(source, "source"));
    String storedText = RecordFormat.capText(Objects.requireNonNull(text, "text"));
    byte[] sourceBytes = storedSource.getBytes(UTF_8);
    byte[] textBytes = storedText.getBytes(UTF_8);
    long number;
    long millis;
    synchronized (lock) {
      checkOpen();
      number = lastRecordNumber + 1;
      millis = clock.millis();
      RecordFormat.encode(buffer, crc, number, millis, level, hresult, sourceBytes, textBytes);
      // A FileChannel touched by an interrupted thread closes itself for every thread, and the
      // host interrupts plug-in threads that overrun; so the flag is held off during the I/O.
      boolean interrupted = Thread.interrupted();
      try {
        if (!channel.isOpen()) {
          reopen();
        }
        if (sealBeforeNextAppend
            || (position > 0 && position + buffer.remaining() > config.segmentBytes())) {
          roll(number);
          sealBeforeNextAppend = false;
        }
        int size = buffer.remaining();
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        position += size;
        appends = appends + 1;
        appendedBytes = appendedBytes + size;
      } catch (IOException e) {
        interrupted |= Thread.interrupted();
        discardPartialRecord();
        throw new UncheckedIOException(
            "could not append event #" + number + " to the event log", e);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      newestMillis = millis;
      lastRecordNumber = number;
    }
    if (config.fsync()) {
      awaitDurable(number);
    }
    EventRecord record =
        new EventRecord(
            number, Instant.ofEpochMilli(millis), level, storedSource, hresult, storedText);
    if (echo) {
      EventEcho.echo(record);
    }
    return record;
  }

  /**
   * The records that match, read from disk, in record-number order.
   *
   * @throws UncheckedIOException if the log cannot be read
   */
  public List<EventRecord> query(EventQuery query) {
    return reader.query(query);
  }

  /**
   * The oldest {@code count} matching records, read from disk, in record-number order: what came
   * after a follower's last record, a page at a time ({@link EventLogReader#oldest}).
   *
   * @throws UncheckedIOException if the log cannot be read
   */
  public EventLogReader.Page oldest(EventQuery query, int count) {
    return reader.oldest(query, count);
  }

  /** Records appended since the store was opened (the metrics' count). */
  public long appends() {
    return appends;
  }

  /** Bytes of the records appended since the store was opened, as written to disk. */
  public long appendedBytes() {
    return appendedBytes;
  }

  /** The number of the newest record, 0 if none was ever written. */
  public long lastRecordNumber() {
    return lastRecordNumber;
  }

  /**
   * How many records the log holds: from the first record of the oldest segment kept to the newest
   * record. A record lost to damage in an old segment is still counted.
   */
  public long count() {
    synchronized (lock) {
      return Math.max(0, lastRecordNumber - segments.getFirst().firstRecordNumber() + 1);
    }
  }

  /**
   * Deletes the oldest segments that are past the size or age bound; for a scheduler, since the age
   * bound otherwise applies only when a segment fills up or the log is opened.
   */
  public void enforceRetention() {
    synchronized (lock) {
      checkOpen();
      retention.apply(segments);
    }
  }

  /** Closes the current segment and releases the directory. Closing again does nothing. */
  @Override
  public void close() {
    IOException failure = null;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      boolean interrupted = Thread.interrupted();
      try {
        if (config.fsync() && channel.isOpen()) {
          channel.force(false);
          durableThrough.accumulateAndGet(lastRecordNumber, Math::max);
        }
      } catch (IOException e) {
        failure = e;
      } finally {
        closeQuietly(channel);
        closeQuietly(lockChannel);
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    if (failure != null) {
      throw new UncheckedIOException("could not force the event log to disk on close", failure);
    }
  }

  private void recover(Segment current) throws IOException {
    SegmentScanner.Summary found = SegmentScanner.summarize(current, false);
    channel = FileChannel.open(current.path(), StandardOpenOption.WRITE);
    position = found.size();
    EventRecord last = found.lastRecord();
    lastRecordNumber = last != null ? last.recordNumber() : current.firstRecordNumber() - 1;
    newestMillis = last != null ? last.time().toEpochMilli() : NO_RECORD;
    boolean seal = false;
    DamagedRange tail = found.tail();
    if (tail != null && found.tornTail()) {
      // Only the last segment is ever being written, so only it can end in a torn record, and
      // no intact record follows it: cutting it loses nothing, once its bytes are kept.
      DamageReports.Found torn = reports.keepTorn(current, tail);
      if (torn.damage().keptIn() != null) {
        LOG.warn(
            "event log segment {}: cut off an incomplete last record at {}, kept in {}",
            current.path(),
            tail,
            torn.damage().keptIn());
        channel.truncate(tail.offset());
        position = tail.offset();
      } else {
        LOG.warn(
            "event log segment {}: an incomplete last record at {} could not be kept aside, so it"
                + " stays where it is",
            current.path(),
            tail);
      }
      // Its writer may have been told it was written (the bytes cannot tell), so its number is not
      // given to another record; and as a segment's records are numbered without gaps, the next
      // one starts a new segment.
      lastRecordNumber++;
      seal = true;
      reports.deliver(torn);
    }
    channel.position(position);
    List<DamagedRange> damaged = new ArrayList<>(found.damaged());
    if (tail != null && !found.tornTail()) {
      damaged.add(tail);
      // A whole record with wrong bytes may have been read (and followed) under its number: the
      // numbers it can have held are not given to new records.
      lastRecordNumber += Math.max(1, tail.length() / SegmentScanner.MIN_RECORD_BYTES);
    }
    if (!damaged.isEmpty()) {
      LOG.error(
          "event log segment {} is damaged at {}; it is no longer written to",
          current.path(),
          damaged);
      for (DamagedRange range : damaged) {
        boolean zeroed = found.zeroTail() && range.equals(tail);
        DamageReports.Found damage =
            reports.claim(
                current, range, zeroed ? LogDamage.Kind.ZEROED_TAIL : LogDamage.Kind.DAMAGED);
        if (damage != null) {
          reports.deliver(damage);
        }
      }
      seal = true;
    }
    if (seal) {
      roll(lastRecordNumber + 1);
    }
  }

  private void damageFoundByReader(Segment segment, DamagedRange range, boolean zeroTail) {
    DamageReports.Found damage =
        reports.claim(
            segment, range, zeroTail ? LogDamage.Kind.ZEROED_TAIL : LogDamage.Kind.DAMAGED);
    if (damage == null) {
      return;
    }
    synchronized (lock) {
      if (!closed && segment.equals(segments.getLast())) {
        // Before the report is written, which is itself an append: nothing more is written after
        // the damage, so the offsets reported stay true.
        sealBeforeNextAppend = true;
      }
    }
    reports.deliver(damage);
  }

  private void roll(long firstRecordNumber) throws IOException {
    if (config.fsync()) {
      // Sealed segments must be on disk before anything waits on the new one.
      channel.force(false);
      durableThrough.accumulateAndGet(lastRecordNumber, Math::max);
    }
    Segment next = Segment.in(config.directory(), firstRecordNumber);
    FileChannel nextChannel = createSegment(next);
    retention.sealed(
        segments.getLast(), newestMillis == NO_RECORD ? null : Instant.ofEpochMilli(newestMillis));
    closeQuietly(channel);
    channel = nextChannel;
    segments.addLast(next);
    position = 0;
    newestMillis = NO_RECORD;
    retention.apply(segments);
  }

  private FileChannel createSegment(Segment segment) throws IOException {
    FileChannel created =
        FileChannel.open(segment.path(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (config.fsync()) {
      syncDirectory();
    }
    return created;
  }

  private void syncDirectory() {
    // Makes the new file's name durable; not every platform lets a directory be forced.
    try (FileChannel directory = FileChannel.open(config.directory(), StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      LOG.debug("could not force directory {}", config.directory(), e);
    }
  }

  /** Waits until record {@code number} is on disk, forcing it there unless another thread is. */
  private void awaitDurable(long number) {
    if (durableThrough.get() >= number) {
      return;
    }
    boolean interrupted = false;
    try {
      synchronized (forceLock) {
        while (durableThrough.get() < number) {
          FileChannel target;
          long through;
          synchronized (lock) {
            if (closed) {
              throw new IllegalStateException(
                  "the event log was closed before event #" + number + " reached the disk");
            }
            interrupted |= Thread.interrupted();
            if (!channel.isOpen()) {
              reopen();
            }
            target = channel;
            through = lastRecordNumber;
          }
          interrupted |= Thread.interrupted();
          try {
            target.force(false);
            durableThrough.accumulateAndGet(through, Math::max);
          } catch (ClosedChannelException e) {
            // A roll or close forced it before closing it, or an interrupt closed it: look again.
            interrupted |= Thread.interrupted();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not force event #" + number + " to disk", e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void reopen() throws IOException {
    channel = FileChannel.open(segments.getLast().path(), StandardOpenOption.WRITE);
    channel.truncate(position);
    channel.position(position);
  }

  /** Cuts off what a failed write left, so the next record does not follow a half one. */
  private void discardPartialRecord() {
    try {
      if (!channel.isOpen()) {
        reopen();
      } else {
        channel.truncate(position);
        channel.position(position);
      }
    } catch (IOException e) {
      broken = e;
      LOG.error("the event log cannot recover from a failed write and takes no more events", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the event log is closed");
    }
    if (broken != null) {
      throw new UncheckedIOException(
          "the event log failed earlier and takes no more events", broken);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("could not close {}", channel, e);
    }
  }
}
