package org.authhost.host.cli;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.authhost.host.AuthHost;
import org.authhost.host.Listener;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.config.HostConfig;
import org.authhost.host.diagnostics.ControlCharacters;
import org.authhost.host.plugins.PluginView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    description = "Start the host and run until interrupted (Ctrl-C or SIGTERM).")
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Spec CommandSpec spec;

  /**
   * Runs the host until SIGTERM or Ctrl-C; the stop that follows ends within {@link
   * AuthHost#STOP_BOUND}, or the process ends anyway (exit code {@link StopBound#EXIT_CODE}).
   */
  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    HostConfig hostConfig = config.load();
    // First start: an administrator with a random password, shown once, never a well-known default.
    new AccountStore(hostConfig, Clock.systemUTC())
        .ensureAdministratorPassword()
        .ifPresent(
            p ->
                spec.commandLine()
                    .getOut()
                    .printf(
                        "Administrator had no password; it now has this one, shown only once: %s%n",
                        p));
    AuthHost host = AuthHost.create(hostConfig);
    CountDownLatch stopped = new CountDownLatch(1);
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
    out.printf(
        "AuthHost '%s' ready in %d ms (config %s, admin port %d). Ctrl-C stops it.%n",
        hostConfig.serverName(), millis, hostConfig.configDirectory(), host.adminPort());
    out.flush();
    stopped.await();
    return 0;
  }
}
