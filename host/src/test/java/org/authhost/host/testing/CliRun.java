package org.authhost.host.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.authhost.host.Main;

/**
 * One command of the command line run in-process, as an operator types it: its exit code and what
 * it printed on standard output and standard error.
 */
public record CliRun(int code, String out, String err) {
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }
}
