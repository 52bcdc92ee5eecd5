package org.authhost.host.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing wrong with a configuration file: where it is, a stable id a script or a test can match
 * on, and a message saying what was found and what was expected.
 *
 * <p>{@link #render()} gives the compiler-style line operators and editors know: {@code
 * /etc/authhost/host.json:12:5: [config/unknown-key] unknown key "foo" in "plugins"; expected one
 * of: ...}.
 *
 * @param file the file the problem is in (or, for {@link #MISSING_FILE}, the file that was
 *     expected)
 * @param line 1-based line, or 0 when the problem has no position (the file is missing or
 *     unreadable)
 * @param column 1-based column in characters, or 0 when the problem has no position
 * @param id a stable identifier such as {@value #UNKNOWN_KEY}; its wording never changes
 * @param message what was found and what was expected, naming the JSON path of the value
 */
public record ConfigProblem(Path file, int line, int column, String id, String message) {
  /** A key the schema does not know at that place. */
  public static final String UNKNOWN_KEY = "config/unknown-key";

  /** The same key twice in one object. */
  public static final String DUPLICATE_KEY = "config/duplicate-key";

  /** A value of the wrong type or outside its allowed range or form. */
  public static final String BAD_VALUE = "config/bad-value";

  /** The configuration file (or its folder) does not exist. */
  public static final String MISSING_FILE = "config/missing-file";

  /** The file exists but could not be read (permissions, not a regular file, I/O error). */
  public static final String UNREADABLE = "config/unreadable";

  /** The file is not well-formed JSON (or not UTF-8, or has content after the top-level object). */
  public static final String SYNTAX = "config/syntax";

  public ConfigProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(message, "message");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must be >= 0: " + line + ":" + column);
    }
  }

  /** Whether the problem points at a place in the file. */
  public boolean hasPosition() {
    return line > 0;
  }

  /**
   * {@code /etc/authhost/host.json:12:5: [id] message}, or {@code /etc/authhost/host.json: [id]
   * message} without a position. The path is the file's as the operator named it (through {@code
   * --config}), so that a host started from a copied or second configuration says which file is
   * wrong.
   */
  public String render() {
    StringBuilder out = new StringBuilder(file.toString());
    if (hasPosition()) {
      out.append(':').append(line).append(':').append(column);
    }
    return out.append(": [").append(id).append("] ").append(message).toString();
  }

  @Override
  public String toString() {
    return render();
  }
}
