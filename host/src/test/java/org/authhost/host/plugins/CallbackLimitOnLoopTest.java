package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.kit.KitClient;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The callback limit of a non-blocking plug-in's {@code Authenticate}, on a host with the
 * production scheduler (not the fake clock): armed in the queue of the event loop the leg runs on,
 * it fails the leg closed ({@code E_TIMEOUT}) and records the failure by name when the plug-in
 * never calls back. Nothing here measures time: the test waits (bounded) for the answer.
 */
class CallbackLimitOnLoopTest {
  @TempDir Path root;

  private AuthHost host;
  private final Loop loop = new Loop();

  /** An event loop that says whether a timed task waits in its own queue. */
  private static final class Loop extends DefaultEventLoop {
    boolean holdsATimedTask() {
      return nextScheduledTaskDeadlineNanos() != -1;
    }
  }

  @AfterEach
  void stop() throws Exception {
    System.clearProperty("authhost.scheduler.loopLimits");
    loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void aNonBlockingPluginThatNeverCallsBackIsFailedClosedByALimitOnItsLoop() throws Exception {
    PluginJar.of("silent", "org.authhost.testplugins.silent.SilentPlugin")
        .with("id", "silent")
        .with("api-version", "1.4")
        .with("non-blocking", "true")
        .writeTo(root.resolve("plugins"), "silent.jar");
    // The loop's queue is opt-in (ExecutorScheduler.SWITCH): this host opts in.
    System.setProperty("authhost.scheduler.loopLimits", "true");
    host = AuthHost.create(TestHosts.load(TestHosts.configFolder(root, "")));
    host.start();
    AuthenticationSession session = host.plugins().openSession("silent").get(30, TimeUnit.SECONDS);

    CompletableFuture<CompletableFuture<AuthenticationOutcome>> started = new CompletableFuture<>();
    CompletableFuture<Boolean> armedOnLoop = new CompletableFuture<>();
    loop.execute(
        () -> {
          started.complete(
              session.authenticate(
                  new byte[0], KitClient.user(1), KitClient.PRESENTATION, KitClient.COMMAND));
          armedOnLoop.complete(loop.holdsATimedTask());
        });
    AuthenticationOutcome outcome = started.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS);

    assertTrue(armedOnLoop.get(30, TimeUnit.SECONDS), "the limit waits in the loop's own queue");
    assertEquals(AuthenticationResult.ERROR, outcome.result());
    assertEquals(HResult.E_TIMEOUT, outcome.hresult());
    List<EventRecord> failures =
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.source().equals(HostEvents.aboutPlugin("silent")))
            .filter(e -> e.level() == EventLevel.ERROR)
            .filter(e -> e.text().contains("OnAuthenticateComplete was not called within 500 ms"))
            .toList();
    assertEquals(1, failures.size(), host.eventLog().query(EventQuery.all()).toString());
  }
}
