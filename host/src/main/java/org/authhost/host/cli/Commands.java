package org.authhost.host.cli;

import org.authhost.host.admin.AdminClient.AdminException;
import org.authhost.host.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the {@code authhost} command line. */
@Command(name = "authhost", mixinStandardHelpOptions = true, version = "AuthHost 0.1.0",
    description = "A host for WMS-style authentication plug-ins.",
    subcommands = {RunCommand.class, PluginsCommand.class, EventsCommand.class, TroubleshootingCommand.class,
        CommandLine.HelpCommand.class})
public final class Commands {
  private Commands() {}

  /** A command line whose errors are one clear message, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Commands());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException || e instanceof AdminException) {
        commandLine.getErr().println(e.getMessage());
        return 2;
      }
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        commandLine.getErr().println("error: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return cli;
  }
}
