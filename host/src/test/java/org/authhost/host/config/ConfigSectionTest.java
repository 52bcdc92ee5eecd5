package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The section cursor itself, on small made-up schemas. */
class ConfigSectionTest {
  private final Problems problems = new Problems(Path.of("/etc/authhost/host.json"));

  @Test
  void unknownKeyIsFoundWithItsFullPathAndLocation() {
    ConfigSection root =
        root(
            """
            {
              "outer": {
                "inner": { "known": 1, "extra": 2 }
              }
            }
            """);
    root.section(
        "outer", outer -> outer.section("inner", inner -> inner.whole("known", "n", 0, 9, 0)));
    root.finish();

    assertEquals(
        List.of(
            "/etc/authhost/host.json:3:28: [config/unknown-key] unknown key \"extra\" in \"outer.inner\";"
                + " expected one of: known"),
        rendered());
  }

  @Test
  void keysReadAreNotReportedAndTheOthersListTheReadOnesInReadingOrder() {
    ConfigSection root = root("{\"b\": 1, \"colour\": 2, \"a\": true, \"c\": \"x\"}");
    assertEquals(true, root.bool("a", false));
    assertEquals(1, root.whole("b", "n", 0, 9, 0));
    root.value("color");
    root.finish();

    assertEquals(
        List.of(
            "/etc/authhost/host.json:1:10: [config/unknown-key] unknown key \"colour\" at the top level;"
                + " expected one of: a, b, color (did you mean \"color\"?)",
            "/etc/authhost/host.json:1:34: [config/unknown-key] unknown key \"c\" at the top level; expected"
                + " one of: a, b, color"),
        rendered());
  }

  @Test
  void arrayElementsCarryTheirIndexIntoMessages() {
    ConfigSection root =
        root(
            """
            {"points": [
              {"port": 1, "prot": 2},
              {"port": "x"}
            ]}
            """);
    List<Long> ports =
        root.sections("points", "an array", point -> point.whole("port", "a port", 0, 9, 0L));
    root.finish();

    assertEquals(List.of(1L, 0L), ports);
    assertEquals(
        List.of(
            "/etc/authhost/host.json:2:15: [config/unknown-key] unknown key \"prot\" in \"points[0]\"; expected"
                + " one of: port (did you mean \"port\"?)",
            "/etc/authhost/host.json:3:12: [config/bad-value] points[1].port: expected a port from 0 to 9,"
                + " found \"x\""),
        rendered());
  }

  @Test
  void aSectionOfTheWrongTypeNamesTheKeysItsBinderReadsAndNothingMore() {
    ConfigSection root = root("{\"tls\": 5, \"list\": [7, {\"port\": 3}], \"off\": null}");
    String bound = root.section("tls", ConfigSectionTest::bindTls);
    List<String> list = root.sections("list", "an array", ConfigSectionTest::bindTls);
    String off = root.nullableSection("off", ConfigSectionTest::bindTls);
    root.finish();

    // The empty section it was bound as stands for the defaults; its missing keystore is not news.
    assertEquals("keystore=null port=8443", bound);
    assertEquals(List.of("keystore=null port=3"), list);
    assertEquals(null, off);
    assertEquals(
        List.of(
            "/etc/authhost/host.json:1:9: [config/bad-value] tls: expected an object with the keys keystore,"
                + " port, found 5",
            "/etc/authhost/host.json:1:21: [config/bad-value] list[0]: expected an object with the keys"
                + " keystore, port, found 7",
            "/etc/authhost/host.json:1:24: [config/bad-value] list[1]: missing required key \"keystore\";"
                + " expected a path"),
        rendered());
  }

  @Test
  void mapMembersAreAllReadButItsSiblingsAreStillChecked() {
    ConfigSection root = root("{\"props\": {\"any\": \"1\", \"thing\": \"2\"}, \"prop\": 3}");
    ConfigSection props = root.map("props", "an object");
    List<String> keys = props.members().stream().map(LocatedJson.Member::key).toList();
    props.finish();
    root.finish();

    assertEquals(List.of("any", "thing"), keys);
    assertEquals(
        List.of(
            "/etc/authhost/host.json:1:39: [config/unknown-key] unknown key \"prop\" at the top level; expected"
                + " one of: props (did you mean \"props\"?)"),
        rendered());
  }

  @Test
  void choicesAndPathsAreCheckedWhereTheyAre() {
    ConfigSection root =
        root("{\"s\": {\"type\": \"Allow\", \"dir\": \"${nope}\", \"file\": \"a/../b\"}}");
    List<Object> values =
        root.section(
            "s",
            s ->
                List.of(
                    String.valueOf(s.choice("type", List.of("allow", "deny"), "allow")),
                    s.filePath("dir", Path.of("/default")),
                    s.filePath("file", null)));

    assertEquals(List.of("null", Path.of("/default"), Path.of("/cfg/b")), values);
    assertEquals(
        List.of(
            "/etc/authhost/host.json:1:16: [config/bad-value] s.type: expected \"allow\" or \"deny\", found"
                + " \"Allow\"",
            "/etc/authhost/host.json:1:32: [config/bad-value] s.dir: unknown placeholder \"${nope}\"; expected"
                + " one of: ${config.dir}, found \"${nope}\""),
        rendered());
  }

  private static String bindTls(ConfigSection tls) {
    tls.required("keystore", "a path");
    return "keystore=" + tls.value("keystore") + " port=" + tls.whole("port", "n", 0, 9999, 8443);
  }

  private ConfigSection root(String json) {
    LocatedJson top = LocatedJsonReader.read(json.getBytes(StandardCharsets.UTF_8), problems);
    assertTrue(problems.isEmpty(), json);
    Placeholders placeholders = new Placeholders(Map.of(Placeholders.CONFIG_DIR, "/cfg"));
    return ConfigSection.root(
        (LocatedJson.Obj) top, problems, new ConfigPaths(Path.of("/cfg"), placeholders));
  }

  private List<String> rendered() {
    try {
      problems.throwIfAny();
      return List.of();
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::render).toList();
    }
  }
}
