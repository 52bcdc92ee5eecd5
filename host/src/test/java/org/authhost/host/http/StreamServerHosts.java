package org.authhost.host.http;

import com.google.inject.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;

/**
 * A real host for the streaming servers' endpoints: the distribution's plug-in JARs, accounts made
 * as an operator makes them (alice, bob, carol, dave, each with password {@code pw-<name>}), and
 * the audit to look into.
 */
final class StreamServerHosts {
  private StreamServerHosts() {}

  static Path configFolder(Path root, String hostJson, List<String> pluginJars) throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String jar : pluginJars) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(config.resolve("host.json"), hostJson);
    for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
      TestHosts.addAccount(config, user, "pw-" + user);
    }
    return config;
  }

  /**
   * Starts a host on {@code clock}; each heartbeat an advance starts returns before time moves on
   * ({@link FakeTime#of}).
   */
  static AuthHost start(Path config, MutableClock clock) throws Exception {
    return start(config, FakeTime.of(clock));
  }

  static AuthHost start(Path config, Module overrides) throws Exception {
    AuthHost host = AuthHost.create(ConfigLoader.load(config), overrides);
    host.start();
    return host;
  }

  /** The audit records that contain every one of {@code parts}. */
  static List<String> audited(AuthHost host, String... parts) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .map(e -> e.text())
        .filter(t -> List.of(parts).stream().allMatch(t::contains))
        .toList();
  }
}
