package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.authn.Audit;
import org.authhost.host.config.ConfigLoader;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.diagnostics.TroubleshootingEntry;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What an attacker trial did to the host, end to end over real sockets with the real plug-ins
 * (Anonymous, Digest, Basic) on a fake clock: floods that emptied the troubleshooting list and the
 * audit, a lockout that shut out anonymous content, garbage and replays that locked accounts, the
 * built-in Administrator locked by anyone, no way for the operator to unlock.
 */
class HostileClientsTest {
  private static final Duration SUMMARY_WINDOW = Duration.ofSeconds(60);

  @TempDir Path root;
  private final MutableClock clock = new MutableClock();
  private Path config;
  private AuthHost host;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Path media = Files.createDirectories(root.resolve("media"));
    Files.writeString(media.resolve("hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    for (String jar :
        List.of(
            "authhost-plugin-anonymous.jar",
            "authhost-plugin-digest.jar",
            "authhost-plugin-basic.jar")) {
      Files.copy(PluginJar.builtinPlugin(jar), plugins.resolve(jar));
    }
    config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "order": ["anonymous", "digest", "basic"],
            "settings": { "digest": { "enabled": true, "properties": {
              "realm": "AuthHost", "algorithms": "MD5" } } }
          },
          "eventLog": { "troubleshootingLimit": 5 },
          "http": { "port": 0 },
          "accounts": { "digestRealms": ["AuthHost"] },
          "security": { "lockout": { "threshold": 5, "addressThreshold": 20,
                                     "windowSeconds": 300, "durationSeconds": 900 } },
          "publishingPoints": [
            { "name": "vod", "prefix": "/vod/", "directory": "../media" },
            { "name": "private", "prefix": "/private/", "directory": "../media",
              "plugins": ["digest", "basic"] },
            { "name": "gone", "prefix": "/gone/", "directory": "../no-such-folder" }
          ]
        }
        """);
    TestHosts.addAccount(config, "alice", "pw-alice");
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  private RawHttpConnection connect() throws Exception {
    return new RawHttpConnection("127.0.0.1", port);
  }

  private List<EventRecord> audit(String containing) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(containing))
        .toList();
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFloodOfRefusalsLeavesTheTroubleshootingListAloneAndIsSummarised() throws Exception {
    List<TroubleshootingEntry> before = host.troubleshooting().entries();
    assertTrue(
        before.stream().anyMatch(e -> e.text().contains("publishing point 'gone'")),
        "the operator's record of a missing folder is on the list: " + before);
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 1000; i++) {
        assertEquals(404, c.get("/vod/missing-" + i + ".txt", null).status());
      }
      for (int i = 0; i < 200; i++) {
        assertEquals(401, c.get("/private/hello.txt", "Bogus x" + i).status());
      }
    }
    // The list holds only what the host and its plug-ins reported: 1,200 refusals changed nothing
    // (a list of five used to lose its entries to the first five).
    assertEquals(before, host.troubleshooting().entries());
    assertEquals(0, host.troubleshooting().dropped());
    // A missing file is not a security event: not audited at all.
    assertEquals(List.of(), audit("refused 404"));
    // The scheme nobody offers: the first in full (INFORMATION, the client's own mistake) ...
    List<EventRecord> bogus = audit("refused 401");
    assertEquals(1, bogus.size(), bogus.toString());
    assertEquals(EventLevel.INFORMATION, bogus.get(0).level());
    assertTrue(bogus.get(0).text().contains("Authorization scheme 'Bogus' is not offered here"));
    // ... and, once the window is over, one record for the other 199.
    clock.advance(SUMMARY_WINDOW);
    try (RawHttpConnection c = connect()) {
      assertEquals(401, c.get("/private/hello.txt", "Bogus again").status());
    }
    EventRecord summary = awaitAudit("summary: 199 more 'refused 401' from client=127.0.0.1");
    assertTrue(summary.text().endsWith("in the last 60 s"), summary.text());
    assertTrue(
        summary.text().contains("(reasons: \"Authorization scheme 'Bogus' is not offered here")
            && summary.text().contains("\" 199)"),
        "the folded records' reason, counted: " + summary.text());
    assertEquals(2, audit("reason=Authorization scheme 'Bogus'").size(), "a new window");
  }

  /**
   * An operator checks the audit right after a burst on an otherwise quiet host: its summary is
   * there once the burst's window is over, without another request. It used to wait for the front's
   * periodic flush, which runs on its own period, not the burst's: up to two windows.
   */
  @Test
  void aBurstsSummaryIsWrittenWhenItsWindowEndsOnAQuietHost() throws Exception {
    // Half-way into the front's flush period, so that only the window's own end can write it.
    clock.advance(SUMMARY_WINDOW.dividedBy(2));
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 20; i++) {
        assertEquals(401, c.get("/private/hello.txt", "Bogus x" + i).status());
      }
      // The Basic plug-in's own events about this client are summarised the same way.
      for (int i = 0; i < 5; i++) {
        assertEquals(401, c.get("/private/hello.txt", "Basic !!!not-base64!!!").status());
      }
    }
    assertEquals(1, audit("refused 401").size());
    clock.advance(SUMMARY_WINDOW.minusSeconds(1));
    assertEquals(List.of(), audit("summary: "), "the window is not over");
    clock.advance(Duration.ofSeconds(1));
    EventRecord summary = awaitAudit("summary: 24 more 'refused 401' from client=127.0.0.1");
    assertTrue(summary.text().endsWith("in the last 60 s"), summary.text());
    awaitEvent("basic", "summary: 4 more 'events' from client=127.0.0.1");
  }

  /** Waits for the one event of {@code source} holding {@code text}: written on another thread. */
  private EventRecord awaitEvent(String source, String text) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<EventRecord> found =
          host.eventLog().query(EventQuery.all().withSource(source)).stream()
              .filter(e -> e.text().contains(text))
              .toList();
      if (!found.isEmpty()) {
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("no " + source + " event with " + text);
      }
      LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
    }
  }

  @Test
  void anonymousLogonsOfAClientThatKeepsReconnectingAreSummarised() throws Exception {
    for (int i = 0; i < 50; i++) {
      try (RawHttpConnection c = connect()) {
        assertEquals(200, c.get("/vod/hello.txt", null).status());
      }
    }
    // One logon per new connection used to be one record each, outside the flood table.
    assertEquals(1, audit("logon succeeded").size(), audit("logon succeeded").toString());
    // Named as every logon is, qualified by the server's name: it used to be the bare "Guest".
    String logon = audit("logon succeeded").get(0).text();
    assertTrue(logon.contains(" account=\"TESTHOST\\\\Guest\" "), logon);
    clock.advance(SUMMARY_WINDOW);
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/vod/hello.txt", null).status());
    }
    awaitAudit(
        "summary: 49 more 'anonymous logon succeeded plugin=anonymous point=vod' from"
            + " client=127.0.0.1");
  }

  /**
   * The summary is written by the front's periodic flush or by the next record, whichever first.
   */
  private EventRecord awaitAudit(String text) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<EventRecord> found = audit(text);
      if (!found.isEmpty()) {
        assertEquals(1, found.size(), found.toString());
        return found.get(0);
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("no audit record with " + text);
      }
      // Written on the front's summary thread or by the request just answered: a short park
      // between looks, never a busy spin.
      LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
    }
  }

  @Test
  void anAddressLockedOutByFailedLogonsStillGetsAnonymousContent() throws Exception {
    try (RawHttpConnection c = connect()) {
      // 25 wrong passwords for 25 names: the address's threshold (20) is passed.
      for (int i = 0; i < 25; i++) {
        int status = c.get("/private/hello.txt", basic("user" + i, "wrong")).status();
        assertEquals(i < 20 ? 401 : 429, status, "attempt " + i);
      }
      assertEquals(1, audit("lockout: ip:127.0.0.1").size());
      // Public content, and a challenge, are not credential checks: not locked.
      RawHttpConnection.Response open = c.get("/vod/hello.txt", null);
      assertEquals(200, open.status());
      assertEquals("hello\n", open.bodyText());
      assertEquals(401, c.get("/private/hello.txt", null).status());
      // A credential check from that address still is, even with the right password.
      assertEquals(429, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    // The refusal says it was the address's lock (which 'accounts unlock --address' lifts), and
    // names no account: the names tried were the attacker's.
    List<String> refused = audit("refused 429").stream().map(EventRecord::text).toList();
    assertEquals(1, refused.size(), "the first in full, the others folded: " + refused);
    assertTrue(
        refused
            .get(0)
            .endsWith(
                "request=\"GET /private/hello.txt\" lock=address"
                    + " reason=locked out after repeated logon failures"),
        refused.get(0));
    assertFalse(refused.get(0).contains("account="), refused.get(0));
  }

  /**
   * A refusal of a locked account names it as every other record does, whatever spelling the client
   * used, and says that the account's lock refused it (which 'accounts unlock NAME' lifts).
   */
  @Test
  void aLockoutsRefusalNamesTheLockedAccountAndItsLock() throws Exception {
    lockAlice();
    try (RawHttpConnection c = connect()) {
      assertEquals(429, c.get("/private/hello.txt", basic("ALICE", "pw-alice")).status());
    }
    List<String> refused = audit("refused 429").stream().map(EventRecord::text).toList();
    assertEquals(
        List.of(
            "refused 429: client=127.0.0.1 point=private request=\"GET /private/hello.txt\""
                + " account=\"TESTHOST\\\\alice\" lock=account"
                + " reason=locked out after repeated logon failures"),
        refused);
  }

  @Test
  void garbageAuthorizationHeadersLockNothing() throws Exception {
    List<String> garbage =
        List.of(
            "Basic !!!not-base64!!!",
            "Basic " + Base64.getEncoder().encodeToString("no colon".getBytes()),
            "Digest garbage",
            "Digest username=\"alice\"",
            "Basic");
    try (RawHttpConnection c = connect();
        LogCapture console = LogCapture.of("authhost.events")) {
      for (int i = 0; i < 30; i++) {
        RawHttpConnection.Response r = c.get("/private/hello.txt", garbage.get(i % garbage.size()));
        assertEquals(401, r.status(), "attempt " + i + ": " + garbage.get(i % garbage.size()));
        assertFalse(r.values("WWW-Authenticate").isEmpty(), "a fresh challenge");
      }
      // Neither the audit nor the plug-ins' refusals of these clients reach the console
      // (eventLog.echoAudit is off): a client must not be able to flood it. The event log has the
      // first refusal of the plug-in in full, the rest are counted for its summary.
      List<String> echoed = console.events().stream().map(e -> e.getFormattedMessage()).toList();
      assertTrue(
          echoed.stream().noneMatch(m -> m.contains("malformed Basic credentials")),
          echoed.toString());
      assertTrue(echoed.stream().noneMatch(m -> m.contains(" audit ")), echoed.toString());
      List<EventRecord> basicRefusals =
          host.eventLog().query(EventQuery.all().withSource("basic")).stream()
              .filter(e -> e.text().contains("malformed Basic credentials"))
              .toList();
      assertEquals(1, basicRefusals.size(), basicRefusals.toString());
      assertFalse(audit("refused 401").isEmpty(), "the audit has them");
      assertEquals(List.of(), audit("logon failed"), "garbage is not a failed logon");
      assertEquals(List.of(), audit("lockout:"));
      assertEquals("no lockouts\n", cli("accounts", "lockouts"));
      assertEquals(200, c.get("/vod/hello.txt", null).status());
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
  }

  @Test
  void aReplayedDigestHeaderIsNotAFailedLogonOfTheVictim() throws Exception {
    String header;
    try (RawHttpConnection c = connect()) {
      RawHttpConnection.Response challenge = c.get("/private/hello.txt", null);
      header = digest(challenge.challengeData("Digest"), "alice", "pw-alice", "/private/hello.txt");
      assertEquals(200, c.get("/private/hello.txt", header).status());
    }
    // A captured header replayed ten times: twice alice's threshold.
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 10; i++) {
        assertEquals(401, c.get("/private/hello.txt", header).status(), "replay " + i);
      }
    }
    assertEquals(List.of(), audit("logon failed"), "no failed logon of alice");
    assertEquals(List.of(), audit("lockout:"));
    // alice is not locked out: her next logon goes through.
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
  }

  /** Locks alice's account with five wrong passwords (her threshold), from 127.0.0.1. */
  private void lockAlice() throws Exception {
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, c.get("/private/hello.txt", basic("alice", "wrong" + i)).status());
      }
    }
    assertEquals(1, audit("lockout: account=\"TESTHOST\\\\alice\"").size());
  }

  /** Stops the host and starts a new one on the same configuration and data folder. */
  private void restart() throws Exception {
    host.stop();
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
  }

  /** The host's events that announce lockouts put back in force at a start. */
  private List<EventRecord> restoredLockouts() {
    return host.eventLog().query(EventQuery.all().withSource(HostEvents.HOST)).stream()
        .filter(e -> e.text().contains("restored from"))
        .toList();
  }

  /**
   * A restart of a single host is no way to lift a lockout: those in force are kept in its data
   * folder, and so is the operator's unlock. The start that puts lockouts back says so, in one
   * event the console shows; a start with none says nothing of them.
   */
  @Test
  void aLockoutInForceOutlivesARestartAndSoDoesAnUnlock() throws Exception {
    Instant until = clock.instant().plus(Duration.ofSeconds(900));
    lockAlice();
    try (LogCapture console = LogCapture.of("authhost.events")) {
      restart();
      List<String> echoed =
          console.events().stream()
              .map(e -> e.getFormattedMessage())
              .filter(m -> m.contains("restored from"))
              .toList();
      assertEquals(1, echoed.size(), echoed.toString());
      assertTrue(echoed.get(0).contains("1 lockout restored from "), echoed.get(0));
      assertTrue(
          echoed
              .get(0)
              .contains("var" + java.io.File.separator + "lockouts (the last until " + until + ")"),
          echoed.get(0));
    }
    assertEquals(EventLevel.INFORMATION, restoredLockouts().get(0).level());
    try (RawHttpConnection c = connect()) {
      assertEquals(429, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    assertTrue(cli("accounts", "lockouts").contains("alice"));
    assertEquals("account alice unlocked\n", cli("accounts", "unlock", "alice"));
    restart();
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    // A lockout kept over a restart ends when it would have ended.
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, c.get("/private/hello.txt", basic("alice", "again" + i)).status());
      }
      assertEquals(429, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    clock.advance(Duration.ofSeconds(900));
    restart();
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    assertEquals(1, restoredLockouts().size(), "the starts with none in force say nothing");
  }

  @Test
  void aFailedLogonNamesAnAccountAsItsSuccessDoesAndAnUnknownNameAsTried() throws Exception {
    try (RawHttpConnection c = connect()) {
      assertEquals(401, c.get("/private/hello.txt", basic("alice", "wrong")).status());
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    // The next window: the unknown name's failure is written in full, not folded.
    clock.advance(SUMMARY_WINDOW);
    try (RawHttpConnection c = connect()) {
      assertEquals(401, c.get("/private/hello.txt", basic("Mallory", "wrong")).status());
    }
    String qualified = " account=\"TESTHOST\\\\alice\" ";
    assertEquals(
        1, audit("logon succeeded").stream().filter(e -> e.text().contains(qualified)).count());
    List<EventRecord> failed = audit("logon failed");
    assertEquals(2, failed.size(), failed.toString());
    assertTrue(failed.get(0).text().contains(qualified), failed.get(0).text());
    assertTrue(failed.get(1).text().contains(" account=\"Mallory\" "), failed.get(1).text());
  }

  @Test
  void everyLockoutIsWrittenInFullWithItsAccountNeverFoldedIntoASummary() throws Exception {
    // Two names locked from one address in one summary window (10 failures: under the address's
    // threshold of 20); bob is no account, but Basic names him, so his failures count by name.
    lockAlice();
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, c.get("/private/hello.txt", basic("bob", "wrong" + i)).status());
      }
    }
    List<EventRecord> bob = audit("lockout: account=\"bob\"");
    assertEquals(1, bob.size(), "bob's lockout written in full: " + audit("lockout"));
    assertEquals(EventLevel.WARNING, bob.get(0).level());
    assertTrue(bob.get(0).text().contains("client=127.0.0.1"), bob.get(0).text());
    clock.advance(SUMMARY_WINDOW);
    try (RawHttpConnection c = connect()) {
      assertEquals(401, c.get("/private/hello.txt", "Bogus after the window").status());
    }
    assertEquals(List.of(), audit("'lockout of an"), "no lockout is folded into a summary");
    assertEquals(1, audit("lockout: account=\"TESTHOST\\\\alice\"").size());
    assertEquals(1, audit("lockout: account=\"bob\"").size());
  }

  @Test
  void aLockedDigestAccountAnswersTheSameHeaderTheSameWayTwiceRightPasswordOrWrong()
      throws Exception {
    lockAlice();
    for (String password : List.of("pw-alice", "wrong")) {
      try (RawHttpConnection c = connect()) {
        String header =
            digest(
                c.get("/private/hello.txt", null).challengeData("Digest"),
                "alice",
                password,
                "/private/hello.txt");
        // The second is a replay of the first; it used to lose alice's name, escape her lockout
        // and answer 401 for the right password only: a password oracle.
        assertEquals(429, c.get("/private/hello.txt", header).status(), password + ", first");
        assertEquals(429, c.get("/private/hello.txt", header).status(), password + ", again");
      }
    }
  }

  /**
   * The throttle answers "nobody is locked out" without a look-up while the latest lockout it ever
   * began has ended: one lockout running out must not hide another that began later.
   */
  @Test
  void aLockoutThatBeganLaterOutlastsOneThatEnded() throws Exception {
    lockAlice();
    clock.advance(Duration.ofMinutes(10));
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, c.get("/private/hello.txt", basic("mallory", "guess" + i)).status());
      }
    }
    assertEquals(1, audit("lockout: account=\"mallory\"").size());
    clock.advance(Duration.ofMinutes(6)); // alice's 15 minutes are over, mallory's are not
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
      assertEquals(429, c.get("/private/hello.txt", basic("mallory", "guess")).status());
    }
    clock.advance(Duration.ofMinutes(10)); // and now mallory's are
    try (RawHttpConnection c = connect()) {
      assertEquals(401, c.get("/private/hello.txt", basic("mallory", "guess")).status());
    }
  }

  @Test
  void guessingOnAgainstALockedAccountTripsTheAddressLockout() throws Exception {
    lockAlice();
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 30; i++) {
        assertEquals(
            429, c.get("/private/hello.txt", basic("alice", "guess" + i)).status(), "guess " + i);
      }
      // The address (threshold 20: 5 failures and 15 guesses against the lock) is locked too:
      // an account that is not locked is refused from it.
      assertEquals(1, audit("lockout: ip:127.0.0.1").size(), audit("lockout:").toString());
      assertEquals(429, c.get("/private/hello.txt", basic("nobody", "x")).status());
    }
  }

  @Test
  void theBuiltInAdministratorIsNotLockedByAccountButItsAttackerIs() throws Exception {
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 19; i++) {
        assertEquals(
            401,
            c.get("/private/hello.txt", basic("Administrator", "guess" + i)).status(),
            "attempt " + i + ": never locked by account");
      }
      assertEquals(List.of(), audit("lockout:"));
      // The 20th failure from the address locks the address (not the account).
      assertEquals(401, c.get("/private/hello.txt", basic("Administrator", "guess")).status());
      assertEquals(429, c.get("/private/hello.txt", basic("Administrator", "x")).status());
    }
    assertEquals(1, audit("lockout: ip:127.0.0.1").size());
    assertEquals(List.of(), audit("lockout: account="));
    // alice's account, by contrast, locks after five.
    assertEquals(
        "address 127.0.0.1 unlocked\n", cli("accounts", "unlock", "--address", "127.0.0.1"));
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, c.get("/private/hello.txt", basic("alice", "wrong" + i)).status());
      }
      assertEquals(429, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    assertEquals(1, audit("lockout: account=\"TESTHOST\\\\alice\"").size());
  }

  @Test
  void theAdministratorLogsOnFromASecondAddressAfterAttacksOnItFromAFirst() throws Exception {
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("pw-admin\n".getBytes(StandardCharsets.UTF_8)));
      assertEquals(
          0,
          Main.commandLine()
              .execute(
                  "accounts",
                  "passwd",
                  "Administrator",
                  "--password-stdin",
                  "--config",
                  config.toString()),
          "set the Administrator's password");
    } finally {
      System.setIn(stdin);
    }
    // The host reads the store as it starts (its poller runs on the fake clock).
    host.stop();
    host = AuthHost.create(ConfigLoader.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
    // Not a loopback client, so Digest alone is offered (Basic needs TLS or loopback).
    String attacker = "192.0.2.50";
    for (int i = 0; i < 20; i++) {
      assertEquals(401, digestLogOn(attacker, "Administrator", "guess" + i), "guess " + i);
    }
    assertEquals(429, digestLogOn(attacker, "Administrator", "pw-admin"), "the attacker is locked");
    assertEquals(1, audit("lockout: ip:192.0.2.50").size());
    assertEquals(List.of(), audit("lockout: account="), "the Administrator is never locked");
    assertEquals(200, digestLogOn("192.0.2.51", "Administrator", "pw-admin"));

    // Another domain's spelling is no account here: its failures lock that name, and nothing the
    // built-in Administrator's own password check asks about (review W1).
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 6; i++) {
        c.get("/private/hello.txt", basic("OTHER\\Administrator", "guess" + i));
      }
    }
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/private/hello.txt", basic("Administrator", "pw-admin")).status());
    }
  }

  /** One Digest logon from {@code client} below the socket: the challenge, then the answer. */
  private int digestLogOn(String client, String user, String password) throws Exception {
    HttpServices services = host.http().services();
    FrontChannel ch =
        FrontChannel.open(
            services, clock, client, FrontChannel.inline(services.driver(), () -> {}));
    try {
      ch.get("/private/hello.txt");
      String challenge =
          ch.answer().headers().getAll("WWW-Authenticate").stream()
              .filter(v -> v.startsWith("Digest "))
              .findFirst()
              .orElseThrow()
              .substring("Digest ".length());
      ch.get(
          "/private/hello.txt",
          "Authorization",
          digest(challenge, user, password, "/private/hello.txt"));
      return ch.answer().status();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void theOperatorUnlocksAnAccountAndAnAddressFromTheCommandLine() throws Exception {
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, c.get("/private/hello.txt", basic("alice", "wrong" + i)).status());
      }
      assertEquals(429, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    assertTrue(cli("accounts", "lockouts").contains("alice"));
    assertEquals("account alice unlocked\n", cli("accounts", "unlock", "alice"));
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    List<EventRecord> unlocked = audit("unlock: account=\"TESTHOST\\\\alice\" was locked out");
    assertEquals(1, unlocked.size(), audit("unlock").toString());
    // One spelling of the account: a search for it finds its failures, lockout and unlock.
    List<String> alice = audit("\"TESTHOST\\\\alice\"").stream().map(EventRecord::text).toList();
    // The first failure in full, the four after it folded into a summary that names her too.
    assertEquals(
        1, alice.stream().filter(t -> t.startsWith("logon failed:")).count(), alice.toString());
    assertEquals(1, alice.stream().filter(t -> t.startsWith("unlock:")).count(), alice.toString());
    List<String> lockout = alice.stream().filter(t -> t.startsWith("lockout:")).toList();
    assertEquals(1, lockout.size(), alice.toString());
    assertTrue(
        lockout
            .get(0)
            .contains(
                " after 5 failed logons in 300 s; last attempt client=127.0.0.1"
                    + " point=private request=\"GET /private/hello.txt\" protocol=Basic plugin=basic"),
        lockout.get(0));

    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 20; i++) {
        c.get("/private/hello.txt", basic("nobody" + i, "wrong"));
      }
      assertEquals(429, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    assertEquals(
        "address 127.0.0.1 unlocked\n", cli("accounts", "unlock", "--address", "127.0.0.1"));
    try (RawHttpConnection c = connect()) {
      assertEquals(200, c.get("/private/hello.txt", basic("alice", "pw-alice")).status());
    }
    assertEquals(1, audit("unlock: address \"127.0.0.1\" was locked out").size());
    assertEquals(
        "address 127.0.0.1 was not locked out (its failed logons are cleared)\n",
        cli("accounts", "unlock", "--address", "127.0.0.1"));
    assertEquals(
        "'host.example' is not an IP address (e.g. 192.0.2.7 or 2001:db8::7)\n",
        cliError("accounts", "unlock", "--address", "host.example"));
    // Hex letters alone are a host name to a resolver, never looked up here.
    assertEquals(
        "'cafe' is not an IP address (e.g. 192.0.2.7 or 2001:db8::7)\n",
        cliError("accounts", "unlock", "--address", "cafe"));
    // A zone is accepted (as an operator copies a link-local address) and dropped.
    assertEquals(
        "address fe80::1 was not locked out (its failed logons are cleared)\n",
        cli("accounts", "unlock", "--address", "fe80::1%lo"));
    assertEquals(
        "error: give an account NAME or --address ADDRESS (one of the two)\n",
        cliError("accounts", "unlock"));
    // A name that is no account and that no failed logon used: a typo, not "unlocked".
    assertEquals(
        "no account 'alcie': it is not in the account store and no failed logons are counted"
            + " under that name, so there is nothing to unlock by name (an unknown name is counted"
            + " by name only where the plug-in names it, and only up to"
            + " security.lockout.namesPerAddress names per address; the address's own count still"
            + " applies: see 'authhost accounts lockouts'). Check the name with 'authhost accounts"
            + " list'\n",
        cliError("accounts", "unlock", "alcie"));
    assertEquals(List.of(), audit("unlock: account=\"alcie\""), "nothing done, nothing audited");
    // A name an attacker invented is no account, but the lockout counted it: it can be cleared.
    assertEquals(
        "account nobody3 was not locked out (its failed logons are cleared)\n",
        cli("accounts", "unlock", "nobody3"));
  }

  @Test
  void aTrailingSlashAfterAFileIsNotTheFile() throws Exception {
    try (RawHttpConnection c = connect()) {
      assertEquals(404, c.get("/vod/hello.txt/", null).status());
      assertEquals(200, c.get("/vod/hello.txt", null).status());
    }
  }

  /** A command the operator got wrong: exit code 2 and one line on standard error. */
  private String cliError(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = config.toString();
    assertEquals(2, cli.execute(withConfig));
    return err.toString(StandardCharsets.UTF_8);
  }

  private String cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    String[] withConfig = new String[args.length + 2];
    System.arraycopy(args, 0, withConfig, 0, args.length);
    withConfig[args.length] = "--config";
    withConfig[args.length + 1] = config.toString();
    int rc = cli.execute(withConfig);
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  /** An RFC 7616 MD5 response with qop=auth, nc=1, for the challenge's parameters. */
  private static String digest(String challenge, String user, String password, String uri)
      throws Exception {
    Map<String, String> p = new java.util.HashMap<>();
    Matcher m = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))").matcher(challenge);
    while (m.find()) {
      p.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
    }
    assertFalse(p.get("nonce") == null, challenge);
    String cnonce = "0a4f113b";
    String nc = "00000001";
    String ha1 = md5(user + ":" + p.get("realm") + ":" + password);
    String ha2 = md5("GET:" + uri);
    String response = md5(ha1 + ":" + p.get("nonce") + ":" + nc + ":" + cnonce + ":auth:" + ha2);
    return "Digest username=\""
        + user
        + "\", realm=\""
        + p.get("realm")
        + "\", nonce=\""
        + p.get("nonce")
        + "\", uri=\""
        + uri
        + "\", algorithm=MD5, qop=auth, nc="
        + nc
        + ", cnonce=\""
        + cnonce
        + "\", response=\""
        + response
        + "\""
        + (p.containsKey("opaque") ? ", opaque=\"" + p.get("opaque") + "\"" : "");
  }

  private static String md5(String s) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.ISO_8859_1)));
  }
}
