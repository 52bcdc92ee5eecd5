package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.authhost.api.Capability;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  @TempDir Path dir;

  private String savedHome;

  @BeforeEach
  void saveHome() {
    savedHome = System.getProperty("authhost.home");
  }

  @AfterEach
  void restoreHome() {
    if (savedHome == null) {
      System.clearProperty("authhost.home");
    } else {
      System.setProperty("authhost.home", savedHome);
    }
  }

  // ---- Valid files ---------------------------------------------------------------------------

  @Test
  void emptyObjectGivesTheDefaults() throws Exception {
    System.setProperty("authhost.home", dir.resolve("home").toString());
    HostConfig config = load("{}");

    assertEquals(ConfigLoader.defaults(dir), config);
    Path root = dir.toAbsolutePath().normalize();
    assertEquals(root, config.configDirectory());
    assertFalse(config.serverName().isBlank());
    assertTrue(config.serverName().length() <= 63);
    assertEquals(root.getParent().resolve("var"), config.dataDirectory());

    PluginsConfig plugins = config.plugins();
    assertEquals(root.resolve("home/plugins"), plugins.directory());
    assertEquals(5000, plugins.callTimeoutMillis());
    assertEquals(10000, plugins.callbackTimeoutMillis());
    assertEquals(List.of(), plugins.order(), "no plug-in is required unless the file names it");
    assertEquals(Map.of(), plugins.settings());
    assertEquals(PluginSettings.DEFAULT, plugins.settingsOf("anonymous"));

    EventLogConfig eventLog = config.eventLog();
    assertEquals(root.getParent().resolve("var/events"), eventLog.directory());
    assertEquals(268435456L, eventLog.maxBytes());
    assertEquals(16777216L, eventLog.segmentBytes());
    assertEquals(90, eventLog.retentionDays());
    assertFalse(eventLog.fsync());
    assertEquals(1000, eventLog.troubleshootingLimit());
    assertFalse(eventLog.echoAudit(), "the console does not echo the audit unless asked");
    assertEquals(60, eventLog.auditSummarySeconds());

    assertEquals(new AdminConfig(0), config.admin());
    assertEquals(
        new IntegrityConfig(
            IntegrityConfig.Mode.OFF,
            root.resolve("plugins.lock"),
            root.resolve("plugins-trust.p12"),
            dir.resolve("home/lib/builtin-plugins.sha256").toAbsolutePath().normalize()),
        config.plugins().integrity());
  }

  @Test
  void fullFileRoundTrips() throws Exception {
    HostConfig config =
        load(
            """
            {
              "serverName": "media-01",
              "dataDirectory": "state",
              "plugins": {
                "directory": "/opt/authhost/plugins",
                "callTimeoutMillis": 2500,
                "callbackTimeoutMillis": 600000,
                "order": ["ntlm", "digest.v2", "anonymous"],
                "integrity": "signed",
                "settings": {
                  "anonymous": { "enabled": false, "properties": { "account": "Guest" } },
                  "digest.v2": { "properties": { "realm": "Media", "port": "8080" } },
                  "ntlm": { "enabled": true }
                }
              },
              "eventLog": {
                "directory": "logs/../events",
                "maxBytes": 1048576,
                "segmentBytes": 1048576,
                "retentionDays": 0,
                "fsync": true,
                "troubleshootingLimit": 100000,
                "echoAudit": true,
                "auditSummarySeconds": 0
              },
              "admin": { "port": 65535 }
            }
            """);

    Path root = dir.toAbsolutePath().normalize();
    HostConfig expected =
        HostConfig.builder()
            .configDirectory(root)
            .serverName("media-01")
            .dataDirectory(root.resolve("state"))
            .plugins(
                new PluginsConfig(
                    Path.of("/opt/authhost/plugins").toAbsolutePath(),
                    2500,
                    600000,
                    List.of("ntlm", "digest.v2", "anonymous"),
                    Map.of(
                        "anonymous", new PluginSettings(false, Map.of("account", "Guest")),
                        "digest.v2",
                            new PluginSettings(true, Map.of("realm", "Media", "port", "8080")),
                        "ntlm", new PluginSettings(true, Map.of())),
                    BulkheadSettings.DEFAULT,
                    false,
                    ReloadSettings.DEFAULT,
                    // The trust files sit in the configuration folder whatever the file says; the
                    // built-in list in the installation's lib/.
                    new IntegrityConfig(
                        IntegrityConfig.Mode.SIGNED,
                        root.resolve("plugins.lock"),
                        root.resolve("plugins-trust.p12"),
                        Path.of("").toAbsolutePath().resolve("lib/builtin-plugins.sha256"))))
            .eventLog(
                new EventLogConfig(
                    root.resolve("events"), 1048576, 1048576, 0, true, 100000, true, 0))
            .admin(new AdminConfig(65535))
            .http(config.http())
            .accounts(config.accounts())
            .security(config.security())
            .publishingPoints(config.publishingPoints())
            .build();
    assertEquals(expected, config);
    assertThrows(UnsupportedOperationException.class, () -> config.plugins().order().add("x"));
    assertThrows(
        UnsupportedOperationException.class,
        () -> config.plugins().settingsOf("anonymous").properties().put("x", "y"));
  }

  @Test
  void toBuilderCarriesEverySectionAndChangesOnlyWhatItIsTold() throws Exception {
    HostConfig config =
        load(
            """
            { "serverName": "media-02", "rtsp": { "port": 0 }, "console": { "port": 8088 },
              "metrics": { "port": 9464 }, "state": { "maxEntries": 5000 },
              "publishingPoints": [ { "name": "vod", "prefix": "/vod/", "directory": "media" } ] }
            """);
    assertEquals(config, config.toBuilder().build(), "no section is dropped on the way");
    HostConfig noRtsp = config.toBuilder().rtsp(null).build();
    assertEquals(RtspConfig.OFF, noRtsp.rtsp(), "an unset section is off, as left out of a file");
    assertEquals(config.console(), noRtsp.console());
    assertEquals(config.state(), noRtsp.state());
    assertEquals(config.publishingPoints(), noRtsp.publishingPoints());
  }

  @Test
  void eachLoadBindsAFreshValueThatALaterLoadDoesNotTouch() throws Exception {
    // A running host will re-bind its file and swap the result in whole: nothing may carry over.
    String disabled = "{\"plugins\": {\"settings\": {\"basic\": {\"enabled\": false}}}}";
    HostConfig first = load(disabled);
    HostConfig second =
        load("{\"plugins\": {\"settings\": {\"basic\": {\"properties\": {\"realm\": \"R\"}}}}}");

    assertEquals(new PluginSettings(false, Map.of()), first.plugins().settingsOf("basic"));
    assertEquals(
        new PluginSettings(true, Map.of("realm", "R")), second.plugins().settingsOf("basic"));
    assertEquals(first, load(disabled));
  }

  @Test
  void wholeNumbersMayBeWrittenWithAnExponent() throws Exception {
    HostConfig config = load("{\"eventLog\": {\"maxBytes\": 2e6, \"segmentBytes\": 1.0E5}}");
    assertEquals(2_000_000L, config.eventLog().maxBytes());
    assertEquals(100_000L, config.eventLog().segmentBytes());
  }

  @Test
  void byteOrderMarkIsIgnoredAndColumnsCountCharacters() throws Exception {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] body = "{\"serverName\": \"Médiá\", \"x\": 1}".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[bom.length + body.length];
    System.arraycopy(bom, 0, bytes, 0, bom.length);
    System.arraycopy(body, 0, bytes, bom.length, body.length);
    Files.write(dir.resolve("host.json"), bytes);

    ConfigProblem problem =
        single(assertThrows(ConfigException.class, () -> ConfigLoader.load(dir)));
    assertEquals(1, problem.line());
    assertEquals(25, problem.column()); // characters, not bytes, and not counting the BOM
  }

  @Test
  void theShippedDevelopmentConfigurationLoads() throws Exception {
    Path configDir = Path.of(System.getProperty("user.dir")).resolve("../config").normalize();
    System.setProperty("authhost.home", "/srv/authhost");

    HostConfig config = ConfigLoader.load(configDir);

    assertEquals("authhost", config.serverName());
    assertEquals(configDir.getParent().resolve("var").toAbsolutePath(), config.dataDirectory());
    assertEquals(Path.of("/srv/authhost/plugins").toAbsolutePath(), config.plugins().directory());
    assertEquals(
        List.of("anonymous", "negotiate", "digest", "ntlm", "basic"), config.plugins().order());
    // Negotiate ships off: it cannot work before the operator has a keytab.
    assertEquals(false, config.plugins().settingsOf("negotiate").enabled());
    assertEquals(true, config.plugins().settingsOf("ntlm").enabled());
    // The anonymous plug-in names no account of its own: it maps clients to accounts.guestAccount.
    assertEquals(
        new PluginSettings(
            true, Map.of(), null, null, null, Set.of(Capability.TOKEN_WITHOUT_CREDENTIAL)),
        config.plugins().settingsOf("anonymous"));
    assertEquals("Guest", config.accounts().guestAccount());
    assertEquals(
        new PluginSettings(
            true, Map.of("realm", "AuthHost"), null, null, null, Set.of(Capability.PASSWORD_CHECK)),
        config.plugins().settingsOf("basic"));
    // The built-in plug-ins hold only what the file grants them.
    assertEquals(true, config.plugins().requireGrants());
    assertEquals(
        Set.of(Capability.NT_HASH, Capability.TOKEN_WITHOUT_CREDENTIAL),
        config.plugins().settingsOf("ntlm").capabilities());
    // Apart from what the file names on purpose, it matches the built-in defaults.
    HostConfig defaults = ConfigLoader.defaults(configDir);
    assertEquals(defaults.eventLog(), config.eventLog());
    assertEquals(defaults.admin(), config.admin());
    assertEquals(defaults.dataDirectory(), config.dataDirectory());
  }

  // ---- Placeholders and paths ----------------------------------------------------------------

  @Test
  void placeholdersExpandAndRelativePathsResolveAgainstTheConfigFolder() throws Exception {
    System.setProperty("authhost.home", "/srv/authhost");
    HostConfig config =
        load(
            """
            {
              "dataDirectory": "${config.dir}/../data",
              "plugins": { "directory": "${authhost.home}/extra/../plugins" },
              "eventLog": { "directory": "./log" }
            }
            """);
    Path root = dir.toAbsolutePath().normalize();
    assertEquals(root.getParent().resolve("data"), config.dataDirectory());
    assertEquals(Path.of("/srv/authhost/plugins").toAbsolutePath(), config.plugins().directory());
    assertEquals(root.resolve("log"), config.eventLog().directory());
  }

  @Test
  void authhostHomeDefaultsToTheWorkingFolder() throws Exception {
    System.clearProperty("authhost.home");
    HostConfig config = load("{\"plugins\": {\"directory\": \"${authhost.home}\"}}");
    assertEquals(Path.of("").toAbsolutePath().normalize(), config.plugins().directory());
  }

  @Test
  void unknownAndUnterminatedPlaceholdersAreProblems() {
    ConfigException e =
        failure(
            """
            {
              "dataDirectory": "${data.dir}/x",
              "plugins": { "directory": "${authhost.home/plugins" }
            }
            """);
    assertEquals(2, e.problems().size());
    assertProblem(
        e.problems().get(0),
        2,
        20,
        ConfigProblem.BAD_VALUE,
        "dataDirectory: unknown placeholder \"${data.dir}\"; expected one of: ${authhost.home},"
            + " ${config.dir}, found \"${data.dir}/x\"");
    assertProblem(
        e.problems().get(1),
        3,
        29,
        ConfigProblem.BAD_VALUE,
        "plugins.directory: unterminated placeholder \"${authhost.home/plugins\"; expected one of:"
            + " ${authhost.home}, ${config.dir}, found \"${authhost.home/plugins\"");
  }

  @Test
  void emptyPathIsRefused() {
    ConfigProblem problem = single(failure("{\"dataDirectory\": \"\"}"));
    assertEquals(
        hostJson()
            + ":1:19: [config/bad-value] dataDirectory: expected a non-empty path (relative"
            + " paths resolve against the configuration folder), found \"\"",
        problem.render());
  }

  // ---- Unknown keys --------------------------------------------------------------------------

  @Test
  void unknownTopLevelKeyNamesItsPlaceAndTheAllowedKeys() {
    ConfigException e =
        failure(
            """
            {
              "serverName": "x",
              "foo": 1
            }
            """);
    assertEquals(
        hostJson()
            + ":3:3: [config/unknown-key] unknown key \"foo\" at the top level; expected one"
            + " of: serverName, dataDirectory, plugins, eventLog, admin, http, accounts, security,"
            + " publishingPoints, integrations, rtsp, state, console, metrics",
        e.getMessage());
    assertProblem(single(e), 3, 3, ConfigProblem.UNKNOWN_KEY, null);
    assertEquals(dir.toAbsolutePath().normalize().resolve("host.json"), single(e).file());
  }

  @Test
  void unknownNestedKeyNamesItsPathAndTheAllowedKeys() {
    ConfigException e =
        failure(
            """
            {
              "plugins": {
                "callTimeoutMillis": 100,
                "foo": true
              }
            }
            """);
    assertEquals(
        hostJson()
            + ":4:5: [config/unknown-key] unknown key \"foo\" in \"plugins\"; expected one of:"
            + " directory, callTimeoutMillis, callbackTimeoutMillis, order, workers, queue, maxLeakedThreads, requireGrants, settings, watch, rescanSeconds, drainSeconds, unloadCheckSeconds, integrity",
        e.getMessage());
  }

  @Test
  void misspelledKeyGetsASuggestion() {
    ConfigProblem problem =
        single(
            failure(
                """
                {"plugins": {"settings": {"anonymous": {
                  "enable": false
                }}}}
                """));
    assertProblem(
        problem,
        2,
        3,
        ConfigProblem.UNKNOWN_KEY,
        "unknown key \"enable\" in \"plugins.settings.anonymous\"; expected one of: enabled,"
            + " properties, workers, queue, maxLeakedThreads, capabilities, urlCredentials (did you"
            + " mean \"enabled\"?)");
  }

  // ---- Wrong types and values ----------------------------------------------------------------

  @Test
  void wrongTypeSaysWhatWasFoundAndWhatWasExpected() {
    ConfigProblem problem = single(failure("{\n  \"eventLog\": { \"maxBytes\": \"big\" }\n}"));
    assertProblem(
        problem,
        2,
        29,
        ConfigProblem.BAD_VALUE,
        "eventLog.maxBytes: expected a whole number of bytes >= 1048576, found \"big\"");
  }

  @Test
  void wrongTypesOfSectionsAndScalars() {
    ConfigException e =
        failure(
            """
            {
              "serverName": 42,
              "plugins": [],
              "eventLog": { "fsync": "yes", "retentionDays": 1.5 },
              "admin": { "port": null }
            }
            """);
    List<String> messages = e.problems().stream().map(ConfigProblem::message).toList();
    assertEquals(
        List.of(
            "serverName: expected a non-blank name of at most 63 characters, found 42",
            "plugins: expected an object with the keys directory, callTimeoutMillis,"
                + " callbackTimeoutMillis, order, workers, queue, maxLeakedThreads, requireGrants, settings, watch, rescanSeconds, drainSeconds, unloadCheckSeconds, integrity, found an array",
            "eventLog.fsync: expected true or false, found \"yes\"",
            "eventLog.retentionDays: expected a whole number of days (0 keeps events until"
                + " maxBytes is reached) >= 0, found 1.5",
            "admin.port: expected a port number (0 picks a free one) from 0 to 65535, found null"
                + " (leave the key out to use the default)"),
        messages);
  }

  @Test
  void sectionsOfTheWrongTypeListEveryKeyTheyTake() {
    // Each section's keys are whatever its binder reads: a key read only on some path would
    // be missing here, and refused as unknown where it is valid.
    ConfigException e = failure("{\"eventLog\": 1, \"admin\": [], \"security\": true}");
    assertEquals(
        List.of(
            "eventLog: expected an object with the keys directory, maxBytes, segmentBytes,"
                + " retentionDays, fsync, troubleshootingLimit, echoAudit, auditSummarySeconds,"
                + " found 1",
            "admin: expected an object with the keys port, found an array",
            "security: expected an object with the keys ipAllow, ipDeny, trustedProxies, lockout, slowChecks, found true"),
        e.problems().stream().map(ConfigProblem::message).toList());
  }

  @Test
  void eachPluginHasTheDefaultBulkheadUnlessItsSettingsSayOtherwise() throws Exception {
    HostConfig config =
        load(
            """
            {"plugins": {
              "workers": 3, "queue": 50, "maxLeakedThreads": 4,
              "settings": {
                "basic": { "workers": 8 },
                "digest": { "queue": 0, "maxLeakedThreads": 0 }
              }
            }}
            """);

    assertEquals(new BulkheadSettings(3, 50, 4), config.plugins().bulkheadOf("anonymous"));
    assertEquals(new BulkheadSettings(8, 50, 4), config.plugins().bulkheadOf("basic"));
    assertEquals(new BulkheadSettings(3, 0, 0), config.plugins().bulkheadOf("digest"));
    assertEquals(
        BulkheadSettings.DEFAULT, load("{}").plugins().bulkheadOf("anonymous"), "the defaults");
    assertTrue(BulkheadSettings.DEFAULT.workers() >= 2);
    assertEquals(1024, BulkheadSettings.DEFAULT.queue(), "c256 from one address waits, not 503");
  }

  @Test
  void bulkheadValuesOutOfRangeAreNamedWithTheirPlace() {
    ConfigException e =
        failure(
            """
            {"plugins": {
              "workers": 0,
              "settings": { "basic": { "queue": -1, "maxLeakedThreads": "many" } }
            }}
            """);
    assertEquals(3, e.problems().size(), e.getMessage());
    assertProblem(
        e.problems().get(0),
        2,
        14,
        ConfigProblem.BAD_VALUE,
        "plugins.workers: expected a whole number of threads from 1 to 1024, found 0");
    assertProblem(
        e.problems().get(1),
        3,
        37,
        ConfigProblem.BAD_VALUE,
        "plugins.settings.basic.queue: expected a whole number from 0 to 100000, found -1");
    assertProblem(
        e.problems().get(2),
        3,
        61,
        ConfigProblem.BAD_VALUE,
        "plugins.settings.basic.maxLeakedThreads: expected a whole number from 0 to 1024, found"
            + " \"many\"");
  }

  @Test
  void outOfRangeValuesAreRefused() {
    ConfigException e =
        failure(
            """
            {
              "serverName": "%s",
              "plugins": { "callTimeoutMillis": 0, "callbackTimeoutMillis": 600001 },
              "eventLog": { "maxBytes": 1e30, "troubleshootingLimit": 100001 },
              "admin": { "port": 65536 }
            }
            """
                .formatted("x".repeat(64)));
    List<String> messages = e.problems().stream().map(ConfigProblem::message).toList();
    assertEquals(
        List.of(
            "serverName: expected a non-blank name of at most 63 characters, found a name of 64"
                + " characters",
            "plugins.callTimeoutMillis: expected a whole number of milliseconds from 1 to 600000,"
                + " found 0",
            "plugins.callbackTimeoutMillis: expected a whole number of milliseconds from 1 to"
                + " 600000, found 600001",
            "eventLog.maxBytes: expected a whole number of bytes >= 1048576 and <="
                + " 9223372036854775807, found 1e30",
            "eventLog.troubleshootingLimit: expected a whole number of entries from 1 to 100000,"
                + " found 100001",
            "admin.port: expected a port number (0 picks a free one) from 0 to 65535, found"
                + " 65536"),
        messages);
    assertTrue(e.problems().stream().allMatch(p -> p.id().equals(ConfigProblem.BAD_VALUE)));
  }

  @Test
  void theStateStoreBoundIsReadWithItsDefaultAndCheckedWithItsPlace() throws Exception {
    assertEquals(StateConfig.DEFAULT_MAX_ENTRIES, load("{}").state().maxEntries());
    assertEquals(250_000, load("{\"state\": {\"maxEntries\": 250000}}").state().maxEntries());
    assertProblem(
        single(failure("{\"state\": {\"maxEntries\": 10}}")),
        1,
        26,
        ConfigProblem.BAD_VALUE,
        "state.maxEntries: expected a whole number of entries from 100 to 100000000, found 10");
    assertProblem(
        single(failure("{\"state\": {\"maxEntrys\": 1000}}")),
        1,
        12,
        ConfigProblem.UNKNOWN_KEY,
        null);
  }

  @Test
  void segmentLargerThanTheLogIsRefused() {
    assertProblem(
        single(failure("{\"eventLog\": {\"maxBytes\": 2097152, \"segmentBytes\": 4194304}}")),
        1,
        52,
        ConfigProblem.BAD_VALUE,
        "eventLog.segmentBytes: expected a whole number of bytes from 65536 to eventLog.maxBytes"
            + " (2097152), found 4194304");
    // With only maxBytes set, the default segment size is what collides: say so.
    assertProblem(
        single(failure("{\"eventLog\": {\"maxBytes\": 2097152}}")),
        1,
        27,
        ConfigProblem.BAD_VALUE,
        "eventLog.maxBytes: expected at least the default eventLog.segmentBytes (16777216),"
            + " found 2097152; raise it or set eventLog.segmentBytes to at most 2097152");
  }

  @Test
  void propertyValueThatIsANumberGetsAHintToQuoteIt() {
    ConfigException e =
        failure(
            """
            {
              "plugins": {
                "settings": {
                  "anonymous": { "properties": { "port": 8080, "guest": true, "list": [] } }
                }
              }
            }
            """);
    assertEquals(
        hostJson()
            + ":4:46: [config/bad-value] plugins.settings.anonymous.properties.port: expected"
            + " a string, found 8080; property values are always strings, so quote it: \"8080\"\n"
            + hostJson()
            + ":4:61: [config/bad-value] plugins.settings.anonymous.properties.guest:"
            + " expected a string, found true; property values are always strings, so quote it:"
            + " \"true\"\n"
            + hostJson()
            + ":4:75: [config/bad-value] plugins.settings.anonymous.properties.list:"
            + " expected a string, found an array",
        e.getMessage());
  }

  @Test
  void pluginIdsAreChecked() {
    ConfigException e =
        failure(
            """
            {"plugins": {
              "order": ["anonymous", "Digest", 7, "anonymous"],
              "settings": { "My Plugin": {}, "ok.one": { "enabled": "no" } }
            }}
            """);
    List<String> rendered = e.problems().stream().map(ConfigProblem::render).toList();
    String id =
        "a plug-in id (a lowercase letter or digit, then up to 63 lowercase letters, digits, '.',"
            + " '_' or '-')";
    assertEquals(
        List.of(
            hostJson()
                + ":2:26: [config/bad-value] plugins.order[1]: expected "
                + id
                + ", found \"Digest\"",
            hostJson() + ":2:36: [config/bad-value] plugins.order[2]: expected " + id + ", found 7",
            hostJson()
                + ":2:39: [config/bad-value] plugins.order[3]: duplicate plug-in id"
                + " \"anonymous\", already listed at plugins.order[0]; expected each id at most"
                + " once",
            hostJson()
                + ":3:17: [config/bad-value] plugins.settings: key \"My Plugin\" is not a"
                + " plug-in id; expected "
                + id,
            hostJson()
                + ":3:57: [config/bad-value] plugins.settings[\"ok.one\"].enabled: expected"
                + " true or false, found \"no\""),
        rendered);
  }

  @Test
  void urlCredentialParametersAreCheckedWithFileLineAndColumn() throws Exception {
    ConfigException e =
        failure(
            """
            {"plugins": { "settings": {
              "bearer": { "urlCredentials": ["access_token", "a b", "access_token"] }
            }}}
            """);
    List<String> rendered = e.problems().stream().map(ConfigProblem::render).toList();
    assertEquals(2, rendered.size(), rendered.toString());
    assertTrue(
        rendered
            .get(0)
            .startsWith(
                hostJson()
                    + ":2:50: [config/bad-value]"
                    + " plugins.settings.bearer.urlCredentials[1]: expected a query parameter name"),
        rendered.toString());
    assertTrue(
        rendered.get(1).contains("duplicate parameter \"access_token\""), rendered.toString());
  }

  @Test
  void capabilityGrantsAreCheckedWithFileLineAndColumn() {
    ConfigException e =
        failure(
            """
            {"plugins": { "requireGrants": "yes", "settings": {
              "ntlm": { "capabilities": ["nt-hash", "NT-Hash", "nt-hash", 3] },
              "basic": { "capabilities": "password-check" }
            }}}
            """);
    List<String> rendered = e.problems().stream().map(ConfigProblem::render).toList();
    String names = "password-check, digest-ha1, nt-hash, token-without-credential, principal-token";
    assertEquals(
        List.of(
            hostJson()
                + ":1:32: [config/bad-value] plugins.requireGrants: expected true or false,"
                + " found \"yes\"",
            hostJson()
                + ":2:41: [config/bad-value] plugins.settings.ntlm.capabilities[1]: expected"
                + " one of "
                + names
                + ", found \"NT-Hash\"",
            hostJson()
                + ":2:52: [config/bad-value] plugins.settings.ntlm.capabilities[2]: duplicate"
                + " capability \"nt-hash\"; expected each capability at most once",
            hostJson()
                + ":2:63: [config/bad-value] plugins.settings.ntlm.capabilities[3]: expected"
                + " one of "
                + names
                + ", found 3",
            hostJson()
                + ":3:30: [config/bad-value] plugins.settings.basic.capabilities: expected an"
                + " array of capability names ("
                + names
                + "), found \"password-check\""),
        rendered);
  }

  @Test
  void aPluginWithoutACapabilitiesSettingHasNoGrantListed() throws Exception {
    HostConfig config =
        load(
            """
            {"plugins": { "settings": { "basic": { "capabilities": [] }, "ntlm": {} } }}
            """);
    assertEquals(false, config.plugins().requireGrants());
    assertEquals(Set.of(), config.plugins().settingsOf("basic").capabilities());
    assertEquals(null, config.plugins().settingsOf("ntlm").capabilities());
    assertEquals(null, config.plugins().settingsOf("digest").capabilities());
  }

  @Test
  void topLevelMustBeAnObject() {
    assertProblem(
        single(failure("[1, 2]")),
        1,
        1,
        ConfigProblem.BAD_VALUE,
        "expected a JSON object at the top level (an empty {} gives all defaults), found an"
            + " array");
  }

  // ---- Syntax --------------------------------------------------------------------------------

  @Test
  void duplicateKeyIsRefusedWithBothPlaces() {
    ConfigException e =
        failure(
            """
            {
              "admin": { "port": 1 },
              "admin": { "port": 2 }
            }
            """);
    assertEquals(
        hostJson()
            + ":3:3: [config/duplicate-key] duplicate key \"admin\" at the top level; it is"
            + " already set at 2:3, and each key may appear only once",
        e.getMessage());
  }

  @Test
  void syntaxErrorHasLineAndColumn() {
    ConfigProblem problem =
        single(
            failure(
                """
                {
                  "serverName": "x"
                  "dataDirectory": "y"
                }
                """));
    // The comma belongs at the end of line 2, not where Jackson stopped (the key on line 3).
    assertProblem(
        problem,
        2,
        20,
        ConfigProblem.SYNTAX,
        "invalid JSON: a missing comma between two entries of an object (add ',' here, before the"
            + " one at 3:3)");
    assertProblem(
        single(failure("{\"plugins\": {\"order\": [\"a\" \"b\"]}}")),
        1,
        27,
        ConfigProblem.SYNTAX,
        "invalid JSON: a missing comma between two elements of an array (add ',' here, before the"
            + " one at 1:28)");
  }

  @Test
  void aTrailingCommaIsNamedAtTheComma() {
    assertProblem(
        single(
            failure(
                """
                {
                  "serverName": "x",
                  "admin": { "port": 1, }
                }
                """)),
        3,
        23,
        ConfigProblem.SYNTAX,
        "invalid JSON: a trailing comma before '}' (remove it)");
    // The operator's case: the comma at the end of the last entry, the brace on the next line.
    assertProblem(
        single(failure("{\n  \"serverName\": \"x\",\n}\n")),
        2,
        20,
        ConfigProblem.SYNTAX,
        "invalid JSON: a trailing comma before '}' (remove it)");
    assertProblem(
        single(failure("{\"plugins\": {\"order\": [\"a\",\n  ]}}")),
        1,
        27,
        ConfigProblem.SYNTAX,
        "invalid JSON: a trailing comma before ']' (remove it)");
    assertProblem(
        single(failure("{\"serverName\": \"x\",, \"admin\": {}}")),
        1,
        20,
        ConfigProblem.SYNTAX,
        "invalid JSON: a second comma (remove it)");
  }

  @Test
  void anUnquotedKeyIsNamedWithItsFix() {
    assertProblem(
        single(failure("{\n  serverName: \"x\"\n}")),
        2,
        3,
        ConfigProblem.SYNTAX,
        "invalid JSON: the key serverName is not in double quotes (write \"serverName\")");
    assertProblem(
        single(failure("{'serverName': \"x\"}")),
        1,
        2,
        ConfigProblem.SYNTAX,
        "invalid JSON: a key in single quotes (JSON keys take double quotes: \"key\")");
  }

  @Test
  void commentsAreRefusedInPlainWords() {
    assertProblem(
        single(failure("{\n  // the admin port\n  \"admin\": {}\n}")),
        2,
        3,
        ConfigProblem.SYNTAX,
        "invalid JSON: comments are not allowed; expected plain JSON without // or /* */");
  }

  @Test
  void unexpectedEndOfFileNamesWhereTheOpenValueStarted() {
    ConfigProblem problem = single(failure("{\n  \"plugins\": {\n    \"order\": [\"a\""));
    assertEquals(ConfigProblem.SYNTAX, problem.id());
    assertEquals(3, problem.line());
    assertTrue(problem.message().contains("line 3, column 14"), problem.message());
    assertFalse(problem.message().contains("Source"), problem.message());
  }

  /** Slips Jackson named in its own words, and the place and plain words an operator gets. */
  static Stream<Arguments> syntaxSlips() {
    return Stream.of(
        // The operator's slip in trial 6 (F7): Jackson named it "Illegal unquoted character".
        Arguments.of(
            "an unclosed string",
            "{\n  \"serverName\": \"authhost,\n  \"dataDirectory\": \"y\"\n}\n",
            2,
            27,
            "invalid JSON: a string is not closed before the end of the line (a missing '\"'?)"),
        Arguments.of(
            "the end of the file inside a string",
            "{\"serverName\": \"x",
            1,
            18,
            "invalid JSON: the file ends inside a string (a missing '\"'?)"),
        Arguments.of(
            "a tab inside a string",
            "{\"serverName\": \"a\tb\"}",
            1,
            18,
            "invalid JSON: a tab inside a string (write it as \\t)"),
        Arguments.of(
            "a missing colon",
            "{\"serverName\" \"x\"}",
            1,
            14,
            "invalid JSON: a missing ':' after the key (add ':' here; found '\"' at 1:15)"),
        Arguments.of(
            "an object not closed",
            "{\n  \"admin\": {\n    \"port\": 1\n  }\n",
            5,
            1,
            "invalid JSON: the file ends before the object opened at line 1, column 1 is closed (a"
                + " missing '}'?)"),
        Arguments.of(
            "an array not closed",
            "{\n  \"plugins\": {\n    \"order\": [\"a\"",
            3,
            18,
            "invalid JSON: the file ends before the array opened at line 3, column 14 is closed (a"
                + " missing ']'?)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("syntaxSlips")
  void aSyntaxSlipIsNamedInPlainWordsWithItsFileAndPlace(
      String slip, String json, int line, int column, String message) {
    ConfigProblem problem = single(failure(json));
    assertEquals(hostJson(), problem.file().toString());
    assertProblem(problem, line, column, ConfigProblem.SYNTAX, message);
  }

  @Test
  void trailingContentIsRefusedAndTheObjectStillChecked() {
    ConfigException e = failure("{\"foo\": 1}\n{}");
    assertEquals(
        hostJson()
            + ":1:2: [config/unknown-key] unknown key \"foo\" at the top level; expected one"
            + " of: serverName, dataDirectory, plugins, eventLog, admin, http, accounts, security,"
            + " publishingPoints, integrations, rtsp, state, console, metrics\n"
            + hostJson()
            + ":2:1: [config/syntax] unexpected content after the end of the top-level"
            + " value; expected the end of the file",
        e.getMessage());
    assertProblem(single(failure("{} garbage")), 1, 4, ConfigProblem.SYNTAX, null);
  }

  @Test
  void emptyFileAndNonUtf8AreSyntaxProblems() throws IOException {
    assertProblem(
        single(failure("  \n")),
        1,
        1,
        ConfigProblem.SYNTAX,
        "the file is empty; expected a JSON object (an empty {} gives all defaults)");

    Files.write(dir.resolve("host.json"), new byte[] {'{', '\n', '"', (byte) 0xFF, '"'});
    ConfigProblem problem =
        single(assertThrows(ConfigException.class, () -> ConfigLoader.load(dir)));
    assertProblem(
        problem,
        2,
        2,
        ConfigProblem.SYNTAX,
        "the file is not valid UTF-8 (bad byte at offset 3); expected a UTF-8 text file");
  }

  // ---- Several problems, missing file ---------------------------------------------------------

  @Test
  void severalProblemsAreCollectedInFileOrder() {
    ConfigException e =
        failure(
            """
            {
              "admin": { "port": -1 },
              "plugins": { "order": "anonymous", "colour": "red" },
              "eventLog": { "fsync": 1 },
              "eventLog": {},
              "extra": null
            }
            """);
    List<String> where =
        e.problems().stream().map(p -> p.line() + ":" + p.column() + " " + p.id()).toList();
    assertEquals(
        List.of(
            "2:22 config/bad-value",
            "3:25 config/bad-value",
            "3:38 config/unknown-key",
            "4:26 config/bad-value",
            "5:3 config/duplicate-key",
            "6:3 config/unknown-key"),
        where);
    assertEquals(6, e.getMessage().lines().count());
  }

  @Test
  void missingFileNamesTheExpectedPath() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir));
    ConfigProblem problem = single(e);
    Path expected = dir.toAbsolutePath().normalize().resolve("host.json");
    assertEquals(expected, problem.file());
    assertFalse(problem.hasPosition());
    assertEquals(
        hostJson()
            + ": [config/missing-file] configuration file "
            + expected
            + " does not exist; expected a JSON file there (an empty {} gives all defaults)",
        e.getMessage());
  }

  @Test
  void missingFolderIsAMissingFile() {
    ConfigProblem problem =
        single(assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope"))));
    assertEquals(ConfigProblem.MISSING_FILE, problem.id());
    assertTrue(problem.message().contains(dir.resolve("nope").toString()), problem.message());
  }

  @Test
  void exceptionNeedsAProblem() {
    assertThrows(IllegalArgumentException.class, () -> new ConfigException(List.of()));
  }

  // ---- Helpers -------------------------------------------------------------------------------

  private HostConfig load(String json) throws IOException, ConfigException {
    Files.writeString(dir.resolve("host.json"), json);
    return ConfigLoader.load(dir);
  }

  private ConfigException failure(String json) {
    return assertThrows(ConfigException.class, () -> load(json));
  }

  private static ConfigProblem single(ConfigException e) {
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  /** Checks a problem's place and id, and its message unless {@code message} is null. */
  private static void assertProblem(
      ConfigProblem problem, int line, int column, String id, String message) {
    assertEquals(
        line + ":" + column + " " + id,
        problem.line() + ":" + problem.column() + " " + problem.id(),
        problem.render());
    if (message != null) {
      assertEquals(message, problem.message());
    }
  }

  /** The configuration file's path as problems name it. */
  private String hostJson() {
    return dir.toAbsolutePath().normalize().resolve("host.json").toString();
  }
}
