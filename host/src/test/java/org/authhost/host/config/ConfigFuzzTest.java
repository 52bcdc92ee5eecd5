package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of {@code host.json} through {@link ConfigLoader#load}, the one place
 * configuration is read: any bytes give either a configuration or a {@link ConfigException} whose
 * every problem names the file, a line and a column inside it, and a stable id — never another
 * exception.
 */
class ConfigFuzzTest {
  private static final Path FOLDER = folder();

  private static Path folder() {
    try {
      return Files.createDirectories(Path.of("target", "config-fuzz", "config"))
          .toAbsolutePath()
          .normalize();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "")
  void hostJson(byte[] json) throws IOException {
    Path file = FOLDER.resolve(ConfigLoader.FILE_NAME);
    Files.write(file, json);
    try {
      HostConfig config = ConfigLoader.load(FOLDER);
      assertNotNull(config);
    } catch (ConfigException e) {
      assertFalse(e.problems().isEmpty());
      // Lines as an editor counts them: LF, CRLF or CR ends one.
      String text = new String(json, StandardCharsets.UTF_8);
      int lines = text.split("\r\n|\r|\n", -1).length;
      for (ConfigProblem p : e.problems()) {
        assertEquals(file, p.file(), p.render());
        assertTrue(p.hasPosition(), "a problem without a position: " + p.render());
        assertTrue(p.line() <= lines, p.render() + " is past the last line, " + lines);
        assertTrue(p.column() >= 1, p.render());
        assertTrue(p.id().startsWith("config/"), p.render());
        assertFalse(p.message().isBlank(), p.render());
      }
    }
  }
}
