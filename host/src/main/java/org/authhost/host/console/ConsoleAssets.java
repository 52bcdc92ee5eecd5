package org.authhost.host.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's pages, style and script: files in the host's JAR under {@code console/}, read once
 * and kept. Nothing is fetched from anywhere else.
 */
final class ConsoleAssets {
  private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|css|js|svg)");
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "svg", "image/svg+xml");

  private final Map<String, Optional<Reply>> cache = new ConcurrentHashMap<>();

  /** The file under {@code /console/}; the empty name is the page. */
  Reply get(String name) {
    String file = name.isEmpty() ? "index.html" : name;
    if (!NAME.matcher(file).matches()) {
      return Reply.text(404, "not found");
    }
    return cache.computeIfAbsent(file, ConsoleAssets::read).orElse(Reply.text(404, "not found"));
  }

  private static Optional<Reply> read(String file) {
    try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + file)) {
      if (in == null) {
        return Optional.empty();
      }
      String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
      return Optional.of(new Reply(200, type, in.readAllBytes()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the console's " + file + " could not be read from the JAR", e);
    }
  }
}
