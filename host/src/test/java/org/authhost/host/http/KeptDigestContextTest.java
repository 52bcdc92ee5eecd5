package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.bench.LoadTool;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.plugins.Reloads;
import org.authhost.host.testing.BoundedWait;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OpenTokens;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Digest plug-in declares {@code REVERIFYING_CONTEXT} (API 1.7): a keep-alive connection keeps
 * the context that answered SUCCESS and asks it again with each request's own credentials. What a
 * request gets must not change: another account's credentials are that account's (bob, in Guests,
 * whom the point refuses, never gets alice's 200), a replay is refused and counted once, a stale
 * nonce ends the kept context with today's 401, the operator's changes to the account reach the
 * next request, a reload's new version takes over at the next request, and a connection holds one
 * token however many requests it carries.
 */
class KeptDigestContextTest {
  private static final String PROPERTIES =
      "\"realm\": \"AuthHost\", \"algorithms\": \"MD5\", \"nonceLifetimeSeconds\": \"10\"";

  private static final String HOST_JSON =
      """
      {
        "serverName": "testhost",
        "dataDirectory": "../var",
        "plugins": { "directory": "../plugins", "drainSeconds": 30,
          "settings": { "digest": { "enabled": true, "properties": { @PROPERTIES@ } } } },
        "eventLog": { "auditSummarySeconds": 0 },
        "http": { "port": 0 },
        "accounts": { "digestRealms": ["AuthHost"] },
        "security": { "lockout": { "threshold": 3, "addressThreshold": 5 } },
        "publishingPoints": [
          { "name": "d", "prefix": "/d/", "directory": "../media", "plugins": ["digest"],
            "acl": [ { "type": "deny", "principal": "Guests", "rights": ["read"] },
                     { "type": "allow", "principal": "Users", "rights": ["read"] } ] }
        ]
      }
      """
          .replace("@PROPERTIES@", PROPERTIES);

  private static final String PATH = "/d/hello.txt";

  @TempDir Path root;
  private final MutableClock clock = new MutableClock();
  private AuthHost host;
  private Path config;

  @BeforeEach
  void start() throws Exception {
    host =
        TestHosts.startServing(
            root, "authhost-plugin-digest.jar", "hello\n", HOST_JSON, FakeTime.of(clock));
    config = root.resolve("config");
    TestHosts.addAccount(config, "bob", "pw-bob");
    accounts("groups", "add-member", "Guests", "bob");
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** An operator's {@code authhost accounts} command; the host sees it at its next poll. */
  private void accounts(String... args) {
    assertEquals(0, GuestAccountTest.accounts(config, args), String.join(" ", args));
    clock.advance(Duration.ofSeconds(1));
  }

  /** A keep-alive connection and a client of {@code credentials} for its first challenge. */
  private record Client(RawHttpConnection connection, LoadTool.DigestClient digest)
      implements AutoCloseable {
    int get() throws Exception {
      return get(digest.next(PATH));
    }

    int get(String authorization) throws Exception {
      return connection.get(PATH, authorization).status();
    }

    @Override
    public void close() throws Exception {
      connection.close();
    }
  }

  private Client connect(String credentials) throws Exception {
    RawHttpConnection connection = new RawHttpConnection("127.0.0.1", host.http().plainPort());
    return new Client(connection, digestFor(connection, credentials));
  }

  /** A Digest client of {@code credentials} for a challenge asked on {@code connection}. */
  private static LoadTool.DigestClient digestFor(RawHttpConnection connection, String credentials)
      throws Exception {
    RawHttpConnection.Response challenge = connection.get(PATH, null);
    assertEquals(401, challenge.status());
    return LoadTool.DigestClient.from(challenge.values("WWW-Authenticate"), credentials, "MD5");
  }

  private List<EventRecord> audited(String... parts) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> List.of(parts).stream().allMatch(e.text()::contains))
        .toList();
  }

  private int openTokens() {
    return host.tokens().openHandles();
  }

  private void awaitNoTokens() {
    awaitNoTokens("released with their connections");
  }

  private void awaitNoTokens(String why) {
    OpenTokens.awaitNone(host, why);
  }

  @Test
  void everyRequestOfAConnectionIsVerifiedByOneContextHoldingOneToken() throws Exception {
    try (Client alice = connect("alice:pw-alice")) {
      for (int i = 0; i < 5; i++) {
        assertEquals(200, alice.get());
      }
      assertEquals(1, openTokens(), "one kept context, one logon, for five requests");
      assertEquals(
          1, audited("logon succeeded", Audit.quoted("TESTHOST\\alice")).size(), "audited once");
      try (Client other = connect("alice:pw-alice")) {
        assertEquals(200, other.get());
        assertEquals(2, openTokens(), "a context per connection, not shared");
      }
      String wrong = alice.digest().next(PATH).replace("response=\"", "response=\"0");
      assertEquals(401, alice.get(wrong), "each request is checked: a wrong response fails");
    }
    awaitNoTokens();
  }

  /**
   * The claim order: the kept context verifies bob's request (claiming its count) and its answer is
   * final, so bob is answered as on a new connection (his own token, which the point's ACL refuses)
   * rather than seen as a replay by a second context, and never served as alice.
   */
  @Test
  void anotherAccountsCredentialsOnAKeptConnectionAreThatAccountsOwn() throws Exception {
    try (Client alice = connect("alice:pw-alice")) {
      assertEquals(200, alice.get());
      LoadTool.DigestClient bob = digestFor(alice.connection(), "bob:pw-bob");
      assertEquals(403, alice.get(bob.next(PATH)), "bob's token, which the ACL refuses");
      assertEquals(1, audited("logon succeeded", Audit.quoted("TESTHOST\\bob")).size());
      assertEquals(1, audited("access denied to TESTHOST\\bob").size());
      assertEquals(1, openTokens(), "alice's token was closed when bob's replaced it");
      assertEquals(200, alice.get(), "alice again, on the same connection");
      LoadTool.DigestClient guess = digestFor(alice.connection(), "bob:not-it");
      assertEquals(401, alice.get(guess.next(PATH)), "bob's wrong password: a failed logon of bob");
      assertEquals(1, audited("logon failed", Audit.quoted("TESTHOST\\bob")).size());
      assertEquals(200, alice.get());
    }
    awaitNoTokens();
  }

  @Test
  void aReplayOnTheKeptContextIsRefusedAndEndsIt() throws Exception {
    try (Client alice = connect("alice:pw-alice")) {
      assertEquals(200, alice.get());
      String second = alice.digest().next(PATH);
      assertEquals(200, alice.get(second));
      RawHttpConnection.Response replay = alice.connection().get(PATH, second);
      assertEquals(401, replay.status());
      assertTrue(
          replay.values("WWW-Authenticate").stream().noneMatch(h -> h.contains("stale=true")),
          "a replay, not a stale nonce: " + replay.values("WWW-Authenticate"));
      assertEquals(1, audited("as not a guess").size(), "one refusal, not one per context asked");
      awaitNoTokens("the kept context ended with its refusal");
      assertEquals(200, alice.get(), "the next count is good: a new context");
      assertEquals(1, openTokens());
    }
  }

  /**
   * Every attempt on a locked account counts toward its address (addressThreshold 5): alice's three
   * wrong passwords lock her account and count 3; her replay on the kept connection counts once
   * more (4). Counted twice (the host asking a new context after the kept one), the address would
   * be locked and bob's right password refused with 429.
   */
  @Test
  void aReplayOnALockedAccountCountsTowardItsAddressOnce() throws Exception {
    try (Client alice = connect("alice:pw-alice")) {
      assertEquals(200, alice.get());
      String second = alice.digest().next(PATH);
      assertEquals(200, alice.get(second));
      try (Client guesser = connect("alice:not-it")) {
        for (int i = 0; i < 3; i++) {
          assertEquals(401, guesser.get());
        }
      }
      assertFalse(audited("lockout: account=").isEmpty(), "alice's account is locked");
      assertEquals(429, alice.get(second), "the locked account's replay");
    }
    try (Client bob = connect("bob:pw-bob")) {
      assertEquals(403, bob.get(), "bob's logon goes through (the ACL refuses him): no 429");
    }
  }

  @Test
  void aStaleNonceEndsTheKeptContextWithTodays401() throws Exception {
    try (Client alice = connect("alice:pw-alice")) {
      assertEquals(200, alice.get());
      clock.advance(Duration.ofSeconds(11));
      RawHttpConnection.Response stale = alice.connection().get(PATH, alice.digest().next(PATH));
      assertEquals(401, stale.status());
      assertTrue(
          stale.values("WWW-Authenticate").stream().allMatch(h -> h.contains("stale=true")),
          stale.values("WWW-Authenticate").toString());
      awaitNoTokens("the kept context ended with the stale answer");
      LoadTool.DigestClient renewed =
          LoadTool.DigestClient.from(stale.values("WWW-Authenticate"), "alice:pw-alice", "MD5");
      assertEquals(200, alice.get(renewed.next(PATH)));
    }
  }

  @Test
  void theAccountDisabledOrRegroupedBetweenTwoRequestsIsSeenAtTheNext() throws Exception {
    try (Client alice = connect("alice:pw-alice")) {
      assertEquals(200, alice.get());
      accounts("disable", "alice");
      assertEquals(401, alice.get(), "as a new context answers a disabled account");
      awaitNoTokens("the kept context's token no longer stood: released");
      accounts("enable", "alice");
      assertEquals(200, alice.get());

      accounts("groups", "add-member", "Guests", "alice");
      assertEquals(403, alice.get(), "the ACL reads the account's groups as they are now");
      accounts("groups", "remove-member", "Guests", "alice");
      assertEquals(200, alice.get());
      assertEquals(1, openTokens());
    }
  }

  /**
   * A reload releases the kept context of an idle connection as its drain begins: the old version
   * goes without waiting for plugins.drainSeconds (the clock does not move), and the connection,
   * still open, is served at its next request by the version in service.
   */
  @Test
  void aReloadReleasesAnIdleKeptContextAtOnceAndTheConnectionStays() throws Exception {
    long before = clock.nanoTime();
    try (Client alice = connect("alice:pw-alice")) {
      assertEquals(200, alice.get());
      host.plugins()
          .reloads()
          .reconfigure(
              "digest",
              Map.of("realm", "AuthHost", "algorithms", "MD5", "nonceLifetimeSeconds", "20"));
      // Released on the reloading thread, which then unloads the old version.
      BoundedWait.until(() -> !unloaded().isEmpty());
      assertEquals(1, unloaded().size(), "the old version went without waiting for the client");
      assertFalse(draining());
      assertEquals(0, openTokens(), "its kept context was released with its token");
      assertEquals(before, clock.nanoTime(), "no drain time waited for");
      assertEquals(List.of(), events("still had"), "nothing left for the drain's end");
      assertEquals(200, alice.get(), "the same connection; the nonce stays good across versions");
      assertEquals(1, openTokens(), "held by the new version's context");
    }
  }

  /**
   * A kept context holds no handshake, only a token the next request gets again: when the old
   * version's drain time runs out, the context is dropped and the connection (an idle keep-alive)
   * stays, served at its next request by the version in service.
   */
  @Test
  void aDrainRunningOutDropsTheKeptContextNotTheConnection() throws Exception {
    try (Client alice = connect("alice:pw-alice")) {
      assertEquals(200, alice.get());
      host.plugins()
          .reloads()
          .reconfigure(
              "digest",
              Map.of("realm", "AuthHost", "algorithms", "MD5", "nonceLifetimeSeconds", "20"));
      clock.advance(Duration.ofSeconds(31));
      awaitNoTokens("the kept context was released");
      RawHttpConnection.Response stale = alice.connection().get(PATH, alice.digest().next(PATH));
      assertEquals(401, stale.status(), "its nonce (10 s) has expired meanwhile: stale");
      LoadTool.DigestClient renewed =
          LoadTool.DigestClient.from(stale.values("WWW-Authenticate"), "alice:pw-alice", "MD5");
      assertEquals(
          200,
          alice.connection().get(PATH, renewed.next(PATH)).status(),
          "the same connection, open and served");
    }
  }

  private List<String> events(String part) {
    return host.eventLog().query(EventQuery.all()).stream()
        .map(EventRecord::text)
        .filter(t -> t.contains(part))
        .toList();
  }

  private List<String> unloaded() {
    return Reloads.unloaded(host, "digest");
  }

  private boolean draining() {
    return Reloads.draining(host, "digest");
  }
}
