package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict table of {@link AuthenticationDriver} as the HTTP front renders it, below the socket
 * level: a real host's driver and plug-ins, the front's request handlers on an embedded channel.
 * Each row checks the status, the headers, the audit record and whether the connection stays.
 */
class VerdictTableTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static final String ENTERED = "authhost.test.verdicts.entered." + UUID.randomUUID();
  static final CountDownLatch entered = new CountDownLatch(1);
  static AuthHost host;

  @BeforeAll
  static void start() throws Exception {
    Path media = Files.createDirectories(root.resolve("media"));
    Files.writeString(media.resolve("hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    Files.copy(
        PluginJar.builtinPlugin("authhost-plugin-anonymous.jar"), plugins.resolve("anonymous.jar"));
    Files.copy(PluginJar.builtinPlugin("authhost-plugin-basic.jar"), plugins.resolve("basic.jar"));
    PluginJar.of("bound", "org.authhost.testplugins.bound.BoundPlugin")
        .writeTo(plugins, "bound.jar");
    PluginJar.of("throwing", "org.authhost.testplugins.throwing.ThrowingPlugin")
        .writeTo(plugins, "throwing.jar");
    PluginJar.of("hanging", "org.authhost.testplugins.hanging.HangingPlugin")
        .writeTo(plugins, "hanging.jar");
    System.getProperties().put(ENTERED, entered);
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "callTimeoutMillis": 500,
            "callbackTimeoutMillis": 500,
            "order": ["anonymous", "basic", "bound", "throwing", "hanging"],
            "settings": { "hanging": { "properties": { "entered": "%s" } },
                          "bound": { "properties": { "connectionBound": "true" } } }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": -1 },
          "security": { "lockout": { "threshold": 3, "addressThreshold": 100,
                                     "windowSeconds": 300, "durationSeconds": 600 } },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media" },
            { "name": "members", "prefix": "/members/", "directory": "../media", "plugins": ["basic"],
              "acl": [ { "principal": "Users", "rights": ["read"] },
                       { "type": "deny", "principal": "bob", "rights": ["read"] } ] },
            { "name": "nego", "prefix": "/nego/", "directory": "../media", "plugins": ["bound"] },
            { "name": "broken", "prefix": "/broken/", "directory": "../media", "plugins": ["throwing"] },
            { "name": "slow", "prefix": "/slow/", "directory": "../media", "plugins": ["hanging"] }
          ]
        }
        """
            .formatted(ENTERED));
    for (String user : List.of("alice", "bob", "carol")) {
      TestHosts.addAccount(config, user, "pw-" + user);
    }
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
  }

  @AfterAll
  static void stop() throws Exception {
    System.getProperties().remove(ENTERED);
    if (host != null) {
      host.stop();
    }
  }

  private static FrontChannel connect(String client) {
    return connect(client, () -> {});
  }

  private static FrontChannel connect(String client, Runnable whileDeciding) {
    HttpServices services = host.http().services();
    return FrontChannel.open(
        services, clock, client, FrontChannel.inline(services.driver(), whileDeciding));
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The audit records that contain {@code text}. */
  private static List<EventRecord> audit(String text) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(text))
        .toList();
  }

  /** The one audit record that contains {@code text}. */
  private static EventRecord audited(String text) {
    List<EventRecord> found = audit(text);
    assertEquals(1, found.size(), "audit records with " + text + ": " + found);
    return found.get(0);
  }

  private static void assertRefusalHeaders(FrontChannel.Answer a, boolean keptAlive) {
    assertEquals("no-store", a.header("Cache-Control"));
    assertEquals("text/plain; charset=utf-8", a.header("Content-Type"));
    assertEquals(keptAlive ? "keep-alive" : "close", a.header("Connection"));
  }

  @Test
  void successServesAndKeepsTheConnection() {
    FrontChannel ch = connect("127.0.0.1");
    ch.get("/vod/hello.txt");
    FrontChannel.Answer a = ch.answer();
    assertEquals(200, a.status());
    assertEquals("6", a.header("Content-Length"));
    assertTrue(ch.isOpen());

    ch.get("/members/hello.txt", "Authorization", basic("alice", "pw-alice"));
    assertEquals(200, ch.answer().status());
    assertTrue(ch.isOpen());
    assertEquals(
        1,
        audit("logon succeeded: client=127.0.0.1 point=members").stream()
            .filter(e -> e.text().contains("account=\"TESTHOST\\\\alice\""))
            .count());
    ch.finishAndReleaseAll();
  }

  @Test
  void continueIsA401WithThePluginsChallengeOnTheSameConnection() {
    FrontChannel ch = connect("127.0.0.1");
    ch.get("/nego/hello.txt", "Authorization", "Negotiate hello");
    FrontChannel.Answer a = ch.answer();
    assertEquals(401, a.status());
    assertEquals(List.of("Negotiate round-2"), a.headers().getAll("WWW-Authenticate"));
    assertRefusalHeaders(a, true);
    assertTrue(ch.isOpen());

    ch.get("/nego/hello.txt", "Authorization", "Negotiate proof");
    FrontChannel.Answer done = ch.answer();
    assertEquals(200, done.status());
    assertEquals("Negotiate mutual-token", done.header("WWW-Authenticate"));
    ch.finishAndReleaseAll();
  }

  @Test
  void deniedIsA401WithFreshChallengesAndAnAuditedFailure() {
    FrontChannel ch = connect("127.0.0.1");
    ch.get("/members/hello.txt", "Authorization", basic("alice", "wrong"));
    FrontChannel.Answer a = ch.answer();
    assertEquals(401, a.status());
    assertTrue(
        a.header("WWW-Authenticate").startsWith("Basic realm="), a.header("WWW-Authenticate"));
    assertRefusalHeaders(a, true);
    assertNull(a.header("Retry-After"));
    assertTrue(ch.isOpen());
    EventRecord failed =
        audited(
            "logon failed: client=127.0.0.1 point=members request=\"GET /members/hello.txt\""
                + " account=\"TESTHOST\\\\alice\" protocol=Basic plugin=basic"
                + " reason=credentials refused by the plug-in");
    assertEquals(HResult.SEC_E_LOGON_DENIED, failed.hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void lockoutIsA429WithRetryAfterEvenForTheRightPassword() {
    FrontChannel ch = connect("127.0.0.1");
    for (int i = 0; i < 3; i++) {
      ch.get("/members/hello.txt", "Authorization", basic("carol", "wrong" + i));
      assertEquals(401, ch.answer().status());
    }
    ch.get("/members/hello.txt", "Authorization", basic("carol", "pw-carol"));
    FrontChannel.Answer a = ch.answer();
    assertEquals(429, a.status());
    assertEquals("600", a.header("Retry-After"));
    assertRefusalHeaders(a, true);
    assertTrue(ch.isOpen());
    assertEquals(
        HResult.E_ACCESSDENIED,
        audited(
                "refused 429: client=127.0.0.1 point=members request=\"GET /members/hello.txt\""
                    + " account=\"TESTHOST\\\\carol\" lock=account"
                    + " reason=locked out after repeated logon failures")
            .hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void anIpv6ClientIsLockedOutByItsSlash64() {
    // The bound plug-in refuses "junk" naming nobody: a failed logon counted toward the address.
    // Each guess comes from a new address of one /64, as one IPv6 host can send them.
    for (int i = 1; i <= 100; i++) {
      FrontChannel ch = connect("2001:db8:7::" + Integer.toHexString(i));
      ch.get("/nego/hello.txt", "Authorization", "Negotiate junk");
      assertEquals(401, ch.answer().status(), "guess " + i);
      ch.finishAndReleaseAll();
    }
    FrontChannel next = connect("2001:db8:7::ffff");
    next.get("/nego/hello.txt", "Authorization", "Negotiate hello");
    assertEquals(429, next.answer().status(), "the /64 is locked out (addressThreshold 100)");
    next.finishAndReleaseAll();
    audited("lockout: ip:2001:db8:7::/64");
    FrontChannel other = connect("2001:db8:8::1");
    other.get("/nego/hello.txt", "Authorization", "Negotiate hello");
    assertEquals(401, other.answer().status(), "another /64 is not");
    other.finishAndReleaseAll();
  }

  @Test
  void anAclRefusalIsA403WithTheAccountInTheAudit() {
    FrontChannel ch = connect("127.0.0.1");
    ch.get("/members/hello.txt", "Authorization", basic("bob", "pw-bob"));
    FrontChannel.Answer a = ch.answer();
    assertEquals(403, a.status());
    assertEquals("access denied\n", a.text());
    assertRefusalHeaders(a, true);
    assertTrue(ch.isOpen());
    assertEquals(
        HResult.E_ACCESSDENIED,
        audited(
                "refused 403: client=127.0.0.1 point=members request=\"GET /members/hello.txt\""
                    + " reason=access denied to TESTHOST\\bob by the ACL of publishing point members"
                    + " (plug-in basic)")
            .hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void noUsablePluginIsA503WithRetryAfter() {
    // Basic sends the password itself: not offered to a client off loopback without TLS.
    FrontChannel ch = connect("192.0.2.7");
    ch.get("/members/hello.txt");
    FrontChannel.Answer a = ch.answer();
    assertEquals(503, a.status());
    assertEquals("30", a.header("Retry-After"));
    assertNull(a.header("WWW-Authenticate"));
    assertRefusalHeaders(a, true);
    assertTrue(ch.isOpen());
    assertEquals(
        HResult.NS_E_CRITICAL_ERROR,
        audited(
                "refused 503: client=192.0.2.7 point=members request=\"GET /members/hello.txt\""
                    + " reason=no usable authentication plug-in")
            .hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void aPluginErrorIsA503AndAnAuditedFailure() {
    FrontChannel ch = connect("127.0.0.1");
    ch.get("/broken/hello.txt", "Authorization", "Test anything");
    FrontChannel.Answer a = ch.answer();
    assertEquals(503, a.status());
    assertEquals("30", a.header("Retry-After"));
    assertRefusalHeaders(a, true);
    EventRecord failed =
        audited(
            "point=broken request=\"GET /broken/hello.txt\" account=- protocol=Test plugin=throwing");
    assertTrue(failed.text().startsWith("logon failed: "), failed.text());
    assertTrue(failed.text().endsWith("; failing closed"), failed.text());
    assertEquals(HResult.E_UNEXPECTED, failed.hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void aPluginPastItsTimeLimitIsA503() {
    FrontChannel ch =
        connect(
            "127.0.0.1",
            () -> {
              try {
                assertTrue(entered.await(10, TimeUnit.SECONDS), "Authenticate was called");
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              clock.advance(Duration.ofMillis(501));
            });
    ch.get("/slow/hello.txt", "Authorization", "Test anything");
    FrontChannel.Answer a = ch.answer();
    assertEquals(503, a.status());
    assertEquals("30", a.header("Retry-After"));
    assertRefusalHeaders(a, true);
    EventRecord failed = audited("point=slow request=\"GET /slow/hello.txt\"");
    assertTrue(failed.text().startsWith("logon failed: "), failed.text());
    assertEquals(HResult.E_TIMEOUT, failed.hresult());
    ch.finishAndReleaseAll();
  }

  @Test
  void aConnectionCloseRequestIsAnsweredAndClosed() {
    FrontChannel ch = connect("192.0.2.8");
    ch.get("/members/hello.txt", "Connection", "close");
    FrontChannel.Answer a = ch.answer();
    assertEquals(503, a.status());
    assertRefusalHeaders(a, false);
    assertFalse(ch.isOpen());
    ch.finishAndReleaseAll();
  }
}
