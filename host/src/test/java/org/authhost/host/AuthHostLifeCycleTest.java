package org.authhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.inject.Module;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.authhost.host.admin.AdminEndpointFile;
import org.authhost.host.config.HostConfig;
import org.authhost.host.events.EventLogStore;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.lifecycle.LifeCycle.State;
import org.authhost.host.lifecycle.OperatorException;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host as a container of its parts: started in order, stopped in reverse, also after a failed
 * start.
 */
class AuthHostLifeCycleTest {
  @TempDir Path root;

  final MutableClock clock = new MutableClock();
  final Module fakeTime = FakeTime.of(clock);

  @Test
  void aStartedHostRunsEveryPartAndAStopEndsThemAll() throws Exception {
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    AuthHost host = AuthHost.create(TestHosts.load(TestHosts.configFolder(root, "")), fakeTime);
    host.start();
    try {
      assertEquals(Collections.nCopies(host.managedParts().size(), State.STARTED), states(host));
      assertEquals(
          6,
          clock.scheduledTasks(),
          "the account store's poller, the HTTP front's connection sweep, the audit's summaries,"
              + " the plug-in folder's rescan, the live figures' sampling and the state store's"
              + " sweep, on the host's scheduler");
    } finally {
      host.stop();
    }
    assertEquals(State.STOPPED, host.state());
    assertEquals(Collections.nCopies(host.managedParts().size(), State.STOPPED), states(host));
    assertEquals(0, clock.scheduledTasks());
  }

  @Test
  void aStartThatFailsAtTheHttpFrontStopsWhatItHadStartedAndLeavesTheHostFailed() throws Exception {
    PluginJar.of("good", "org.authhost.testplugins.TestPlugin")
        .writeTo(root.resolve("plugins"), "good.jar");
    Path config = TestHosts.configFolder(root, "");
    // The HTTP port is held by this test while the host tries to bind it; the admin endpoint takes
    // any free port (0), so no port is probed and released for the host to race for.
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path json = config.resolve("host.json");
      Files.writeString(
          json,
          Files.readString(json)
              .replace(
                  "\"http\": { \"port\": 0 }",
                  "\"http\": { \"port\": "
                      + taken.getLocalPort()
                      + " }, \"admin\": { \"port\": 0 }"));
      HostConfig hostConfig = TestHosts.load(config);
      AuthHost host = AuthHost.create(hostConfig, fakeTime);

      OperatorException e = assertThrows(OperatorException.class, host::start);

      assertEquals(
          "[host/port-in-use] port "
              + taken.getLocalPort()
              + " on 127.0.0.1 is already in use (http.port in "
              + json
              + "). Fix: stop the program that holds the port, or set http.port to a free port (0"
              + " picks one)",
          e.getMessage());
      assertEquals(State.FAILED, host.state());
      assertSame(e, host.failure());
      assertEquals(
          Collections.nCopies(host.managedParts().size(), State.STOPPED),
          states(host),
          "every part started before it is stopped, and the HTTP front, whose start failed, too");
      assertEquals(State.STOPPED, host.http().state(), "its half-started event loops released");
      assertEquals(State.STOPPED, host.plugins().state());
      assertEquals(
          0,
          clock.scheduledTasks(),
          "the account store's poller and the connection sweep are cancelled");
      assertFalse(
          Files.exists(AdminEndpointFile.of(hostConfig.dataDirectory())),
          "the admin endpoint is gone");
      assertEquals(-1, host.adminPort(), "the admin endpoint's server is stopped");
      // The event log is closed and unlocked: another host (here its store alone) can open it.
      try (EventLogStore reopened = EventLogStore.open(hostConfig.eventLog(), clock)) {
        // What the plug-in host said as it started (plugins.integrity is off) is not the point.
        List<String> texts =
            reopened.query(EventQuery.all()).stream()
                .map(EventRecord::text)
                .filter(t -> !t.startsWith("plugins.integrity is off"))
                .toList();
        assertEquals(
            List.of(
                "host 'testhost' starting with configuration " + hostConfig.configDirectory(),
                "host stopped"),
            texts);
      }

      IllegalStateException again = assertThrows(IllegalStateException.class, host::start);
      assertSame(e, again.getCause(), "a failed host is stopped before it starts again");
      host.stop();
      assertEquals(State.STOPPED, host.state());
      assertEquals(Collections.nCopies(host.managedParts().size(), State.STOPPED), states(host));
    }
  }

  private static List<State> states(AuthHost host) {
    return host.managedParts().stream().map(LifeCycle::state).toList();
  }
}
