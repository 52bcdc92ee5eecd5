package org.authhost.host;

import java.nio.file.Files;
import java.nio.file.Path;
import org.authhost.host.cli.Commands;
import picocli.CommandLine;

/** The {@code authhost} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    useOperatorLogbackConfig(args);
    System.exit(commandLine().execute(args));
  }

  /** The command line, for tests that run commands in-process. */
  public static CommandLine commandLine() {
    return Commands.commandLine();
  }

  /**
   * An operator's {@code logback.xml} in the configuration folder replaces the built-in one; this
   * must happen before the first logger exists.
   */
  private static void useOperatorLogbackConfig(String[] args) {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    String dir = System.getProperty("authhost.defaultConfig", "config");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        dir = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        dir = args[i].substring("--config=".length());
      }
    }
    Path file = Path.of(dir, "logback.xml");
    if (Files.isRegularFile(file)) {
      System.setProperty("logback.configurationFile", file.toAbsolutePath().toString());
    }
  }
}
