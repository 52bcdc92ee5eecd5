package org.authhost.host.testing;

import com.google.inject.Module;
import com.google.inject.util.Modules;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.admin.AdminEndpointFile;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;

/** Writes a configuration folder for a test host: its own plug-ins, data and event log. */
public final class TestHosts {
  private TestHosts() {}

  /**
   * A {@code host.json} in {@code root/config} whose plug-in folder is {@code root/plugins} and
   * data folder {@code root/var}, with short time limits; {@code pluginsJson} is the text of the
   * "plugins" object's extra members (e.g. {@code "settings": {...}}), or empty.
   */
  public static Path configFolder(Path root, String pluginsJson) throws IOException {
    Path config = root.resolve("config");
    Files.createDirectories(config);
    Files.createDirectories(root.resolve("plugins"));
    String extra = pluginsJson == null || pluginsJson.isBlank() ? "" : ",\n    " + pluginsJson;
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "callTimeoutMillis": 500,
            "callbackTimeoutMillis": 500%s
          },
          "eventLog": { "maxBytes": 16777216, "segmentBytes": 1048576 },
          "http": { "port": 0 }
        }
        """
            .formatted(extra));
    return config;
  }

  /**
   * Gives the {@link #configFolder} in {@code config} its own {@code "http"} section, {@code
   * httpJson} (e.g. {@code { "port": 8081 }}), in place of a free port on loopback.
   */
  public static Path http(Path config, String httpJson) throws IOException {
    Path json = config.resolve("host.json");
    return Files.writeString(
        json, Files.readString(json).replace("\"http\": { \"port\": 0 }", "\"http\": " + httpJson));
  }

  /**
   * The command that starts a real host process for {@code config} as the {@code authhost} launcher
   * does: with the containment agent ({@code -javaagent}), the tests' class path and run folder,
   * and {@code jvmOptions} before the main class.
   */
  public static List<String> hostCommand(Path config, String... jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-javaagent:" + agentJar());
    command.addAll(List.of(jvmOptions));
    command.add(
        "-D" + AdminEndpointFile.RUN_DIRECTORY_PROPERTY + "=" + AdminEndpointFile.runDirectory());
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "org.authhost.host.Main",
            "run",
            "--config",
            config.toString()));
    return command;
  }

  /** {@code lib/authhost-host-agent.jar} of the distribution the build made. */
  public static Path agentJar() {
    return Path.of(
        System.getProperty("authhost.test.agent", "target/authhost/lib/authhost-host-agent.jar"));
  }

  public static HostConfig load(Path configFolder) throws Exception {
    return ConfigLoader.load(configFolder);
  }

  /**
   * {@code accounts add USER --password-stdin --config DIR}, as an operator would run it, so the
   * account carries every secret the store derives (Argon2id, HA1, NT hash).
   */
  public static void addAccount(Path configFolder, String user, String password) {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)));
      int rc =
          Main.commandLine()
              .execute(
                  "accounts", "add", user, "--password-stdin", "--config", configFolder.toString());
      if (rc != 0) {
        throw new IllegalStateException("accounts add " + user + " exited with " + rc);
      }
    } finally {
      System.setIn(stdin);
    }
  }

  /**
   * A started host for an end-to-end test of one built-in plug-in: {@code root/media/hello.txt}
   * holding {@code body}, the distribution's {@code pluginJar} (e.g. {@code
   * authhost-plugin-ntlm.jar}) alone in {@code root/plugins}, {@code hostJson} as the
   * configuration, and the account {@code alice} with password {@code pw-alice}, made as an
   * operator would.
   */
  public static AuthHost startServing(Path root, String pluginJar, String body, String hostJson)
      throws Exception {
    return startServing(root, pluginJar, body, hostJson, Modules.EMPTY_MODULE);
  }

  /** {@link #startServing(Path, String, String, String)} with bindings replaced (a fake clock). */
  public static AuthHost startServing(
      Path root, String pluginJar, String body, String hostJson, Module overrides)
      throws Exception {
    AuthHost host =
        AuthHost.create(
            ConfigLoader.load(servingConfig(root, pluginJar, body, hostJson)), overrides);
    host.start();
    return host;
  }

  /**
   * The configuration folder of {@link #startServing(Path, String, String, String)}, made but not
   * started: for a test of the start itself.
   */
  public static Path servingConfig(Path root, String pluginJar, String body, String hostJson)
      throws IOException {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), body);
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(PluginJar.builtinPlugin(pluginJar), plugins.resolve(pluginJar));
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(config.resolve("host.json"), hostJson);
    addAccount(config, "alice", "pw-alice");
    return config;
  }
}
