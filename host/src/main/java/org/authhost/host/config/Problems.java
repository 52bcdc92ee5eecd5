package org.authhost.host.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the problems of one file as reading and checking go on, so that a single {@link
 * ConfigException} can name them all.
 */
final class Problems {
  // Position order reads like the file; problems without a position (0:0) come first.
  private static final Comparator<ConfigProblem> BY_POSITION =
      Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column);

  private final Path file;
  private final List<ConfigProblem> found = new ArrayList<>();

  Problems(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * Adds a problem at {@code position}; {@code null} means the problem has no place in the file.
   */
  void add(String id, LocatedJson.Pos position, String message) {
    int line = position == null ? 0 : position.line();
    int column = position == null ? 0 : position.column();
    found.add(new ConfigProblem(file, line, column, id, message));
  }

  boolean isEmpty() {
    return found.isEmpty();
  }

  /** Throws the collected problems, in file order, if there are any. */
  void throwIfAny() throws ConfigException {
    if (!found.isEmpty()) {
      List<ConfigProblem> sorted = new ArrayList<>(found);
      sorted.sort(BY_POSITION); // stable: problems at the same place keep the order found
      throw new ConfigException(sorted);
    }
  }
}
