package org.authhost.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.testing.BoundedProcess;
import org.authhost.host.testing.CliRun;
import org.authhost.host.testing.HostProcess;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code authhost run} as an operator meets it, in a process of its own with real plug-in JARs: how
 * a start ends (exit code, the one line of a configuration mistake, the ready line) and {@code
 * --port}.
 */
class RunCommandTest {
  private static final String VERSIONED = "org.authhost.testplugins.versioned.VersionedPlugin";
  private static final Duration BOUND = Duration.ofSeconds(120);

  @TempDir Path root;

  @Test
  void aMisspeltSettingOfAnEnabledPlugInEndsTheStartWithExitCode2AndTheOneConfigurationLine()
      throws Exception {
    assertStartRefused(
        "authhost-plugin-digest.jar",
        "\"digest\": { \"properties\": { \"algorithm\": \"MD5\" } }",
        "\"algorithm\"",
        ": [config/unknown-key] plugins.settings.digest.properties.algorithm: plug-in 'digest'"
            + " refused it in InitializePlugin: named value 'algorithm' is not a setting of this"
            + " plug-in; the settings are realm, algorithms, qop, userhash, legacy,"
            + " nonceLifetimeSeconds; fix plugins.settings.digest.properties.algorithm in host.json"
            + " (did you mean \"algorithms\"?)");
  }

  @Test
  void aRequiredSettingLeftOutOfAnEnabledPlugInEndsTheStartTheSameWayAtItsProperties()
      throws Exception {
    assertStartRefused(
        "authhost-plugin-negotiate.jar",
        "\"negotiate\": { \"enabled\": true, \"properties\": { } }",
        "{ }",
        ": [config/bad-value] plugins.settings.negotiate.properties.servicePrincipal: plug-in"
            + " 'negotiate' refused it in InitializePlugin: named value 'servicePrincipal' must be"
            + " service/host@REALM, e.g. HTTP/www.example.com@EXAMPLE.COM; fix"
            + " plugins.settings.negotiate.properties.servicePrincipal in host.json");
  }

  /**
   * Runs a host with {@code pluginJar} and {@code settings} as its {@code plugins.settings}: it
   * ends with exit code 2 and the one line {@code host.json:LINE:COL} (where {@code marker} is
   * written) followed by {@code problem}, without a stack trace or a ready line.
   */
  private void assertStartRefused(String pluginJar, String settings, String marker, String problem)
      throws Exception {
    Path config = TestHosts.configFolder(root, "\"settings\": { " + settings + " }");
    Files.copy(PluginJar.builtinPlugin(pluginJar), root.resolve("plugins").resolve(pluginJar));
    Path json = config.resolve("host.json");
    List<String> file = Files.readAllLines(json);
    int line = 0;
    while (!file.get(line).contains(marker)) {
      line++;
    }
    String place = json + ":" + (line + 1) + ":" + (file.get(line).indexOf(marker) + 1);

    BoundedProcess.Exit run = BoundedProcess.run(root, BOUND, TestHosts.hostCommand(config));

    assertEquals(2, run.status(), run.output());
    assertTrue(run.output().lines().anyMatch((place + problem)::equals), run.output());
    assertFalse(run.output().contains(" ready in "), run.output());
    assertFalse(run.output().contains("\tat "), "no stack trace: " + run.output());
  }

  /**
   * A first start that prints the Administrator's new password and then fails: the password is in
   * the store, no later start prints it, so this one ends saying that it stands and how to set
   * another. A failed start that printed none says nothing of it.
   */
  @Test
  void aStartThatFailsAfterPrintingTheNewPasswordEndsSayingThePasswordStands() throws Exception {
    Path config =
        TestHosts.configFolder(
            root, "\"settings\": { \"digest\": { \"properties\": { \"algorithm\": \"MD5\" } } }");
    String jar = "authhost-plugin-digest.jar";
    Files.copy(PluginJar.builtinPlugin(jar), root.resolve("plugins").resolve(jar));
    String shown = "Administrator had no password; it now has this one, shown only once: ";

    BoundedProcess.Exit first = BoundedProcess.run(root, BOUND, TestHosts.hostCommand(config));

    assertEquals(2, first.status(), first.output());
    List<String> lines = first.output().lines().toList();
    int printed = indexOf(lines, l -> l.startsWith(shown));
    int refused = indexOf(lines, l -> l.contains(": [config/unknown-key] "));
    int note = lines.indexOf(RunCommand.PASSWORD_STANDS);
    assertTrue(printed >= 0 && refused > printed && note > refused, first.output());

    BoundedProcess.Exit again = BoundedProcess.run(root, BOUND, TestHosts.hostCommand(config));

    assertEquals(2, again.status(), again.output());
    assertTrue(again.output().contains(": [config/unknown-key] "), again.output());
    assertFalse(again.output().contains(shown), "the password stands: " + again.output());
    assertFalse(again.output().contains(RunCommand.PASSWORD_STANDS), again.output());
  }

