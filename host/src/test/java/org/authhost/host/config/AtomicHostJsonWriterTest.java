package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicHostJsonWriterTest {
  private static final String FILE =
      """
      {
        "serverName": "authhost",
        "plugins": {
          "directory": "${config.dir}/plugins",
          "settings": {
            "digest": {
              "enabled": true,
              "properties": {
                "realm": "AuthHost"
              }
            }
          }
        }
      }
      """;

  private static final List<String> DIGEST_ENABLED =
      List.of("plugins", "settings", "digest", "enabled");

  @TempDir Path dir;
  private Path file;

  @BeforeEach
  void writeFile() throws Exception {
    file = dir.resolve("host.json");
    Files.writeString(file, FILE);
  }

  private AtomicHostJsonWriter writerForTheFileAsItIsNow() throws Exception {
    return new AtomicHostJsonWriter(ConfigLoader.load(dir));
  }

  @Test
  void aChangeIsWrittenKeepingEverythingElseAndTheLoaderReadsIt() throws Exception {
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();

    writer.set(DIGEST_ENABLED, false);
    writer.set(List.of("plugins", "settings", "digest", "properties", "nonceSeconds"), "120");

    String expected =
        FILE.replace("\"enabled\": true", "\"enabled\": false")
            .replace(
                "\"realm\": \"AuthHost\"\n",
                "\"realm\": \"AuthHost\",\n          \"nonceSeconds\": \"120\"\n");
    assertEquals(expected, Files.readString(file));
    PluginSettings digest = ConfigLoader.load(dir).plugins().settingsOf("digest");
    assertFalse(digest.enabled());
    assertEquals(Map.of("realm", "AuthHost", "nonceSeconds", "120"), digest.properties());
    assertEquals(List.of(file), filesIn(dir), "no temporary file is left behind");
  }

  @Test
  void nullRemovesTheKey() throws Exception {
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();

    writer.set(List.of("plugins", "settings", "digest", "properties", "realm"), null);

    assertEquals(Map.of(), ConfigLoader.load(dir).plugins().settingsOf("digest").properties());
    assertTrue(Files.readString(file).contains("\"properties\": {}"));
  }

  @Test
  void aHandEditSinceTheHostReadTheFileIsNeverOverwritten() throws Exception {
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();
    String handEdit = FILE.replace("\"serverName\": \"authhost\"", "\"serverName\": \"edge-1\"");
    Files.writeString(file, handEdit);

    HostJsonChangedException e =
        assertThrows(HostJsonChangedException.class, () -> writer.set(DIGEST_ENABLED, false));

    assertTrue(e.getMessage().startsWith("[config/changed-on-disk] "), e.getMessage());
    assertTrue(e.getMessage().contains("restart"), e.getMessage());
    assertEquals(handEdit, Files.readString(file));
    assertEquals(List.of(file), filesIn(dir));
  }

  @Test
  void aHandEditSavedWhileTheChangeWasBeingCheckedIsNeverOverwritten() throws Exception {
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();
    String handEdit = FILE.replace("\"serverName\": \"authhost\"", "\"serverName\": \"edge-2\"");
    // Saved after the first look at the file and the loader's check, before the move.
    writer.beforeLastLook =
        () -> {
          try {
            Files.writeString(file, handEdit);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };

    HostJsonChangedException e =
        assertThrows(HostJsonChangedException.class, () -> writer.set(DIGEST_ENABLED, false));

    assertTrue(e.getMessage().startsWith("[config/changed-on-disk] "), e.getMessage());
    assertEquals(handEdit, Files.readString(file), "the hand edit is kept");
    assertEquals(List.of(file), filesIn(dir), "no temporary file left");
  }

  @Test
  void aChangeTheLoaderRefusesIsNotWrittenAndNamesLineAndColumn() throws Exception {
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();
    byte[] before = Files.readAllBytes(file);

    ConfigException e =
        assertThrows(ConfigException.class, () -> writer.set(DIGEST_ENABLED, "yes"));

    ConfigProblem problem = e.problems().get(0);
    assertEquals(ConfigProblem.BAD_VALUE, problem.id());
    assertEquals(file, problem.file());
    assertEquals(7, problem.line(), problem.render());
    assertEquals(20, problem.column(), problem.render());
    assertTrue(problem.render().startsWith(file + ":7:20: [config/bad-value]"), problem.render());
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(List.of(file), filesIn(dir));

    // The refusal left the stamp alone: the next valid change goes through.
    writer.set(DIGEST_ENABLED, false);
    assertFalse(ConfigLoader.load(dir).plugins().settingsOf("digest").enabled());
  }

  @Test
  void theFilesPermissionsAreKept() throws Exception {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();

    writer.set(DIGEST_ENABLED, false);

    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void aLinkedFileIsWrittenThroughTheLink() throws Exception {
    Path real = Files.createDirectory(dir.resolve("real")).resolve("host.json");
    Files.move(file, real);
    Files.createSymbolicLink(file, real);
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();

    writer.set(DIGEST_ENABLED, false);

    assertTrue(Files.isSymbolicLink(file), "the link is still a link");
    assertTrue(Files.readString(real).contains("\"enabled\": false"));
  }

  @Test
  void aByteOrderMarkIsKept() throws Exception {
    Files.write(file, ("\uFEFF" + FILE).getBytes(StandardCharsets.UTF_8));
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();

    writer.set(DIGEST_ENABLED, false);

    assertEquals(
        "\uFEFF" + FILE.replace("\"enabled\": true", "\"enabled\": false"),
        new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
  }

  @Test
  void aChangeThatChangesNothingDoesNotTouchTheFile() throws Exception {
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();
    var before = Files.getLastModifiedTime(file);
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_000_000L));

    writer.set(DIGEST_ENABLED, true);
    writer.set(List.of("plugins", "settings", "basic", "properties", "x"), null);

    assertEquals(
        1_000_000L, Files.getLastModifiedTime(file).toMillis(), "not rewritten: " + before);
  }

  @Test
  void aHostWhoseFileWasMissingAtStartWritesNothing() throws Exception {
    HostConfig config = ConfigLoader.load(dir);
    Files.delete(file);
    AtomicHostJsonWriter writer = new AtomicHostJsonWriter(config);
    Files.writeString(file, FILE);

    assertThrows(HostJsonChangedException.class, () -> writer.set(DIGEST_ENABLED, false));
    assertEquals(FILE, Files.readString(file));
  }

  @Test
  void aFileRemovedSinceTheHostReadItIsNotRecreated() throws Exception {
    AtomicHostJsonWriter writer = writerForTheFileAsItIsNow();
    Files.delete(file);

    assertThrows(HostJsonChangedException.class, () -> writer.set(DIGEST_ENABLED, false));
    assertFalse(Files.exists(file));
  }

  private static List<Path> filesIn(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.toList();
    }
  }
}
