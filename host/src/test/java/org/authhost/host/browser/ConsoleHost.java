package org.authhost.host.browser;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.testing.PluginJar;

/**
 * A real host with the console on, for the browser tests: the distribution's Digest and Basic
 * plug-in JARs, a test plug-in that throws ({@code throwing}, offered at {@code /broken/}), the
 * publishing point {@code /d/} on the server's list (Digest, Basic), and accounts made with the
 * {@code accounts add} command as an operator would: {@code root} (Administrators), {@code alice}
 * and {@code dave} (Users).
 */
final class ConsoleHost {
  static final String ADMIN = "root";
  static final String ADMIN_PASSWORD = "pw-root";

  final AuthHost host;
  final Path config;

  private ConsoleHost(AuthHost host, Path config) {
    this.host = host;
    this.config = config;
  }

  static ConsoleHost start(Path root) throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String jar : List.of("authhost-plugin-digest.jar", "authhost-plugin-basic.jar")) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    PluginJar.of("throwing", "org.authhost.testplugins.throwing.ThrowingPlugin")
        .writeTo(plugins, "throwing.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    // "port": 0: the console listener picks a free port; consolePort() reads it.
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "order": ["digest", "basic", "throwing"],
            "settings": {
              "digest": {
                "enabled": true,
                "properties": {
                  "realm": "AuthHost",
                  "algorithms": "MD5"
                }
              },
              "basic": {
                "enabled": true,
                "properties": {
                  "realm": "AuthHost"
                }
              }
            }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "accounts": { "digestRealms": ["AuthHost"] },
          "security": {
            "lockout": { "threshold": 3, "addressThreshold": 1000, "windowSeconds": 300,
              "durationSeconds": 600 }
          },
          "publishingPoints": [
            { "name": "d", "prefix": "/d/", "directory": "../media" },
            { "name": "broken", "prefix": "/broken/", "directory": "../media",
              "plugins": ["throwing"] }
          ],
          "console": { "port": 0 }
        }
        """);
    addAccount(config, ADMIN, ADMIN_PASSWORD, "Administrators");
    addAccount(config, "alice", "pw-alice", null);
    addAccount(config, "dave", "pw-dave", null);
    AuthHost host = AuthHost.create(ConfigLoader.load(config));
    host.start();
    return new ConsoleHost(host, config);
  }

  int consolePort() {
    return host.console().plainPort();
  }

  int httpPort() {
    return host.http().plainPort();
  }

  /** The console's page with credentials in the URL, which Chromium answers a challenge with. */
  String consoleUrl(String hostName, String user, String password) {
    return "http://" + user + ":" + password + "@" + hostName + ":" + consolePort() + "/console/";
  }

  String consoleUrl(String hostName) {
    return "http://" + hostName + ":" + consolePort() + "/console/";
  }

  String hostJson() throws Exception {
    return Files.readString(config.resolve("host.json"));
  }

  void stop() throws Exception {
    host.stop();
  }

  /** {@code accounts add USER --password-stdin [--group GROUP]}, as an operator runs it. */
  static void addAccount(Path config, String user, String password, String group) {
    InputStream stdin = System.in;
    List<String> args =
        new ArrayList<>(
            List.of("accounts", "add", user, "--password-stdin", "--config", config.toString()));
    if (group != null) {
      args.addAll(List.of("--group", group));
    }
    try {
      System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
      int rc = Main.commandLine().execute(args.toArray(String[]::new));
      if (rc != 0) {
        throw new IllegalStateException("accounts add " + user + " exited with " + rc);
      }
    } finally {
      System.setIn(stdin);
    }
  }

  /** curl's status code for {@code args} (e.g. {@code --digest -u user:pw URL}). */
  static int curl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    return Integer.parseInt(out);
  }
}
