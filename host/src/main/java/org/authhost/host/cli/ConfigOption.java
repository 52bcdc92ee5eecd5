package org.authhost.host.cli;

import java.nio.file.Path;
import org.authhost.host.config.ConfigException;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import picocli.CommandLine.Option;

/** The {@code --config DIR} option every command takes, and the one way the CLI loads it. */
final class ConfigOption {
  @Option(
      names = "--config",
      paramLabel = "DIR",
      description = "configuration folder holding host.json (default: ${DEFAULT-VALUE})",
      defaultValue = "${sys:authhost.defaultConfig:-config}")
  Path directory;

  HostConfig load() throws ConfigException {
    return ConfigLoader.load(directory.toAbsolutePath().normalize());
  }
}
