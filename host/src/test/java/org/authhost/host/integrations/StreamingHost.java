package org.authhost.host.integrations;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import picocli.CommandLine;

/**
 * A real host behind the streaming servers of a test: the distribution's plug-in JARs in its
 * plug-in folder, accounts made as an operator makes them, and its audit to read.
 */
final class StreamingHost {
  private final Path config;
  private final AuthHost host;

  private StreamingHost(Path config, AuthHost host) {
    this.config = config;
    this.host = host;
  }

  /**
   * Starts a host in {@code root} with {@code hostJson} ({@code root/config/host.json}), the
   * built-in plug-ins {@code pluginJars} and the accounts {@code accounts} (name, password pairs),
   * which exist before the host starts so that its ACLs can name them.
   */
  static StreamingHost start(
      Path root, String hostJson, List<String> pluginJars, String... accounts) throws Exception {
    return start(root, hostJson, pluginJars, List.of(), accounts);
  }

  /** {@link #start} with plug-in projects of this repository ({@code ../samples/api-key}) too. */
  static StreamingHost start(
      Path root,
      String hostJson,
      List<String> pluginJars,
      List<Path> pluginProjects,
      String... accounts)
      throws Exception {
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (Path project : pluginProjects) {
      PluginJar.ofProject(project).writeTo(plugins, project.getFileName() + ".jar");
    }
    for (String jar : pluginJars) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(config.resolve("host.json"), hostJson);
    for (int i = 0; i + 1 < accounts.length; i += 2) {
      TestHosts.addAccount(config, accounts[i], accounts[i + 1]);
    }
    AuthHost host = AuthHost.create(ConfigLoader.load(config));
    host.start();
    return new StreamingHost(config, host);
  }

  int port() {
    return host.http().plainPort();
  }

  /** {@code authhost accounts disable NAME}, as an operator types it while the host runs. */
  void disable(String account) {
    int rc =
        Main.commandLine().execute("accounts", "disable", account, "--config", config.toString());
    if (rc != 0) {
      throw new IllegalStateException("accounts disable " + account + " exited with " + rc);
    }
  }

  /** {@code authhost plugins disable ID}, through the running host's admin endpoint. */
  void disablePlugin(String id) {
    int rc = Main.commandLine().execute("plugins", "disable", id, "--config", config.toString());
    if (rc != 0) {
      throw new IllegalStateException("plugins disable " + id + " exited with " + rc);
    }
  }

  List<EventRecord> audit() {
    return host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT));
  }

  /** The audit events whose text holds every one of {@code parts}. */
  List<String> audited(String... parts) {
    Predicate<String> all = t -> List.of(parts).stream().allMatch(t::contains);
    return audit().stream().map(EventRecord::text).filter(all).toList();
  }

  /** Waits, at most {@code bound}, for an audit event holding every one of {@code parts}. */
  List<String> awaitAudited(Duration bound, String... parts) throws InterruptedException {
    return awaitMoreAudited(0, bound, parts);
  }

  /**
   * Waits, at most {@code bound}, until more than {@code before} audit events hold every one of
   * {@code parts}; returns them all (as many as there are at the bound).
   */
  List<String> awaitMoreAudited(int before, Duration bound, String... parts)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      List<String> found = audited(parts);
      if (found.size() > before || System.nanoTime() > deadline) {
        return found;
      }
      Thread.sleep(20); // a poll interval: the event is what is waited for
    }
  }

  AuthHost host() {
    return host;
  }

  void stop() throws Exception {
    host.stop();
    dumpAudit();
  }

  /**
   * With {@code AUTHHOST_DUMP_AUDIT=FILE} in the environment, appends what {@code authhost events
   * --source audit} shows for this host to FILE: the lines docs/integrations.md quotes come from a
   * test run, not from memory.
   */
  private void dumpAudit() throws Exception {
    String file = System.getenv("AUTHHOST_DUMP_AUDIT");
    if (file == null || file.isBlank()) {
      return;
    }
    StringWriter out = new StringWriter();
    CommandLine events = Main.commandLine();
    events.setOut(new PrintWriter(out));
    events.execute("events", "--source", "audit", "--config", config.toString());
    Files.writeString(
        Path.of(file), out.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
