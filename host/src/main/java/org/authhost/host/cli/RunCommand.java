package org.authhost.host.cli;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.authhost.host.AuthHost;
import org.authhost.host.Listener;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.HttpConfig;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.plugins.PluginView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    description = "Start the host and run until interrupted (Ctrl-C or SIGTERM).")
final class RunCommand implements Callable<Integer> {
  /** The last line of a start that failed after printing the Administrator's new password. */
  static final String PASSWORD_STANDS =
      "note: the Administrator password printed above stands (it was set before the start"
          + " failed, and no later start prints it); 'authhost accounts passwd Administrator' sets"
          + " another";

  @Mixin ConfigOption config;

  @Option(
      names = "--port",
      paramLabel = "N",
      description =
          "the HTTP port, in place of http.port in host.json for this run (0 picks a free one;"
              + " the ready line says which). The admin endpoint already takes a free port"
              + " (admin.port 0).")
  Integer port;

  @Spec CommandSpec spec;

  /**
   * Runs the host until SIGTERM or Ctrl-C; the stop that follows ends within {@link
   * AuthHost#STOP_BOUND}, or the process ends anyway (exit code {@link StopBound#EXIT_CODE}).
   */
  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    HostConfig hostConfig = withPort(config.load());
    // First start: an administrator with a random password, shown once, never a well-known default.
    Optional<String> password =
        new AccountStore(hostConfig, Clock.systemUTC()).ensureAdministratorPassword();
    password.ifPresent(
        p ->
            spec.commandLine()
                .getOut()
                .printf(
                    "Administrator had no password; it now has this one, shown only once: %s%n",
                    p));
    CountDownLatch stopped = new CountDownLatch(1);
    AuthHost host;
    try {
      host = start(hostConfig, stopped);
    } catch (Exception e) {
      if (password.isEmpty()) {
        throw e;
      }
      // The password is in the store already, and the next start, the one that succeeds once
      // host.json is fixed, prints none: the operator must know to keep this one. It is set before
      // the start because the host reads the store as it starts; setting it after would need the
      // running host to read it again.
      try {
        return Commands.explained(e, spec.commandLine());
      } finally {
        spec.commandLine().getErr().println(PASSWORD_STANDS);
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    var out = spec.commandLine().getOut();
    for (PluginView p : host.plugins().plugins()) {
      out.printf(
          "  %-16s %-16s %s%n",
          p.id(),
          p.statusText(),
          ControlCharacters.escape(
              p.inError() ? p.errorCode() + " " + p.errorText() : p.protocol()));
    }
    out.printf("  %s%n", host.plugins().counts().describe());
    // Every listener that is on, in one form: an operator who turned on the console or RTSP
    // sees where it listens without reading the event log.
    for (Listener listener : host.listeners()) {
      out.printf("  serving %s%n", listener);
    }
    List<String> serverPlugins =
        host.plugins().offeredAuthenticationPlugins().stream().map(PluginView::id).toList();
    for (String line : PointLines.of(hostConfig.publishingPoints(), serverPlugins)) {
      out.printf("  %s%n", ControlCharacters.escape(line));
    }
    out.println(
        new ReadyLine(
                hostConfig.serverName(),
                millis,
                hostConfig.configDirectory(),
                host.http().plainPort(),
                host.adminPort(),
                ReadyLine.inError(host.plugins().plugins()))
            .text());
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * Creates and starts the host, with the shutdown hook that stops it (and counts {@code stopped}
   * down) on SIGTERM or Ctrl-C.
   */
  private AuthHost start(HostConfig hostConfig, CountDownLatch stopped) throws Exception {
    AuthHost host = AuthHost.create(hostConfig);
    // The host refuses a stop while it starts: a Ctrl-C during start-up waits for the start to end.
    CountDownLatch startEnded = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // From the signal, also when it comes while the host is still starting.
                  StopBound bound =
                      StopBound.arm(
                          AuthHost.STOP_BOUND,
                          host::unfinishedWork,
                          host::recordStopOverrun,
                          spec.commandLine().getErr(),
                          Runtime.getRuntime()::halt);
                  try {
                    startEnded.await();
                    host.stop();
                  } catch (Exception e) {
                    spec.commandLine().getErr().println("error: the host's stop failed: " + e);
                    e.printStackTrace();
                  } finally {
                    bound.stopped();
                    stopped.countDown();
                  }
                },
                "shutdown"));
    try {
      host.start();
    } finally {
      startEnded.countDown();
    }
    return host;
  }

  /**
   * The configuration as read, with {@code --port} in place of {@code http.port}: an operator on a
   * machine where 8080 is taken starts without copying {@code config/}. It may not open plain HTTP
   * on an address the file keeps it off (passwords in clear), as {@code http.port} could not.
   */
  private HostConfig withPort(HostConfig read) {
    if (port == null) {
      return read;
    }
    if (port < 0 || port > 65_535) {
      throw new ParameterException(
          spec.commandLine(),
          "--port: expected a port number from 0 to 65535 (0 picks a free one), found " + port);
    }
    HttpConfig http = read.http();
    if (!http.plainHttpAllowed()) {
      throw new ParameterException(
          spec.commandLine(),
          "--port "
              + port
              + " would serve plain HTTP on "
              + http.bindAddress()
              + ", which sends Basic passwords in clear; set http.allowPlainHttp to true in "
              + read.configDirectory().resolve(ConfigLoader.FILE_NAME)
              + ", or leave --port out");
    }
    return read.toBuilder().http(http.withPort(port)).build();
  }
}
