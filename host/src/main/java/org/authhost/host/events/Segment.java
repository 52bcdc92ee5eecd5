package org.authhost.host.events;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file of the log, {@code events-<20-digit first record number>.log}. The name alone
 * says which records a segment can hold: from its own number up to just before the next segment's,
 * so readers skip whole files without opening them, and an empty last segment still says which
 * number comes next.
 *
 * <p>Bytes the log could not read are kept next to their segment, named after it, their offset and
 * their length ({@code events-...log.<offset>-<length>.damaged}, {@code ...torn}), and go before
 * the segment goes. A copy not yet reported ends in {@code .pending} until its report is written.
 */
record Segment(Path path, long firstRecordNumber) {
  private static final Pattern NAME = Pattern.compile("events-(\\d{20})\\.log");
  private static final Pattern ASIDE =
      Pattern.compile("(events-\\d{20}\\.log)\\.(\\d+)-(\\d+)\\.([a-z]+(?:-\\d+)?)(\\.pending)?");
  // Any file named after a segment, whatever the version of the host that made it.
  private static final Pattern AFTER_SEGMENT = Pattern.compile("(events-\\d{20}\\.log)\\..+");
  static final String PENDING = ".pending";

  /**
   * A file of bytes kept aside from a segment.
   *
   * @param kind {@code damaged}, {@code torn}, {@code torn-2}, ...
   * @param pending whether its damage was found but not yet reported
   */
  record Aside(Path path, Path segment, long offset, long length, String kind, boolean pending) {
    /** The name the file has once its damage is reported. */
    Path reported() {
      return pending ? segment.resolveSibling(name(segment, offset, length, kind)) : path;
    }
  }

  /** The segment in {@code directory} whose first record is {@code firstRecordNumber}. */
  static Segment in(Path directory, long firstRecordNumber) {
    return new Segment(
        directory.resolve(String.format("events-%020d.log", firstRecordNumber)), firstRecordNumber);
  }

  /** The segments in {@code directory}, oldest first; none if the directory does not exist. */
  static List<Segment> list(Path directory) throws IOException {
    List<Segment> segments = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "events-*.log")) {
      for (Path file : files) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (m.matches()) {
          segments.add(new Segment(file, Long.parseLong(m.group(1))));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    segments.sort(Comparator.comparingLong(Segment::firstRecordNumber));
    return segments;
  }

  /** Where the bytes of {@code range} are kept aside, as a {@code kind} file, once reported. */
  Path asideFile(DamagedRange range, String kind) {
    return path.resolveSibling(name(path, range.offset(), range.length(), kind));
  }

  private static String name(Path segment, long offset, long length, String kind) {
    return segment.getFileName() + "." + offset + "-" + length + "." + kind;
  }

  /** Every file in {@code directory} named after a segment, as a kept-aside file is. */
  static List<Path> filesAfterSegments(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, "events-*.log.*")) {
      for (Path file : found) {
        if (AFTER_SEGMENT.matcher(file.getFileName().toString()).matches()) {
          files.add(file);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    files.sort(Comparator.naturalOrder());
    return files;
  }

  /** The segment a file named after one belongs to. */
  static Path segmentOf(Path afterSegment) {
    Matcher m = AFTER_SEGMENT.matcher(afterSegment.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(afterSegment + " is not named after a segment");
    }
    return afterSegment.resolveSibling(m.group(1));
  }

  /** What a kept-aside file's name says, or null if it is not named as this host names them. */
  static Aside parseAside(Path file) {
    Matcher m = ASIDE.matcher(file.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    return new Aside(
        file,
        file.resolveSibling(m.group(1)),
        Long.parseLong(m.group(2)),
        Long.parseLong(m.group(3)),
        m.group(4),
        m.group(5) != null);
  }

  /** The files kept aside for this segment, by name. */
  List<Path> asideFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> found =
        Files.newDirectoryStream(path.getParent(), path.getFileName() + ".*")) {
      found.forEach(files::add);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    files.sort(Comparator.naturalOrder());
    return files;
  }

  /** The segment's size now, 0 if it has just been deleted. */
  long size() throws IOException {
    try {
      return Files.size(path);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
