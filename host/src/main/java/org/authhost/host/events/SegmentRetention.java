package org.authhost.host.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.authhost.host.config.EventLogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's two bounds, size and age, applied by deleting whole segments from the oldest end. The
 * current (last) segment is never deleted: it is where appends go, and while it exists its name
 * keeps the record numbering going across restarts even when it holds nothing yet.
 *
 * <p>The files kept aside from a segment ({@code .damaged}, {@code .torn}) count against the size
 * bound with it, and are deleted just before it, so that a crash in between leaves no copy whose
 * segment is gone; {@link #sweepOrphans} deletes any such copy an older host left.
 *
 * <p>Not thread-safe: the store calls it under its own lock.
 */
final class SegmentRetention {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentRetention.class);

  private final long maxBytes;
  private final Duration maxAge;
  private final Clock clock;
  // Sealed segments never change, so each one's newest time is read from disk at most once.
  private final Map<Path, Optional<Instant>> newestTimes = new HashMap<>();

  SegmentRetention(EventLogConfig config, Clock clock) {
    this.maxBytes = config.maxBytes();
    this.maxAge = config.retentionDays() == 0 ? null : Duration.ofDays(config.retentionDays());
    this.clock = clock;
  }

  /** Records the newest time of a segment the store has just sealed, saving a scan later. */
  void sealed(Segment segment, Instant newest) {
    newestTimes.put(segment.path(), Optional.ofNullable(newest));
  }

  /** Deletes segments from the head of {@code segments} (oldest first) until both bounds hold. */
  void apply(Deque<Segment> segments) {
    Instant cutoff = maxAge == null ? null : clock.instant().minus(maxAge);
    Map<Path, Long> asideBytes = asideBytesBySegment(segments);
    long total = 0;
    for (Segment segment : segments) {
      total += sizeOf(segment) + asideBytes.getOrDefault(segment.path(), 0L);
    }
    while (segments.size() > 1) {
      Segment oldest = segments.getFirst();
      String reason;
      if (total > maxBytes) {
        reason = "the log is over its " + maxBytes + "-byte bound";
      } else if (cutoff != null && expired(oldest, cutoff)) {
        reason = "its newest record is older than " + maxAge.toDays() + " days";
      } else {
        return; // newer segments are newer still, so none of them is expired either
      }
      long size = sizeOf(oldest) + asideBytes.getOrDefault(oldest.path(), 0L);
      deleteAsideFiles(oldest);
      try {
        Files.deleteIfExists(oldest.path());
      } catch (IOException e) {
        LOG.warn("could not delete event log segment {}; will retry later", oldest.path(), e);
        return;
      }
      segments.removeFirst();
      newestTimes.remove(oldest.path());
      total -= size;
      LOG.info("deleted event log segment {} ({} bytes): {}", oldest.path(), size, reason);
    }
  }

  /** Deletes the files kept aside from a segment that no longer exists. */
  void sweepOrphans(Path directory) {
    try {
      for (Path file : Segment.filesAfterSegments(directory)) {
        if (!Files.exists(Segment.segmentOf(file))) {
          Files.deleteIfExists(file);
          LOG.info("deleted {}: its event log segment is gone", file);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not delete the kept-aside files of deleted segments in {}", directory, e);
    }
  }

  /** How many bytes are kept aside from each segment, by its path; one listing of the directory. */
  private static Map<Path, Long> asideBytesBySegment(Deque<Segment> segments) {
    Map<Path, Long> bytes = new HashMap<>();
    if (segments.isEmpty()) {
      return bytes;
    }
    try {
      for (Path file : Segment.filesAfterSegments(segments.getFirst().path().getParent())) {
        long size;
        try {
          size = Files.size(file);
        } catch (IOException e) {
          continue; // deleted since it was listed
        }
        bytes.merge(Segment.segmentOf(file), size, Long::sum);
      }
    } catch (IOException e) {
      LOG.warn("could not list the event log's kept-aside files", e);
    }
    return bytes;
  }

  /** The bytes kept aside from a segment are evidence about it, and go with it. */
  private static void deleteAsideFiles(Segment segment) {
    try {
      for (Path aside : segment.asideFiles()) {
        Files.deleteIfExists(aside);
      }
    } catch (IOException e) {
      LOG.warn("could not delete the files kept aside from {}", segment.path(), e);
    }
  }

  private boolean expired(Segment segment, Instant cutoff) {
    // An empty segment holds nothing worth keeping.
    return newestTime(segment).map(t -> t.isBefore(cutoff)).orElse(true);
  }

  private Optional<Instant> newestTime(Segment segment) {
    Optional<Instant> known = newestTimes.get(segment.path());
    if (known != null) {
      return known;
    }
    Optional<Instant> newest;
    try {
      SegmentScanner.Summary summary = SegmentScanner.summarize(segment, false);
      newest = Optional.ofNullable(summary.lastRecord()).map(EventRecord::time);
    } catch (IOException e) {
      LOG.warn("could not read event log segment {} to check its age", segment.path(), e);
      return Optional.of(Instant.MAX); // unknown age: keep it rather than guess
    }
    newestTimes.put(segment.path(), newest);
    return newest;
  }

  private static long sizeOf(Segment segment) {
    try {
      return segment.size();
    } catch (IOException e) {
      return 0;
    }
  }
}
