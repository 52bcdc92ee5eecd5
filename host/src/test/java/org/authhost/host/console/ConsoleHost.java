package org.authhost.host.console;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
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
 * them; a fake clock. The server's lists deny the client address 127.0.0.3.
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
    return start(root, consoleExtra, 100, false);
  }

  /**
   * @param addressThreshold failed logons from one client address before it is locked out
   * @param principal also the test plug-in {@code principal} (scheme X-Principal, bound to its
   *     connection, one leg "SUBJECT SECONDS GROUP...": a stand-in for NTLM/Negotiate that can log
   *     an administrator on), offered by the console after Digest and Basic; and {@code
   *     enableerror}, which logs an ERROR and fails unless its named value keyStore is present
   */
  static ConsoleHost start(Path root, String consoleExtra, int addressThreshold, boolean principal)
      throws Exception {
    return start(root, consoleExtra, addressThreshold, principal, null);
  }

  /**
   * {@link #start(Path, String, int, boolean)} with the test plug-in {@code gated} (scheme "Test",
   * any blob) too, offered by the console after the others, when {@code gatedProperties} (its
   * properties object, e.g. the {@code account} it logs on and its latches) is not null.
   */
  static ConsoleHost start(
      Path root,
      String consoleExtra,
      int addressThreshold,
      boolean principal,
      String gatedProperties)
      throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String jar : List.of("authhost-plugin-basic.jar", "authhost-plugin-digest.jar")) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    if (principal) {
      PluginJar.of("principal", "org.authhost.testplugins.principal.PrincipalPlugin")
          .with("capabilities", "principal-token")
          .writeTo(plugins, "principal.jar");
      PluginJar.of("enableerror", "org.authhost.testplugins.enableerror.EnableErrorPlugin")
          .writeTo(plugins, "enableerror.jar");
    }
    boolean gated = gatedProperties != null;
    if (gated) {
      PluginJar.of("gated", "org.authhost.testplugins.gated.GatedPlugin")
          .writeTo(plugins, "gated.jar");
    }
    List<String> offered = new ArrayList<>();
    if (principal) {
      offered.add("principal");
    }
    if (gated) {
      offered.add("gated");
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
          "plugins": { "directory": "../plugins", "order": ["digest", "basic"%s],
            "settings": {
              "digest": { "properties": { "algorithms": "SHA-256,MD5" } },
              "basic": { "properties": { "realm": "testhost" } }%s } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "metrics": { "port": 0 },
          "security": { "ipDeny": ["127.0.0.3"], "lockout": { "threshold": 3, "addressThreshold": %d } },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media",
              "acl": [ { "principal": "Users", "rights": ["read"] } ] }
          ],
          "console": { %s "port": 0, "operatorsGroup": "Operators"%s }
        }
        """
            .formatted(
                offered.stream().map(id -> ", \"" + id + "\"").collect(Collectors.joining()),
                (principal
                        ? ", \"enableerror\": { \"properties\": { \"keyStore\": \"present\" } }"
                        : "")
                    + (gated ? ", \"gated\": { \"properties\": " + gatedProperties + " }" : ""),
                addressThreshold,
                consoleExtra,
                offered.isEmpty()
                    ? ""
                    : ", \"plugins\": [\"digest\", \"basic\""
                        + offered.stream()
                            .map(id -> ", \"" + id + "\"")
                            .collect(Collectors.joining())
                        + "]"));
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

  /** Sets {@code user}'s password as an operator does, with the command line (another process). */
  void passwd(String user, String password) {
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
      cli(
          "accounts",
          "passwd",
          user,
          "--password-stdin",
          "--config",
          host.config().configDirectory().toString());
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

  /** How many audit events hold all of {@code parts}. */
  long audit(String... parts) {
    return host
        .eventLog()
        .query(org.authhost.host.events.EventQuery.all().withSource("audit"))
        .stream()
        .filter(e -> List.of(parts).stream().allMatch(e.text()::contains))
        .count();
  }

  @Override
  public void close() throws Exception {
    host.stop();
  }
}
