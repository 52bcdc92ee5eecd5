package org.authhost.host.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Files.writeString(config.resolve("host.json"), """
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
        """.formatted(extra));
    return config;
  }

  public static HostConfig load(Path configFolder) throws Exception {
    return ConfigLoader.load(configFolder);
  }
}
