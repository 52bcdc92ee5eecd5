package org.authhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers {@code --help} with its usage (a new user's first try). */
class CommandHelpTest {

  @Test
  void everyCommandAnswersHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(Main.commandLine(), List.of(), paths);
    assertTrue(paths.contains(List.of("events", "verify")), paths.toString());

    List<String> failures = new ArrayList<>();
    for (List<String> path : paths) {
      for (String help : List.of("--help", "-h")) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(path);
        args.add(help);
        int code = cli.execute(args.toArray(String[]::new));
        String usage = "Usage: authhost " + String.join(" ", path);
        if (code != 0 || !out.toString().startsWith(usage.strip())) {
          failures.add(String.join(" ", args) + " -> " + code + ": " + out + err);
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
    paths.add(path);
    command
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              // Aliases list a command twice; the help command takes a command name, not --help.
              if (!name.equals(sub.getCommandName()) || name.equals("help")) {
                return;
              }
              List<String> next = new ArrayList<>(path);
              next.add(name);
              collect(sub, next, paths);
            });
  }
}
