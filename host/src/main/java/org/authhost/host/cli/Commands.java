package org.authhost.host.cli;

import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import org.authhost.host.admin.AdminClient.AdminException;
import org.authhost.host.config.ConfigException;
import org.authhost.host.lifecycle.OperatorException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The root of the {@code authhost} command line. */
@Command(
    name = "authhost",
    // Every command and subcommand inherits --help (and --version), now and when one is added.
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "AuthHost 0.1.0",
    description = "A host for WMS-style authentication plug-ins.",
    subcommands = {
      RunCommand.class,
      PluginsCommand.class,
      EventsCommand.class,
      TroubleshootingCommand.class,
      AccountsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Commands {
  private Commands() {}

  /**
   * The exception that explains a failure to an operator: Guice wraps what a service threw while it
   * was being created (an unwritable data folder, an event log locked by another host) in its own
   * exceptions, which say nothing an operator can act on.
   */
  static Throwable operatorCause(Throwable e) {
    Throwable t = e;
    while ((t instanceof ProvisionException
            || t instanceof CreationException
            || t instanceof InvocationTargetException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ProvisionException || t instanceof CreationException) {
      // Guice keeps the cause in its messages when there is exactly one.
      for (var message :
          t instanceof ProvisionException p
              ? p.getErrorMessages()
              : ((CreationException) t).getErrorMessages()) {
        if (message.getCause() != null) {
          return operatorCause(message.getCause());
        }
      }
    }
    return t;
  }

  /** A command line whose errors are one clear message, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Commands());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> explained(e, commandLine));
    return cli;
  }

  /**
   * Writes the one line that explains {@code e} to an operator and returns exit code 2; throws
   * {@code e} back when it is a bug, whose stack trace is the story. A command that must add a line
   * after the explanation ({@code run}, after a password it printed) calls it itself.
   */
  static int explained(Exception e, CommandLine commandLine) throws Exception {
    Throwable cause = operatorCause(e);
    if (cause instanceof OperatorException) {
      commandLine.getErr().println("error: " + cause.getMessage());
      return 2;
    }
    if (cause instanceof ConfigException || cause instanceof AdminException) {
      commandLine.getErr().println(cause.getMessage());
      return 2;
    }
    if (cause instanceof IllegalArgumentException
        || cause instanceof IllegalStateException
        || cause instanceof IOException
        || cause instanceof UncheckedIOException) {
      commandLine.getErr().println("error: " + cause.getMessage());
      return 2;
    }
    throw e;
  }
}
