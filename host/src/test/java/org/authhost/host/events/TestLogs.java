package org.authhost.host.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.authhost.host.config.EventLogConfig;

/** Configurations and file helpers shared by the event log tests. */
final class TestLogs {
  static final long UNBOUNDED = Long.MAX_VALUE;

  private TestLogs() {}

  /** One big segment, no bounds, no fsync. */
  static EventLogConfig simple(Path directory) {
    return new EventLogConfig(directory, UNBOUNDED, 64L << 20, 0, false, 100);
  }

  static EventLogConfig config(
      Path directory, long maxBytes, long segmentBytes, int retentionDays, boolean fsync) {
    return new EventLogConfig(directory, maxBytes, segmentBytes, retentionDays, fsync, 100);
  }

  /** The segment files in the directory, oldest first. */
  static List<Path> segmentFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(p -> p.getFileName().toString().matches("events-\\d{20}\\.log"))
          .sorted()
          .toList();
    }
  }

  static Path lastSegment(Path directory) throws IOException {
    List<Path> files = segmentFiles(directory);
    return files.get(files.size() - 1);
  }
}
