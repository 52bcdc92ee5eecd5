package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostJsonTextTest {
  private static final String FILE =
      """
      {
        "serverName": "authhost",
        "plugins": {
          "directory": "${authhost.home}/plugins",
          "order": ["anonymous", "digest"],
          "settings": {
            "digest": {
              "enabled": true,
              "properties": {
                "realm": "AuthHost",
                "algorithms": "SHA-256,MD5"
              }
            }
          }
        },
        "eventLog": {"maxBytes": 268435456, "fsync": false}
      }
      """;

  private static String set(String text, List<String> path, Object value) {
    return HostJsonText.set(text, path, HostJsonText.toJson(value));
  }

  @Test
  void replacingAValueChangesOnlyItsCharacters() {
    String edited = set(FILE, List.of("plugins", "settings", "digest", "enabled"), false);

    assertEquals(FILE.replace("\"enabled\": true", "\"enabled\": false"), edited);
  }

  @Test
  void replacingAStringWithEscapesKeepsTheRestAndPlaceholders() {
    String text = "{\"a\": \"x\\\"y\\u0041\", \"b\": \"${config.dir}/k\"}";

    String edited = set(text, List.of("a"), "new \"v\"");

    assertEquals("{\"a\": \"new \\\"v\\\"\", \"b\": \"${config.dir}/k\"}", edited);
  }

  @Test
  void aMissingKeyIsAddedAfterItsSiblingsWithTheirIndentation() {
    String edited =
        set(FILE, List.of("plugins", "settings", "digest", "properties", "nonceSeconds"), "300");

    assertEquals(
        FILE.replace(
            "\"algorithms\": \"SHA-256,MD5\"\n",
            "\"algorithms\": \"SHA-256,MD5\",\n          \"nonceSeconds\": \"300\"\n"),
        edited);
  }

  @Test
  void missingObjectsOnTheWayAreCreatedOneMemberALine() {
    String edited = set(FILE, List.of("plugins", "settings", "basic", "enabled"), false);

    String expected =
        FILE.replace(
            "        }\n      }\n    }\n  },",
            "        }\n      },\n      \"basic\": {\n        \"enabled\": false\n      }\n    }\n  },");
    assertEquals(expected, edited);
  }

  @Test
  void anInlineObjectStaysInline() {
    String edited = set(FILE, List.of("eventLog", "retentionDays"), 30);

    assertEquals(
        FILE.replace("\"fsync\": false}", "\"fsync\": false, \"retentionDays\": 30}"), edited);
  }

  @Test
  void theSiblingsColonStyleAndTabsAreCopied() {
    String text = "{\n\t\"a\":1,\n\t\"b\" : {\n\t\t\"c\" : 2\n\t}\n}\n";

    assertEquals(
        "{\n\t\"a\":1,\n\t\"b\" : {\n\t\t\"c\" : 2,\n\t\t\"d\" : \"x\"\n\t}\n}\n",
        set(text, List.of("b", "d"), "x"));
    assertEquals(
        "{\n\t\"a\":1,\n\t\"b\" : {\n\t\t\"c\" : 2\n\t},\n\t\"e\" : {\n\t\t\"f\": true\n\t}\n}\n",
        set(text, List.of("e", "f"), true));
  }

  @Test
  void windowsLineEndingsAreKept() {
    String text = "{\r\n  \"a\": 1\r\n}\r\n";

    assertEquals(
        "{\r\n  \"a\": 1,\r\n  \"b\": {\r\n    \"c\": \"d\"\r\n  }\r\n}\r\n",
        set(text, List.of("b", "c"), "d"));
  }

  @Test
  void anEmptyObjectGetsItsFirstMemberOnALineOfItsOwn() {
    String text = "{\n  \"plugins\": {\n    \"settings\": {}\n  }\n}\n";

    String edited = set(text, List.of("plugins", "settings", "digest", "enabled"), true);

    assertEquals(
        "{\n  \"plugins\": {\n    \"settings\": {\n      \"digest\": {\n"
            + "        \"enabled\": true\n      }\n    }\n  }\n}\n",
        edited);
    assertEquals("{\n  \"a\": 1\n}\n", set("{}\n", List.of("a"), 1));
    assertEquals("{\"a\": 1}", set("{}", List.of("a"), 1));
  }

  @Test
  void listsAndMapsAreWrittenInTheFilesStyle() {
    String edited = set(FILE, List.of("plugins", "order"), List.of("digest", "basic"));
    assertEquals(FILE.replace("[\"anonymous\", \"digest\"]", "[\"digest\", \"basic\"]"), edited);

    String withMap = set("{\n  \"a\": 1\n}", List.of("a"), Map.of("k", "v"));
    assertEquals("{\n  \"a\": {\n    \"k\": \"v\"\n  }\n}", withMap);
  }

  @Test
  void removingAMemberTakesItsCommaAndLine() {
    List<String> properties = List.of("plugins", "settings", "digest", "properties");
    String withoutFirst = HostJsonText.remove(FILE, append(properties, "realm"));
    assertEquals(FILE.replace("\"realm\": \"AuthHost\",\n          ", ""), withoutFirst);

    String withoutLast = HostJsonText.remove(FILE, append(properties, "algorithms"));
    assertEquals(FILE.replace(",\n          \"algorithms\": \"SHA-256,MD5\"", ""), withoutLast);

    String withoutBoth = HostJsonText.remove(withoutLast, append(properties, "realm"));
    assertEquals(
        FILE.replace(
            "{\n          \"realm\": \"AuthHost\",\n          \"algorithms\": \"SHA-256,MD5\"\n"
                + "        }",
            "{}"),
        withoutBoth);

    String inline = HostJsonText.remove(FILE, List.of("eventLog", "maxBytes"));
    assertEquals(FILE.replace("\"maxBytes\": 268435456, ", ""), inline);
  }

  @Test
  void removingWhatIsNotThereChangesNothing() {
    assertEquals(FILE, HostJsonText.remove(FILE, List.of("plugins", "settings", "nope", "x")));
    assertEquals(FILE, HostJsonText.remove(FILE, List.of("serverName", "x")));
  }

  @Test
  void addThenRemoveGivesTheFileBack() {
    List<String> path = List.of("plugins", "settings", "digest", "properties", "extra");
    assertEquals(FILE, HostJsonText.remove(set(FILE, path, "v"), path));
  }

  @Test
  void unsupportedValuesAndEmptyPathsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> HostJsonText.toJson(new Object()));
    assertThrows(IllegalArgumentException.class, () -> set(FILE, List.of(), "x"));
    assertThrows(IllegalArgumentException.class, () -> set("[1]", List.of("a"), "x"));
  }

  private static List<String> append(List<String> path, String key) {
    return java.util.stream.Stream.concat(path.stream(), java.util.stream.Stream.of(key)).toList();
  }
}
