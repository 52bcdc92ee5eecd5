package org.authhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The containment guard in a real host process started the way the {@code authhost} launcher starts
 * it, and what a host without it does.
 */
class ContainmentProcessTest {
  @TempDir Path root;

  private Process host;

  @AfterEach
  void kill() {
    if (host != null) {
      host.destroyForcibly();
    }
  }

  private String cli(String... args) {
    StringWriter out = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    cli.execute(args);
    return out.toString();
  }

  /** Starts the host; its output up to the "ready" line. */
  private List<String> start(List<String> command) throws Exception {
    host = new ProcessBuilder(command).redirectError(root.resolve("host.err").toFile()).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
      if (line.contains(" ready in ")) {
        return lines;
      }
    }
    throw new AssertionError(
        "the host ended (exit code "
            + host.waitFor()
            + ") before it was ready: "
            + lines
            + Files.readString(root.resolve("host.err")));
  }

  /** A host whose one plug-in calls System.exit(7) in EnablePlugin. */
  private Path exitingHost() throws Exception {
    Path config =
        TestHosts.configFolder(
            root,
            "\"settings\": { \"exiting\": { \"enabled\": true, \"properties\": { \"how\": \"enable\" } } }");
    PluginJar.of("exiting", "org.authhost.testplugins.exiting.ExitingPlugin")
        .writeTo(root.resolve("plugins"), "exiting.jar");
    return config;
  }

  @Test
  void theLaunchersAgentKeepsAHostProcessAliveWhenAPluginCallsSystemExit() throws Exception {
    // The launcher (the distribution's bin/authhost) names the agent JAR the build puts in the
    // distribution; this test uses that JAR.
    String launcher =
        Files.readString(
            Path.of(System.getProperty("authhost.test.launcher", "src/dist/bin/authhost")));
    assertTrue(
        launcher.contains("-javaagent:$DIST/lib/" + TestHosts.agentJar().getFileName()), launcher);
    assertTrue(Files.isRegularFile(TestHosts.agentJar()), TestHosts.agentJar().toString());
    Path config = exitingHost();
    String dir = config.toString();

    List<String> banner = start(TestHosts.hostCommand(config));

    assertTrue(
        banner.stream().anyMatch(l -> l.contains("exiting") && l.contains("0x80070005")),
        banner.toString());
    assertTrue(host.isAlive());
    String errors = cli("events", "--config", dir, "--level", "error");
    assertEquals(1, errors.lines().count(), errors);
    assertTrue(
        errors.contains("plug-in 'exiting'")
            && errors.contains(root.resolve("plugins/exiting.jar").toString())
            && errors.contains("Runtime.exit(7)"),
        errors);
    assertTrue(cli("events", "--config", dir, "--level", "warning").isBlank(), "no guard warning");
    String plugins = cli("plugins", "--config", dir);
    assertTrue(
        plugins.lines().anyMatch(l -> l.startsWith("exiting") && l.contains("ERROR")), plugins);

    host.destroy();
    assertTrue(host.waitFor(20, TimeUnit.SECONDS));
    assertTrue(cli("events", "--config", dir, "-n", "1").contains("host stopped"));
  }

  @Test
  void exitsWithNoPluginFrameAndASignalAreRefusedAndTheHostServesOn() throws Exception {
    Path config =
        TestHosts.configFolder(
            root,
            "\"settings\": { "
                + "\"exit-pool\": { \"enabled\": true, \"properties\": { \"how\": \"pool\" } },"
                + " \"exit-cleared\": { \"enabled\": true, \"properties\": { \"how\": \"cleared\" } },"
                + " \"signal\": { \"enabled\": true, \"properties\": { \"how\": \"signal\" } } }");
    for (String id : List.of("exit-pool", "exit-cleared", "signal")) {
      PluginJar.of("exiting", "org.authhost.testplugins.exiting.ExitingPlugin")
          .with("id", id)
          .writeTo(root.resolve("plugins"), id + ".jar");
    }

    // Each plug-in tries in EnablePlugin: a host that let one through would end before "ready".
    List<String> banner = start(TestHosts.hostCommand(config));

    assertTrue(host.isAlive(), banner.toString());
    String errors = cli("events", "--config", config.toString(), "--level", "error");
    assertTrue(
        errors.contains("Runtime.halt(10)") && errors.contains("plug-in 'exit-pool'"), errors);
    assertTrue(
        errors.contains("Runtime.halt(11)") && errors.contains("plug-in 'exit-cleared'"), errors);
    // No frame and no context loader of the plug-in's: the refusal names no one, the EnablePlugin
    // that threw it on fails.
    assertEquals(2, errors.lines().filter(l -> l.contains("from unknown code")).count(), errors);
    assertTrue(
        errors.contains("Signal.raise(SIGTERM)")
            && errors.contains(root.resolve("plugins/signal.jar").toString()),
        errors);
    String plugins = cli("plugins", "--config", config.toString());
    for (String id : List.of("exit-pool", "exit-cleared", "signal")) {
      assertTrue(plugins.lines().anyMatch(l -> l.startsWith(id) && l.contains("ERROR")), plugins);
    }
    assertTrue(host.isAlive());
  }

  @Test
  void startedWithoutTheLaunchersOptionTheHostAttachesTheGuardItself() throws Exception {
    Path config = exitingHost();
    List<String> command = new ArrayList<>(TestHosts.hostCommand(config));
    command.removeIf(a -> a.startsWith("-javaagent:"));

    List<String> banner = start(command);

    assertTrue(
        banner.stream().anyMatch(l -> l.contains("exiting") && l.contains("0x80070005")),
        banner.toString());
    assertTrue(host.isAlive());
    String errors = cli("events", "--config", config.toString(), "--level", "error");
    assertTrue(errors.contains("Runtime.exit(7)"), errors);
  }

  @Test
  void withoutTheAgentTheHostWarnsAndRunsUnguarded() throws Exception {
    Path config = TestHosts.configFolder(root, "");
    List<String> command = new ArrayList<>(TestHosts.hostCommand(config));
    // No -javaagent, and no attaching one later: the host cannot have the guard.
    command.removeIf(a -> a.startsWith("-javaagent:"));
    command.add(1, "-XX:+DisableAttachMechanism");

    start(command);

    assertTrue(host.isAlive());
    String warnings = cli("events", "--config", config.toString(), "--level", "warning");
    assertTrue(
        warnings.contains("the containment guard is off")
            && warnings.contains("authhost-host-agent.jar"),
        warnings);
    assertFalse(warnings.contains("\tat "), warnings);
  }
}
