package org.authhost.host.console;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.http.content.TestTls;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;

/**
 * A real host with the console on, for the console's tests: the distribution's Basic and Digest
 * plug-ins, the administrator {@code root}, the read-only operator {@code olga} (group Operators)
 * and the plain user {@code bob}, each with password {@code pw-<name>}, made as an operator makes
 * them; a fake clock.
 */
final class ConsoleHost implements AutoCloseable {
  final MutableClock clock;
  final AuthHost host;
  final int port;

  private ConsoleHost(AuthHost host, int port, MutableClock clock) {
    this.host = host;
    this.port = port;
    this.clock = clock;
  }

  static ConsoleHost start(Path root) throws Exception {
    return start(root, "");
  }

  /** {@code consoleExtra}: more members of the "console" object, e.g. {@code "idleMinutes": 5,}. */
  static ConsoleHost start(Path root, String consoleExtra) throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String jar : List.of("authhost-plugin-basic.jar", "authhost-plugin-digest.jar")) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    Path config = Files.createDirectories(root.resolve("config"));
    if (consoleExtra.contains("console.p12")) {
      TestTls.writeKeyStore(config.resolve("console.p12"));
    }
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "order": ["digest", "basic"],
            "settings": {
              "digest": { "properties": { "algorithms": "SHA-256,MD5" } },
              "basic": { "properties": { "realm": "testhost" } } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "metrics": { "port": 0 },
          "security": { "lockout": { "threshold": 3, "addressThreshold": 100 } },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media",
              "acl": [ { "principal": "Users", "rights": ["read"] } ] }
          ],
          "console": { %s "port": 0, "operatorsGroup": "Operators" }
        }
        """
            .formatted(consoleExtra));
    cli("accounts", "groups", "add", "Operators", "--config", config.toString());
    add(config, "root", "Administrators");
    add(config, "olga", "Operators");
    add(config, "bob", null);
    MutableClock clock = new MutableClock();
    AuthHost host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    // Port 0: the listener picks a free port and says which; no probe-then-bind race.
    return new ConsoleHost(host, host.console().plainPort(), clock);
  }

  private static void add(Path config, String user, String group) {
    List<String> args =
        new ArrayList<>(
            List.of("accounts", "add", user, "--password-stdin", "--config", config.toString()));
    if (group != null) {
      args.add("--group");
      args.add(group);
    }
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(("pw-" + user + "\n").getBytes(StandardCharsets.UTF_8)));
      cli(args.toArray(String[]::new));
    } finally {
      System.setIn(stdin);
    }
  }

  private static void cli(String... args) {
    int rc = Main.commandLine().execute(args);
    if (rc != 0) {
      throw new IllegalStateException(String.join(" ", args) + " exited with " + rc);
    }
  }

  static String basic(String user) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":pw-" + user).getBytes(StandardCharsets.UTF_8));
  }

  /** One request on a new connection. */
  RawHttpConnection.Response call(String method, String path, String... headers)
      throws IOException {
    return send(method, path, null, headers);
  }

  /** One request with a JSON body on a new connection. */
  RawHttpConnection.Response send(String method, String path, String body, String... headers)
      throws IOException {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\n");
      for (String h : headers) {
        if (h != null) {
          head.append(h).append('\n');
        }
      }
      if (body != null) {
        head.append("Content-Type: application/json\n");
      }
      return c.send(head.toString(), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() throws Exception {
    host.stop();
  }
}
