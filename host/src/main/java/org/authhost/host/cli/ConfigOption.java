package org.authhost.host.cli;

import java.nio.file.Path;
import org.authhost.host.config.ConfigException;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --config DIR} option every command takes, and the one way the CLI loads it. */
final class ConfigOption {
  @Option(
      names = "--config",
      paramLabel = "DIR",
      description = "configuration folder holding host.json (default: ${DEFAULT-VALUE})",
      defaultValue = "${sys:authhost.defaultConfig:-config}")
  Path directory;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  HostConfig load() throws ConfigException {
    return ConfigLoader.load(directory().toAbsolutePath().normalize());
  }

  /**
   * The folder given closest to the command that runs: {@code accounts --config DIR add bob} names
   * it on the parent, and each command has an option of its own, so without this walk the
   * subcommand would quietly work on the default folder's store.
   */
  Path directory() {
    for (CommandSpec c = command; c != null; c = c.parent()) {
      OptionSpec given = c.findOption("--config");
      if (given != null && !given.originalStringValues().isEmpty()) {
        return given.getValue();
      }
    }
    return directory;
  }
}
