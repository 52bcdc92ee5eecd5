package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.authhost.host.AuthHost;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OpenTokens;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anonymous plug-in declares {@code REUSABLE_CONTEXT} (API 1.6): a keep-alive connection keeps
 * one of its contexts, asked again on every request, instead of a context, a logon and a release
 * per request. What a request gets must not change: the guest account disabled, or moved to a group
 * the point's ACL refuses (Guests), between two requests of one connection is seen by the second.
 */
class KeptAnonymousContextTest {
  private static final String HOST_JSON =
      """
      {
        "serverName": "testhost",
        "dataDirectory": "../var",
        "plugins": { "directory": "../plugins" },
        "eventLog": { "auditSummarySeconds": 0 },
        "http": { "port": 0 },
        "accounts": { "guestAccount": "alice" },
        "publishingPoints": [
          { "name": "o", "prefix": "/o/", "directory": "../media", "plugins": ["anonymous"],
            "acl": [ { "type": "deny", "principal": "Guests", "rights": ["read"] },
                     { "type": "allow", "principal": "Everyone", "rights": ["read"] } ] }
        ]
      }
      """;

  @TempDir Path root;
  private final MutableClock clock = new MutableClock();
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void oneContextAnswersEveryRequestOfAConnectionAndIsReleasedWithIt() throws Exception {
    start();
    try (RawHttpConnection client = connect()) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, get(client));
      }
      assertEquals(
          1, host.tokens().openHandles(), "one kept context, one logon, for three requests");
      try (RawHttpConnection other = connect()) {
        assertEquals(200, get(other));
        assertEquals(2, host.tokens().openHandles(), "a context per connection, not shared");
      }
    }
    // The server sees the closes a moment later, on its event loops.
    OpenTokens.awaitNone(host, "released with their connections");
  }

  @Test
  void theGuestDisabledBetweenTwoRequestsOfOneConnectionIsRefusedAtTheSecond() throws Exception {
    start();
    Path config = root.resolve("config");
    try (RawHttpConnection client = connect()) {
      assertEquals(200, get(client));

      assertEquals(0, GuestAccountTest.accounts(config, "disable", "alice"));
      clock.advance(Duration.ofSeconds(1)); // the host's account poller has looked
      assertNotEquals(200, get(client), "as a new context would answer");
      assertTrue(
          host.eventLog().query(EventQuery.all()).stream()
              .anyMatch(e -> e.text().contains("'alice' (accounts.guestAccount) cannot log on")),
          "the plug-in was asked, and said why");

      assertEquals(0, GuestAccountTest.accounts(config, "enable", "alice"));
      clock.advance(Duration.ofSeconds(1));
      assertEquals(200, get(client), "back on the same connection");
    }
  }

  @Test
  void theGuestMovedToARefusedGroupBetweenTwoRequestsIsRefusedAtTheSecond() throws Exception {
    start();
    Path config = root.resolve("config");
    try (RawHttpConnection client = connect()) {
      assertEquals(200, get(client));

      assertEquals(0, GuestAccountTest.accounts(config, "groups", "add-member", "Guests", "alice"));
      clock.advance(Duration.ofSeconds(1));
      assertEquals(403, get(client), "the ACL reads the account's groups as they are now");
    }
  }

  /**
   * The anonymous account changed by the operator (the console's property change, which loads a new
   * instance while the old one drains): a connection kept by the old instance's context is served
   * as the new account at its next request, not with the old account's rights.
   */
  @Test
  void theAnonymousAccountChangedByTheOperatorReachesAKeptConnectionAtItsNextRequest()
      throws Exception {
    start();
    Path config = root.resolve("config");
    assertEquals(
        0, GuestAccountTest.accounts(config, "add", "bob", "--no-password", "--group", "Guests"));
    clock.advance(Duration.ofSeconds(1));
    try (RawHttpConnection client = connect()) {
      assertEquals(200, get(client), "served as alice");

      host.plugins().reloads().reconfigure("anonymous", Map.of("account", "bob"));
      assertEquals(403, get(client), "bob is in Guests, whom the point's ACL refuses");
    }
  }

  private void start() throws Exception {
    host =
        TestHosts.startServing(
            root, "authhost-plugin-anonymous.jar", "hello\n", HOST_JSON, FakeTime.of(clock));
  }

  private RawHttpConnection connect() throws Exception {
    return new RawHttpConnection("127.0.0.1", host.http().plainPort());
  }

  private int get(RawHttpConnection client) throws Exception {
    int port = host.http().plainPort();
    return client.send("GET /o/hello.txt HTTP/1.1\nHost: 127.0.0.1:" + port + "\n", null).status();
  }
}