  private static int indexOf(List<String> lines, java.util.function.Predicate<String> match) {
    for (int i = 0; i < lines.size(); i++) {
      if (match.test(lines.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aPlugInThatFailsForAnotherReasonLeavesTheHostRunningAndTheReadyLineNamesIt()
      throws Exception {
    Path config = TestHosts.configFolder(root, "");
    // Its InitializePlugin fails (E_FAIL): a fault of the plug-in, not of host.json.
    PluginJar.of("versioned", VERSIONED)
        .with("version", "1.0.0-broken")
        .writeTo(root.resolve("plugins"), "versioned.jar");
    Files.writeString(root.resolve("plugins/junk.jar"), "not a JAR");

    try (HostProcess host = HostProcess.start("A", config)) {
      List<String> output = host.output();
      String ready = output.get(output.size() - 1);
      assertTrue(ready.contains(" ready in "), output.toString());
      assertTrue(
          ready.endsWith(
              ", http port "
                  + host.port()
                  + ", admin port "
                  + ready.replaceAll(".*admin port (\\d+)\\).*", "$1")
                  + "), 2 plug-ins in error: versioned, junk.jar (see events). Ctrl-C stops it."),
          ready);
    }
  }

  @Test
  void portMovesTheHttpListenerOffATakenPortAndTheReadyLineSaysWhere() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      TestHosts.http(config, "{ \"port\": " + taken.getLocalPort() + " }");

      try (HostProcess host = HostProcess.start("A", config, List.of("--port", "0"))) {
        assertNotEquals(taken.getLocalPort(), host.port());
        List<String> output = host.output();
        String ready = output.get(output.size() - 1);
        assertTrue(ready.contains(", http port " + host.port() + ", admin port "), ready);
        HttpResponse<String> answer =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + host.port() + "/nothing-here"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(404, answer.statusCode());
      }
    }
  }

  /** The port-in-use line names {@code --port}, which gave the port, not {@code http.port}. */
  @Test
  void aTakenPortGivenWithPortIsNamedAsPortInTheError() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<String> command = TestHosts.hostCommand(config);
      command.addAll(List.of("--port", String.valueOf(taken.getLocalPort())));

      BoundedProcess.Exit run = BoundedProcess.run(root, BOUND, command);

      assertEquals(2, run.status(), run.output());
      assertTrue(
          run.output()
              .lines()
              .anyMatch(
                  ("error: [host/port-in-use] port "
                          + taken.getLocalPort()
                          + " on 127.0.0.1 is already in use (--port on the command line). Fix:"
                          + " stop the program that holds the port, or set --port to a free port"
                          + " (0 picks one)")
                      ::equals),
          run.output());
      assertFalse(run.output().contains("http.port in"), run.output());
    }
  }

  private static CliRun cli(String... args) {
    return CliRun.of(args);
  }

  @Test
  void portOutOfRangeIsAUsageErrorBeforeAnythingStarts() throws Exception {
    Path config = TestHosts.configFolder(root, "");

    CliRun run = cli("run", "--config", config.toString(), "--port", "70000");

    assertEquals(2, run.code(), run.err());
    assertTrue(
        run.err()
            .startsWith(
                "--port: expected a port number from 0 to 65535 (0 picks a free one), found"
                    + " 70000"),
        run.err());
    assertFalse(Files.exists(root.resolve("var")), "nothing was started or written");
  }

  @Test
  void portCannotOpenPlainHttpWhereHostJsonKeepsItOff() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    Path json = TestHosts.http(config, "{ \"bindAddress\": \"0.0.0.0\", \"port\": -1 }");

    CliRun run = cli("run", "--config", config.toString(), "--port", "8081");

    assertEquals(2, run.code(), run.err());
    assertTrue(
        run.err()
            .startsWith(
                "--port 8081 would serve plain HTTP on 0.0.0.0, which sends Basic passwords in"
                    + " clear; set http.allowPlainHttp to true in "
                    + json
                    + ", or leave --port out"),
        run.err());
    assertFalse(Files.exists(root.resolve("var")), "nothing was started or written");
  }

  @Test
  void runHelpOffersPort() {
    CliRun help = cli("run", "--help");

    assertEquals(0, help.code());
    assertTrue(help.out().contains("--port=N"), help.out());
    assertTrue(help.out().contains("in place of http.port"), help.out());
  }
}
