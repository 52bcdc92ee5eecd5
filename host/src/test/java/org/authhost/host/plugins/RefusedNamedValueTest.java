package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.TroubleshootingEntry;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misspelt plug-in setting cannot stop the start (the host learns a plug-in's settings only from
 * the plug-in), but once the real digest plug-in refuses it, the operator is pointed at the line
 * and told the name it meant, as for a misspelt host setting.
 */
class RefusedNamedValueTest {
  @TempDir Path root;

  @Test
  void aMisspeltSettingIsNamedWithItsPlaceAndTheIntendedNameAndTheHostServesOn() throws Exception {
    AuthHost host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello\n",
            """
            {
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": { "digest": {
                "properties": {
                  "realm": "AuthHost",
                  "algoritms": "SHA-256" } } } },
              "http": { "port": 0 }
            }
            """,
            FakeTime.of(new MutableClock()));
    try {
      PluginView digest = host.plugins().plugin("digest").orElseThrow();
      assertTrue(digest.inError(), digest.statusText());
      assertEquals(HResult.E_INVALIDARG, digest.errorCode());
      String place = root.resolve("config/host.json") + ":6:7";
      assertTrue(
          digest.errorText().endsWith("; it is at " + place + ", did you mean \"algorithms\"?"),
          digest.errorText());
      List<String> events =
          host.troubleshooting().entries().stream()
              .map(TroubleshootingEntry::text)
              .filter(t -> t.contains("algoritms"))
              .toList();
      assertEquals(1, events.size(), host.troubleshooting().entries().toString());
      assertTrue(events.get(0).contains(place + ", did you mean \"algorithms\"?"), events.get(0));
      assertTrue(
          events.get(0).contains("fix plugins.settings.digest.properties.algoritms"),
          events.get(0));
      // The start went on: the host answers.
      try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", host.http().plainPort())) {
        assertEquals(404, c.get("/nothing-here", null).status());
      }
    } finally {
      host.stop();
    }
  }

  @Test
  void aValueTheConsoleSetOrAPlainPluginExceptionGetsNoPlace() {
    assertEquals(
        "",
        RefusedNamedValue.hint(
            new org.authhost.api.PluginException(HResult.E_INVALIDARG, "bad"),
            java.util.Map.of("realm", "/c/host.json:3:5")));
    assertEquals(
        "",
        RefusedNamedValue.hint(
            new org.authhost.api.NamedValueException("realm", List.of("realm"), "bad"),
            java.util.Map.of()));
    // A known name with a bad value: the place, no "did you mean".
    assertEquals(
        "; it is at /c/host.json:3:5",
        RefusedNamedValue.hint(
            new org.authhost.api.NamedValueException("realm", List.of("realm", "qop"), "bad"),
            java.util.Map.of("realm", "/c/host.json:3:5")));
  }
}
