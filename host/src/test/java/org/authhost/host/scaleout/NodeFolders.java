package org.authhost.host.scaleout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.host.testing.PluginJar;

/**
 * The folders of one node of a scale-out test, as an operator lays them out on two machines: its
 * own configuration folder ({@code root/NAME/config}), data folder ({@code root/NAME/var}, with its
 * event log), plug-in folder and media; only the account file ({@code root/shared/accounts.json})
 * and, when given, the Redis are shared.
 */
final class NodeFolders {
  /** The realm of the Digest publishing point. */
  static final String REALM = "AuthHost";

  /** The one file every node serves. */
  static final String BODY = "hello, cluster\n";

  /** The file behind Digest. */
  static final String DIGEST_PATH = "/d/hello.txt";

  /** The same file behind Basic, whose passwords the host remembers for a while. */
  static final String BASIC_PATH = "/b/hello.txt";

  private NodeFolders() {}

  /** The account file every node uses. */
  static Path sharedAccounts(Path root) {
    return root.resolve("shared/accounts.json");
  }

  /**
   * Writes node {@code name}'s folders and returns its configuration folder.
   *
   * @param stateJson the {@code "state"} object's text, or null for the in-memory store
   */
  static Path write(Path root, String name, String stateJson) throws IOException {
    Path node = root.resolve(name);
    Files.createDirectories(node.resolve("media"));
    Files.writeString(node.resolve("media/hello.txt"), BODY);
    Path plugins = Files.createDirectories(node.resolve("plugins"));
    for (String jar : List.of("authhost-plugin-digest.jar", "authhost-plugin-basic.jar")) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    Files.createDirectories(sharedAccounts(root).getParent());
    Path config = Files.createDirectories(node.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "node-%s",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": { "digest": { "enabled": true, "properties": {
              "realm": "%s", "algorithms": "SHA-256,MD5" } },
              "basic": { "enabled": true, "properties": { "realm": "%s" } } }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "accounts": { "file": "%s", "digestRealms": ["%s"] },
          "security": { "lockout": { "threshold": 5, "addressThreshold": 1000 } },%s
          "publishingPoints": [
            { "name": "d", "prefix": "/d/", "directory": "../media", "plugins": ["digest"] },
            { "name": "b", "prefix": "/b/", "directory": "../media", "plugins": ["basic"] }
          ]
        }
        """
            .formatted(
                name,
                REALM,
                REALM,
                sharedAccounts(root),
                REALM,
                stateJson == null ? "" : "\n  \"state\": " + stateJson + ","));
    return config;
  }
}
