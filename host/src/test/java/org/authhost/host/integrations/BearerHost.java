package org.authhost.host.integrations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OidcProvider;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.TestHosts;

/**
 * A real host with the real Bearer plug-in JAR serving {@code /b/hello.txt}, and a real OpenID
 * provider for it: what the Bearer end-to-end tests share, so that each keeps only its own
 * settings, points and assertions.
 */
final class BearerHost {
  /** What {@code hello.txt} holds. */
  static final String HELLO = "hello, bearer\n";

  private BearerHost() {}

  /** A provider on a free port signing with one key, {@code k1}, tokens that live 600 s. */
  static OidcProvider provider(Path root, OidcProvider.Client... clients) throws Exception {
    return OidcProvider.start(
        root,
        OidcProvider.freePort(),
        List.of(OidcProvider.rsaKey("k1")),
        Duration.ofSeconds(600),
        List.of(clients));
  }

  /**
   * A host on {@code clock} whose {@code bearer} plug-in has the settings object {@code bearer} and
   * whose config ends with the top-level {@code members} (security, points, integrations).
   */
  static AuthHost start(Path root, String bearer, String members, MutableClock clock)
      throws Exception {
    return TestHosts.startServing(
        root,
        "authhost-plugin-bearer.jar",
        HELLO,
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": { "bearer": %s } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          %s
        }
        """
            .formatted(bearer, members),
        FakeTime.of(clock));
  }

  static Response get(int port, String path, String authorization) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.get(path, authorization);
    }
  }

  /** The host's audit records that contain {@code text}. */
  static List<EventRecord> audited(AuthHost host, String text) {
    return host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
        .filter(e -> e.text().contains(text))
        .toList();
  }
}
