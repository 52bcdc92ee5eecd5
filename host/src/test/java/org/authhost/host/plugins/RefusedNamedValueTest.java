package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.authhost.api.HResult;
import org.authhost.api.NamedValueException;
import org.authhost.api.PluginException;
import org.authhost.host.AuthHost;
import org.authhost.host.config.ConfigException;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.ConfigPlace;
import org.authhost.host.config.PropertyPlaces;
import org.authhost.host.diagnostics.TroubleshootingEntry;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misspelt or bad plug-in setting cannot be checked while host.json is read (the host learns a
 * plug-in's settings only from the plug-in), but once the real digest plug-in refuses it, the
 * operator is pointed at the line and told the name it meant, as for a misspelt host setting; for
 * an enabled plug-in at a start, it is a configuration problem like any other and the start fails.
 */
class RefusedNamedValueTest {
  private static final String SETTINGS =
      "realm, algorithms, qop, userhash, legacy, nonceLifetimeSeconds";

  @TempDir Path root;

  private static String hostJson(String digest) {
    return """
        {
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": { "digest": {
            %s
            "properties": {
              "realm": "AuthHost",
              "algoritms": "SHA-256" } } } },
          "http": { "port": 0 }
        }
        """
        .formatted(digest);
  }

  private AuthHost host(String json) throws Exception {
    Path config = TestHosts.servingConfig(root, "authhost-plugin-digest.jar", "hello\n", json);
    return AuthHost.create(ConfigLoader.load(config), FakeTime.of(new MutableClock()));
  }

  private String place() {
    return root.resolve("config/host.json") + ":7:7";
  }

  @Test
  void aMisspeltSettingOfAnEnabledPlugInFailsTheStartWithTheLineOfEveryConfigurationMistake()
      throws Exception {
    AuthHost host = host(hostJson(""));
    try {
      ConfigException e = assertThrows(ConfigException.class, host::start);
      assertEquals(
          place()
              + ": [config/unknown-key] plugins.settings.digest.properties.algoritms: plug-in"
              + " 'digest' refused it in InitializePlugin: named value 'algoritms' is not a"
              + " setting of this plug-in; the settings are "
              + SETTINGS
              + "; fix plugins.settings.digest.properties.algoritms in host.json"
              + " (did you mean \"algorithms\"?)",
          e.getMessage());
      assertFalse(host.isStarted());
      // The plug-in's own record is kept, as for any failed call.
      assertEquals(1, eventsNaming(host, "algoritms").size());
    } finally {
      host.stop();
    }
  }

  @Test
  void aBadValueOfAKnownSettingIsABadValueWithoutASuggestion() throws Exception {
    AuthHost host =
        host(hostJson("").replace("\"algoritms\": \"SHA-256\"", "\"algorithms\": \"SHA-1\""));
    try {
      ConfigException e = assertThrows(ConfigException.class, host::start);
      assertEquals(1, e.problems().size(), e.getMessage());
      assertEquals(
          place()
              + ": [config/bad-value] plugins.settings.digest.properties.algorithms: plug-in"
              + " 'digest' refused it in InitializePlugin: named value 'algorithms' has 'SHA-1';"
              + " use MD5, MD5-sess, SHA-256, SHA-256-sess, SHA-512-256, SHA-512-256-sess; fix"
              + " plugins.settings.digest.properties.algorithms in host.json",
          e.getMessage());
    } finally {
      host.stop();
    }
  }

  @Test
  void aRealmTheHostKeepsNoSecretsForFailsTheStartAtTheRealm() throws Exception {
    AuthHost host =
        host(
            hostJson("")
                .replace("\"realm\": \"AuthHost\"", "\"realm\": \"Elsewhere\"")
                .replace("\"algoritms\"", "\"algorithms\""));
    try {
      ConfigException e = assertThrows(ConfigException.class, host::start);
      assertTrue(
          e.getMessage()
              .startsWith(
                  root.resolve("config/host.json")
                      + ":6:7: [config/bad-value] plugins.settings.digest.properties.realm: plug-in"
                      + " 'digest' refused it in EnablePlugin: the host keeps no Digest secrets for"
                      + " realm 'Elsewhere' (SHA-256): add it to accounts.digestRealms"),
          e.getMessage());
    } finally {
      host.stop();
    }
  }

  @Test
  void aDisabledPlugInsMisspeltSettingIsNamedWithItsPlaceAndTheHostServesOn() throws Exception {
    AuthHost host = host(hostJson("\"enabled\": false,"));
    try {
      host.start();
      PluginView digest = host.plugins().plugin("digest").orElseThrow();
      assertTrue(digest.inError(), digest.statusText());
      assertEquals(HResult.E_INVALIDARG, digest.errorCode());
      assertTrue(
          digest.errorText().endsWith("; it is at " + place() + ", did you mean \"algorithms\"?"),
          digest.errorText());
      List<String> events = eventsNaming(host, "algoritms");
      assertEquals(1, events.size(), host.troubleshooting().entries().toString());
      assertTrue(events.get(0).contains(place() + ", did you mean \"algorithms\"?"), events.get(0));
      assertTrue(
          events.get(0).contains("fix plugins.settings.digest.properties.algoritms"),
          events.get(0));
      // Nothing offers it, so the start went on: the host answers.
      try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", host.http().plainPort())) {
        assertEquals(404, c.get("/nothing-here", null).status());
      }
    } finally {
      host.stop();
    }
  }

  private static List<String> eventsNaming(AuthHost host, String text) {
    return host.troubleshooting().entries().stream()
        .map(TroubleshootingEntry::text)
        .filter(t -> t.contains(text))
        .toList();
  }

  @Test
  void aValueTheConsoleSetOrAPlainPluginExceptionGetsNoPlace() {
    ConfigPlace realm = new ConfigPlace(Path.of("/c/host.json"), 3, 5, "p.realm");
    PropertyPlaces places =
        new PropertyPlaces(
            Map.of("realm", realm), new ConfigPlace(Path.of("/c/host.json"), 2, 19, "p"));
    assertNull(
        RefusedNamedValue.of(
            "x", "InitializePlugin", new PluginException(HResult.E_INVALIDARG, "bad"), places));
    assertNull(
        RefusedNamedValue.of(
            "x",
            "InitializePlugin",
            new NamedValueException("realm", List.of("realm"), "bad"),
            PropertyPlaces.NONE));
    // A known name with a bad value: the place, no "did you mean".
    RefusedNamedValue known =
        RefusedNamedValue.of(
            "x",
            "EnablePlugin",
            new NamedValueException("realm", List.of("realm", "qop"), "bad"),
            places);
    assertEquals("; it is at /c/host.json:3:5", known.hint());
    assertEquals(
        "/c/host.json:3:5: [config/bad-value] p.realm: plug-in 'x' refused it in EnablePlugin: bad",
        known.problem().render());
    // A known setting the file does not write: where it belongs.
    RefusedNamedValue missing =
        RefusedNamedValue.of(
            "x",
            "InitializePlugin",
            new NamedValueException("qop", List.of("realm", "qop"), "is not set"),
            places);
    assertEquals("; it belongs in /c/host.json:2:19", missing.hint());
    assertEquals(
        "/c/host.json:2:19: [config/bad-value] p.qop: plug-in 'x' refused it in InitializePlugin:"
            + " is not set",
        missing.problem().render());
    // A name neither written nor the plug-in's: nothing to point at.
    assertNull(
        RefusedNamedValue.of(
            "x",
            "InitializePlugin",
            new NamedValueException("other", List.of("realm", "qop"), "bad"),
            places));
  }

  /**
   * A setting missing, not misspelt (review Z1): Negotiate enabled without its servicePrincipal is
   * the same configuration problem, placed at the plug-in's entry, where the value belongs.
   */
  @Test
  void aRequiredSettingLeftOutOfAnEnabledPlugInFailsTheStartAtItsEntry() throws Exception {
    Path config =
        TestHosts.servingConfig(
            root,
            "authhost-plugin-negotiate.jar",
            "hello\n",
            """
            {
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": {
                "negotiate": { "enabled": true } } },
              "http": { "port": 0 }
            }
            """);
    AuthHost host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(new MutableClock()));
    try {
      ConfigException e = assertThrows(ConfigException.class, host::start);
      assertEquals(
          root.resolve("config/host.json")
              + ":4:18: [config/bad-value] plugins.settings.negotiate.properties.servicePrincipal:"
              + " plug-in 'negotiate' refused it in InitializePlugin: named value"
              + " 'servicePrincipal' must be service/host@REALM, e.g."
              + " HTTP/www.example.com@EXAMPLE.COM; fix"
              + " plugins.settings.negotiate.properties.servicePrincipal in host.json",
          e.getMessage());
    } finally {
      host.stop();
    }
  }
}
