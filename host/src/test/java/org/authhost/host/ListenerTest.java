package org.authhost.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start names every listener that is on, in one form, not only the HTTP one. */
class ListenerTest {
  @TempDir Path root;

  @Test
  void everyListenerThatIsOnIsNamedInTheReadyEventAndOffOnesAreNot() throws Exception {
    AuthHost host =
        TestHosts.startServing(
            root,
            "authhost-plugin-digest.jar",
            "hello\n",
            """
            {
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins" },
              "http": { "port": 0 },
              "rtsp": { "port": 0 },
              "console": { "port": 0 },
              "metrics": { "port": 0 }
            }
            """,
            FakeTime.of(new MutableClock()));
    try {
      List<String> expected =
          List.of(
              "http http://127.0.0.1:" + host.http().plainPort(),
              "rtsp rtsp://127.0.0.1:" + host.rtsp().plainPort(),
              "console http://127.0.0.1:" + host.console().plainPort(),
              "metrics http://127.0.0.1:" + host.metricsPort(),
              "admin http://127.0.0.1:" + host.adminPort());
      assertEquals(expected, host.listeners().stream().map(Listener::toString).toList());
      List<String> ready =
          host.eventLog().query(EventQuery.all()).stream()
              .map(EventRecord::text)
              .filter(t -> t.startsWith("host ready: "))
              .toList();
      assertEquals(1, ready.size(), ready.toString());
      assertTrue(
          ready.get(0).endsWith("; listening: " + String.join(", ", expected)), ready.get(0));
    } finally {
      host.stop();
    }
  }

  @Test
  void anIpv6AddressIsInBracketsAsInAUrl() {
    assertEquals(
        "http.tls https://[::1]:8443", new Listener("http.tls", "https", "::1", 8443).toString());
  }
}
