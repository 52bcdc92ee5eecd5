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
 * <p>Bytes the log could not read are kept next to their segment, named after it and their offset
 * ({@code events-...log.<offset>.damaged}, {@code ...torn}), and go when the segment goes.
 */
record Segment(Path path, long firstRecordNumber) {
  private static final Pattern NAME = Pattern.compile("events-(\\d{20})\\.log");

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

  /** Where the bytes at {@code offset} are kept aside, as a {@code kind} file. */
  Path asideFile(long offset, String kind) {
    return path.resolveSibling(path.getFileName() + "." + offset + "." + kind);
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
