package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.plugins.integrity.PluginIntegrity;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;

/**
 * A plug-in folder full of broken JARs next to a good one: each broken file becomes one ERROR event
 * that names the file and the fix, and the host runs with the good plug-in.
 */
class PluginDiscoveryTest extends HostTestBase {
  private static final String BASE = "org.authhost.testplugins.TestPlugin";

  @Test
  void everyBrokenJarIsAnEventNamingTheFileAndTheFixAndTheRestLoad() throws Exception {
    Path plugins = root.resolve("plugins");
    PluginJar.of("good", BASE).writeTo(plugins, "good.jar");
    PluginJar.of("nodescriptor", BASE).withoutDescriptor().writeTo(plugins, "no-descriptor.jar");
    PluginJar.of("dup", BASE).writeTo(plugins, "dup-1.jar");
    // The same version twice: which one the operator meant is a guess (of two versions, the newer
    // wins: PluginReloadTest).
    PluginJar.of("dup", BASE).writeTo(plugins, "dup-2.jar");
    PluginJar.of("future", BASE).with("api-version", "2.0").writeTo(plugins, "future.jar");
    PluginJar.of("newer", BASE).with("api-version", "1.9").writeTo(plugins, "newer.jar");
    PluginJar.of("typo", BASE).with("entrypoint", "x").writeTo(plugins, "typo.jar");
    PluginJar.of("noclass", "org.example.Missing").writeTo(plugins, "noclass.jar");
    Files.createDirectories(plugins);
    Files.write(plugins.resolve("corrupt.jar"), "this is not a zip file".getBytes());
    Files.writeString(plugins.resolve("README.txt"), "not a plug-in, not a jar: ignored");

    List<String> integrityLog;
    try (LogCapture integrity = LogCapture.of(PluginIntegrity.class.getName())) {
      startHost("\"settings\": { \"ghost\": { \"enabled\": true } }");
      integrityLog = integrity.events().stream().map(e -> e.getFormattedMessage()).toList();
    }
    // "admitted" only for a JAR that then opened: not for the file that is no JAR at all.
    assertTrue(
        integrityLog.stream().anyMatch(m -> m.contains("good.jar admitted: [integrity/off]")),
        integrityLog.toString());
    assertTrue(
        integrityLog.stream().noneMatch(m -> m.contains("corrupt.jar")), integrityLog.toString());

    assertEquals(LifeCycle.State.STARTED, host.state());
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED,
        host.plugins().plugin("good").orElseThrow().status());
    List<EventRecord> errors = host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR));
    assertEquals(9, errors.size(), errors.toString());
    errors.forEach(
        e -> {
          assertEquals(HostEvents.HOST, e.source());
          assertTrue(e.text().contains("Fix: "), e.text());
        });
    assertProblem(errors, "no-descriptor.jar", "plugin/missing-descriptor", HResult.E_BAD_FORMAT);
    assertProblem(errors, "dup-1.jar", "plugin/duplicate-id", HResult.E_DUP_NAME);
    assertProblem(errors, "dup-2.jar", "plugin/duplicate-id", HResult.E_DUP_NAME);
    assertProblem(errors, "future.jar", "plugin/incompatible-api", HResult.E_REVISION_MISMATCH);
    assertProblem(errors, "newer.jar", "plugin/incompatible-api", HResult.E_REVISION_MISMATCH);
    assertProblem(errors, "typo.jar", "plugin/bad-descriptor", HResult.E_BAD_FORMAT);
    assertProblem(
        errors, "noclass.jar", "plugin/bad-entry-point", HResult.NS_E_PLUGIN_CLSID_INVALID);
    assertProblem(errors, "corrupt.jar", "plugin/corrupt-jar", HResult.E_BAD_FORMAT);
    assertProblem(errors, "ghost.jar", "plugin/missing", HResult.E_FILE_NOT_FOUND);
    assertTrue(errors.stream().anyMatch(e -> e.text().contains("unknown key 'entrypoint'")));

    // Operators see the refused files as plug-ins in error, with the code and the fix.
    PluginView dup =
        host.plugins().plugins().stream()
            .filter(v -> v.id().equals("dup"))
            .findFirst()
            .orElseThrow();
    assertEquals(PluginStatus.ERROR, dup.status());
    assertEquals(HResult.E_DUP_NAME, dup.errorCode());
    assertEquals(9, host.troubleshooting().entriesFor(HostEvents.HOST).size());
    // Refused files are counted as such, not as plug-ins.
    assertEquals(new PluginCounts(1, 1, 9, 9), host.plugins().counts());
    assertTrue(
        host.eventLog().query(EventQuery.all()).stream()
            .anyMatch(
                e ->
                    e.text()
                            .startsWith(
                                "host ready: 1 plug-in(s) loaded (1 enabled), 9 file(s) refused (9"
                                    + " problem(s), see the events); listening: http http://127.0.0.1:")
                        && e.text().contains(", admin http://127.0.0.1:" + host.adminPort())),
        "the summary");
    assertEquals(
        List.of("good"),
        host.plugins().offeredAuthenticationPlugins().stream().map(PluginView::id).toList());
  }

  @Test
  void aMissingPluginFolderIsAnEventAndNotACrash() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    Files.delete(root.resolve("plugins"));
    host = AuthHost.create(TestHosts.load(config));
    host.start();

    assertEquals(LifeCycle.State.STARTED, host.state());
    List<EventRecord> errors = host.eventLog().query(EventQuery.all().withLevel(EventLevel.ERROR));
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).text().contains("[plugin/no-directory]"), errors.get(0).text());
    assertTrue(errors.get(0).text().contains(root.resolve("plugins").toString()));
  }

  private static void assertProblem(
      List<EventRecord> errors, String file, String id, HResult code) {
    List<EventRecord> matching =
        errors.stream()
            .filter(e -> e.text().contains("/" + file + ":") && e.text().contains("[" + id + "]"))
            .toList();
    assertEquals(1, matching.size(), file + " " + id + " in " + errors);
    assertEquals(code, matching.get(0).hresult());
  }
}
