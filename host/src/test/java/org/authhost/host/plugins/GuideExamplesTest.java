package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.authhost.host.kit.Rule;
import org.junit.jupiter.api.Test;

/**
 * The plug-in authors' guide shows its worked example, {@code samples/api-key}, file by file: a
 * fenced block whose info string names a file ({@code ```java samples/api-key/...}) must be that
 * file exactly, and every file of the sample must be shown, so the guide cannot drift from the code
 * that CI builds and a host serves ({@link SamplePluginServingTest}).
 */
class GuideExamplesTest {
  private static final Path PROJECT = Path.of("..");
  private static final Path GUIDE = PROJECT.resolve("docs/plugin-authors.md");
  private static final Path SAMPLE = PROJECT.resolve("samples/api-key");
  private static final Pattern OPENING = Pattern.compile("^```(\\S*)(?:\\s+(\\S+))?\\s*$");
  private static final Pattern RULE_ID = Pattern.compile("KIT-[A-Z]+(?:-[A-Z]+)*");

  @Test
  void everyBlockLabelledWithASampleFileIsThatFile() throws IOException {
    Map<String, String> shown = labelledBlocks(Files.readString(GUIDE, StandardCharsets.UTF_8));
    assertFalse(shown.isEmpty(), "the guide labels no block with a sample file");
    for (Map.Entry<String, String> block : shown.entrySet()) {
      Path file = PROJECT.resolve(block.getKey());
      assertTrue(
          Files.isRegularFile(file), "the guide shows " + block.getKey() + ", which is gone");
      assertEquals(
          Files.readString(file, StandardCharsets.UTF_8),
          block.getValue(),
          "docs/plugin-authors.md shows "
              + block.getKey()
              + " as it no longer is: copy the file into the guide again");
    }
  }

  @Test
  void everyFileOfTheSampleIsShown() throws IOException {
    Set<String> shown = labelledBlocks(Files.readString(GUIDE, StandardCharsets.UTF_8)).keySet();
    Set<String> files;
    try (Stream<Path> walk = Files.walk(SAMPLE.resolve("src"))) {
      files =
          Stream.concat(walk.filter(Files::isRegularFile), Stream.of(SAMPLE.resolve("pom.xml")))
              .map(p -> PROJECT.relativize(p).toString().replace('\\', '/'))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> missing = new TreeSet<>(files);
    missing.removeAll(shown);
    assertTrue(missing.isEmpty(), "the guide does not show " + missing);
  }

  @Test
  void theGuideNamesEveryRuleOfTheKit() throws IOException {
    String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
    Set<String> named = new TreeSet<>();
    Matcher m = RULE_ID.matcher(guide);
    while (m.find()) {
      named.add(m.group());
    }
    Set<String> missing =
        Arrays.stream(Rule.values()).map(Rule::id).collect(Collectors.toCollection(TreeSet::new));
    missing.removeAll(named);
    assertTrue(missing.isEmpty(), "docs/plugin-authors.md does not explain the kit's " + missing);
  }

  @Test
  void aLabelledBlockIsReadWholeAndAnUnlabelledOneIsLeftAlone() {
    String text =
        String.join(
            "\n",
            "# t",
            "```java samples/x/A.java",
            "class A {}",
            "",
            "```",
            "```",
            "not labelled",
            "```",
            "```xml samples/x/pom.xml",
            "<project/>",
            "```",
            "");
    Map<String, String> blocks = labelledBlocks(text);
    assertEquals(
        List.of("samples/x/A.java", "samples/x/pom.xml"), new ArrayList<>(blocks.keySet()));
    assertEquals("class A {}\n\n", blocks.get("samples/x/A.java"));
    assertEquals("<project/>\n", blocks.get("samples/x/pom.xml"));
  }

  /** Each fenced block whose info string has a second word, by that word: its text, lines ended. */
  static Map<String, String> labelledBlocks(String markdown) {
    Map<String, String> blocks = new LinkedHashMap<>();
    String label = null;
    StringBuilder body = null;
    for (String line : markdown.split("\n", -1)) {
      if (body == null) {
        Matcher opening = OPENING.matcher(line);
        if (opening.matches()) {
          label = opening.group(2);
          body = new StringBuilder();
        }
      } else if (line.equals("```")) {
        if (label != null) {
          blocks.put(label, body.toString());
        }
        label = null;
        body = null;
      } else {
        body.append(line).append('\n');
      }
    }
    return blocks;
  }
}
