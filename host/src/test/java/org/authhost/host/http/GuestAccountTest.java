package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code accounts.guestAccount} is the account the anonymous plug-in maps clients to when its own
 * properties name none (API 1.5's {@code ServerContext.guestAccount}): it was read from host.json
 * and then never used, the plug-in logging every client on as {@code Guest} whatever it said.
 */
class GuestAccountTest {
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
          { "name": "o", "prefix": "/o/", "directory": "../media", "plugins": ["anonymous"] }
        ]
      }
      """;

  @TempDir Path root;
  private AuthHost host;

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void theConfiguredGuestAccountIsTheAuditedIdentityOfAnAnonymousRequest() throws Exception {
    host = TestHosts.startServing(root, "authhost-plugin-anonymous.jar", "hello\n", HOST_JSON);
    assertEquals(200, anonymousRequest());
    assertFalse(
        StreamServerHosts.audited(host, "logon succeeded", "account=\"TESTHOST\\\\alice\"")
            .isEmpty(),
        StreamServerHosts.audited(host, "logon succeeded").toString());
    assertEquals(
        List.of(),
        StreamServerHosts.audited(host, "logon succeeded", "Guest"),
        "nobody is logged on as the built-in Guest");
  }

  /**
   * A guest account in Administrators would make every client that sends nothing an administrator:
   * the Anonymous plug-in refuses to enable, with an ERROR saying why, and serves nobody.
   */
  @Test
  void aGuestAccountInAdministratorsIsRefusedNotServed() throws Exception {
    // alice made an administrator while she is not the guest account, then named as it.
    String notYet = HOST_JSON.replace("\"guestAccount\": \"alice\"", "\"guestAccount\": \"Guest\"");
    TestHosts.startServing(root, "authhost-plugin-anonymous.jar", "hello\n", notYet).stop();
    Path config = root.resolve("config");
    assertEquals(0, addToAdministrators("alice", config));
    Files.writeString(config.resolve("host.json"), HOST_JSON);
    host = AuthHost.create(ConfigLoader.load(config));
    host.start();

    assertNotEquals(200, anonymousRequest());
    int status = host.plugins().plugin("anonymous").orElseThrow().status();
    assertEquals(PluginStatus.ERROR, status & PluginStatus.ERROR, PluginStatus.toString(status));
    List<EventRecord> refused =
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.text().contains("is a member of Administrators"))
            .toList();
    assertEquals(1, refused.size(), refused.toString());
    assertEquals(EventLevel.ERROR, refused.get(0).level());
    assertTrue(refused.get(0).text().contains("'alice'"), refused.get(0).text());
  }

  /**
   * A guest account that does not exist (trial 6, F1): the plug-in stays out of service with an
   * ERROR naming the account, the setting and the fixes, where WMS's code alone said neither.
   */
  @Test
  void aGuestAccountThatDoesNotExistIsNamedWithTheFix() throws Exception {
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-anonymous.jar",
            "hello\n",
            HOST_JSON.replace("\"guestAccount\": \"alice\"", "\"guestAccount\": \"Nobody\""));

    assertNotEquals(200, anonymousRequest());
    int status = host.plugins().plugin("anonymous").orElseThrow().status();
    assertEquals(PluginStatus.ERROR, status & PluginStatus.ERROR, PluginStatus.toString(status));
    List<EventRecord> refused =
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.text().contains("'Nobody' (accounts.guestAccount) cannot log on"))
            .toList();
    assertEquals(1, refused.size(), host.eventLog().query(EventQuery.all()).toString());
    assertEquals(EventLevel.ERROR, refused.get(0).level());
    assertTrue(
        refused.get(0).text().contains("./authhost accounts add Nobody --no-password"),
        refused.get(0).text());
  }

  /**
   * The guest account disabled while the host serves (trial 6, F2): anonymous clients are no longer
   * let in, which one WARNING says (not one per request), and they are again once it is enabled.
   */
  @Test
  void aGuestAccountDisabledWhileServingIsWarnedOnceAndComesBack() throws Exception {
    MutableClock clock = new MutableClock();
    host =
        TestHosts.startServing(
            root, "authhost-plugin-anonymous.jar", "hello\n", HOST_JSON, FakeTime.of(clock));
    Path config = root.resolve("config");
    assertEquals(200, anonymousRequest());

    assertEquals(0, accounts(config, "disable", "alice"));
    clock.advance(Duration.ofSeconds(1)); // the host's account poller has looked
    assertNotEquals(200, anonymousRequest());
    assertNotEquals(200, anonymousRequest());
    List<EventRecord> warned =
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.text().contains("'alice' (accounts.guestAccount) cannot log on"))
            .toList();
    assertEquals(1, warned.size(), warned.toString());
    assertEquals(EventLevel.WARNING, warned.get(0).level());
    assertTrue(
        warned.get(0).text().contains("./authhost accounts enable alice"), warned.toString());

    assertEquals(0, accounts(config, "enable", "alice"));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(200, anonymousRequest(), "back by itself");
  }

  /**
   * The operator's usual order: the host serving with alice as the guest account, then an attempt
   * to make her an administrator. The account store refuses it, as it does for the built-in Guest.
   */
  @Test
  void theGuestAccountCannotBeMadeAnAdministrator() throws Exception {
    host = TestHosts.startServing(root, "authhost-plugin-anonymous.jar", "hello\n", HOST_JSON);
    assertEquals(2, addToAdministrators("alice", root.resolve("config")), "refused");
    assertEquals(200, anonymousRequest(), "still served, as alice");
  }

  /** {@code authhost accounts groups add-member Administrators USER}: its exit code. */
  private static int addToAdministrators(String user, Path config) {
    return accounts(config, "groups", "add-member", "Administrators", user);
  }

  /** {@code authhost accounts ARGS --config CONFIG}: its exit code. */
  static int accounts(Path config, String... args) {
    List<String> all = new ArrayList<>(List.of("accounts"));
    all.addAll(List.of(args));
    all.add("--config");
    all.add(config.toString());
    return Main.commandLine().execute(all.toArray(String[]::new));
  }

  /** The status of a request for the point's file without credentials. */
  private int anonymousRequest() throws Exception {
    int port = host.http().plainPort();
    try (RawHttpConnection client = new RawHttpConnection("127.0.0.1", port)) {
      return client
          .send("GET /o/hello.txt HTTP/1.1\nHost: 127.0.0.1:" + port + "\n", null)
          .status();
    }
  }
}
