package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every key of the shipped {@code config/host.json}, set to a new value and removed: the edited
 * text means exactly the original with that one change (compared as JSON trees), and every line
 * that does not hold the key is still there as it was.
 */
class HostJsonTextShippedFileTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void everyKeyCanBeSetAndRemovedAlone() throws Exception {
    String text = Files.readString(shippedFile());
    JsonNode original = MAPPER.readTree(text);
    List<List<String>> paths = new ArrayList<>();
    collect(original, new ArrayList<>(), paths);
    assertTrue(paths.size() > 50, "the shipped file has many keys: " + paths.size());

    for (List<String> path : paths) {
      String set = HostJsonText.set(text, path, TextNode.valueOf("changed"));
      JsonNode expectedSet = original.deepCopy();
      parentOf(expectedSet, path).set(last(path), TextNode.valueOf("changed"));
      assertEquals(expectedSet, MAPPER.readTree(set), "set " + path);

      String removed = HostJsonText.remove(text, path);
      JsonNode expectedRemoved = original.deepCopy();
      parentOf(expectedRemoved, path).remove(last(path));
      assertEquals(expectedRemoved, MAPPER.readTree(removed), "remove " + path);
      // One splice each: what the set wrote is the new value alone, and the removal only removed.
      assertTrue(changedRegion(text, set).length() <= "\"changed\"".length(), "set " + path);
      assertEquals("", changedRegion(text, removed), "remove " + path);
    }
  }

  @Test
  void newKeysEverywhereLoadAsTheLoaderExpects() throws Exception {
    String text = Files.readString(shippedFile());
    String edited =
        HostJsonText.set(
            text,
            List.of("plugins", "settings", "basic", "properties", "charset"),
            TextNode.valueOf("UTF-8"));
    edited =
        HostJsonText.set(
            edited,
            List.of("plugins", "settings", "extra", "enabled"),
            MAPPER.getNodeFactory().booleanNode(false));
    JsonNode tree = MAPPER.readTree(edited);
    assertEquals("UTF-8", tree.at("/plugins/settings/basic/properties/charset").asText());
    assertEquals(false, tree.at("/plugins/settings/extra/enabled").asBoolean(true));
    assertTrue(edited.contains("\n          \"charset\": \"UTF-8\"\n"), edited);
    assertTrue(
        edited.contains("\n      \"extra\": {\n        \"enabled\": false\n      }\n"), edited);
  }

  /** What {@code edited} has between the longest prefix and suffix it shares with the original. */
  private static String changedRegion(String original, String edited) {
    int shortest = Math.min(original.length(), edited.length());
    int prefix = 0;
    while (prefix < shortest && original.charAt(prefix) == edited.charAt(prefix)) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < shortest - prefix
        && original.charAt(original.length() - 1 - suffix)
            == edited.charAt(edited.length() - 1 - suffix)) {
      suffix++;
    }
    return edited.substring(prefix, edited.length() - suffix);
  }

  private static Path shippedFile() {
    Path inModule = Path.of("../config/host.json");
    return Files.exists(inModule) ? inModule : Path.of("config/host.json");
  }

  private static void collect(JsonNode node, List<String> prefix, List<List<String>> out) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      List<String> path = new ArrayList<>(prefix);
      path.add(field.getKey());
      out.add(List.copyOf(path));
      if (field.getValue().isObject()) {
        collect(field.getValue(), path, out);
      }
    }
  }

  private static ObjectNode parentOf(JsonNode root, List<String> path) {
    JsonNode node = root;
    for (String key : path.subList(0, path.size() - 1)) {
      node = node.get(key);
    }
    return (ObjectNode) node;
  }

  private static String last(List<String> path) {
    return path.get(path.size() - 1);
  }
}
