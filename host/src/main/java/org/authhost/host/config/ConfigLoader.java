package org.authhost.host.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the host's configuration is read: {@value #FILE_NAME} in the configuration folder.
 *
 * <p>The file is strict JSON and strictly checked: unknown keys (often misspellings that would
 * otherwise silently leave a default in force), duplicate keys, values of the wrong type or out of
 * range, and anything after the top-level object are refused. Every key is optional; an empty
 * {@code {}} gives {@link #defaults}. All problems found in one pass are reported together in a
 * {@link ConfigException}, each with its line, column and JSON path.
 *
 * <p>Path values may use {@code ${authhost.home}} (System property {@code authhost.home}, else the
 * working folder) and {@code ${config.dir}} (the configuration folder); after expansion, relative
 * paths resolve against the configuration folder. Returned paths are absolute and normalized, no
 * field is {@code null}, and collections are immutable.
 */
public final class ConfigLoader {
  /** The configuration file's name inside the configuration folder. */
  public static final String FILE_NAME = "host.json";

  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

  private ConfigLoader() {}

  /**
   * Reads and checks {@value #FILE_NAME} in {@code configDirectory}.
   *
   * @param configDirectory the configuration folder; a relative one is taken from the working
   *     folder
   * @return the complete configuration
   * @throws ConfigException listing every problem found, if the file is missing, unreadable, not
   *     well-formed JSON or not a valid configuration
   */
  public static HostConfig load(Path configDirectory) throws ConfigException {
    Path directory = absolute(configDirectory);
    Path file = directory.resolve(FILE_NAME);
    Problems problems = new Problems(file);
    byte[] bytes = read(directory, file, problems);
    problems.throwIfAny();
    return load(directory, bytes);
  }

  /**
   * Checks {@code bytes} as if they were {@value #FILE_NAME} in {@code configDirectory}: the same
   * checks and messages as {@link #load(Path)}, so a change can be tried before it is written.
   */
  static HostConfig load(Path configDirectory, byte[] bytes) throws ConfigException {
    Path directory = absolute(configDirectory);
    Path file = directory.resolve(FILE_NAME);
    Problems problems = new Problems(file);
    LocatedJson root = LocatedJsonReader.read(bytes, problems);
    HostConfig config = null;
    if (root != null) {
      config = binder(directory, problems).bind(root);
    }
    problems.throwIfAny();
    log.debug("Read configuration from {}", file);
    return config;
  }

  /**
   * What an empty {@code {}} in {@code configDirectory} gives: every key at its default.
   *
   * @param configDirectory the configuration folder that relative defaults resolve against
   */
  public static HostConfig defaults(Path configDirectory) {
    Path directory = absolute(configDirectory);
    Problems problems = new Problems(directory.resolve(FILE_NAME));
    HostConfig config = binder(directory, problems).bind(LocatedJson.Obj.EMPTY);
    try {
      problems.throwIfAny();
    } catch (ConfigException e) {
      throw new IllegalStateException("the built-in defaults are invalid: " + e.getMessage(), e);
    }
    return config;
  }

  private static HostConfigBinder binder(Path directory, Problems problems) {
    // Placeholders are taken at each load, so a changed authhost.home property takes effect.
    return new HostConfigBinder(directory, problems, Placeholders.standard(directory));
  }

  private static Path absolute(Path configDirectory) {
    Objects.requireNonNull(configDirectory, "configDirectory");
    return configDirectory.toAbsolutePath().normalize();
  }

  /** The file's bytes, or {@code null} after recording why they cannot be had. */
  private static byte[] read(Path directory, Path file, Problems problems) {
    if (!Files.isDirectory(directory)) {
      problems.add(
          ConfigProblem.MISSING_FILE,
          null,
          "configuration folder "
              + directory
              + " does not exist or is not a folder; expected it to hold "
              + FILE_NAME);
      return null;
    }
    if (Files.isDirectory(file)) {
      problems.add(
          ConfigProblem.UNREADABLE,
          null,
          file + " is a folder; expected a JSON file (an empty {} gives all defaults)");
      return null;
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      problems.add(
          ConfigProblem.MISSING_FILE,
          null,
          "configuration file "
              + file
              + " does not exist; expected a JSON file there (an empty {} gives all defaults)");
    } catch (IOException e) {
      problems.add(
          ConfigProblem.UNREADABLE, null, "cannot read configuration file " + file + ": " + e);
    }
    return null;
  }
}
