package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.PluginJar;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benign refusal said through the callback ({@code OnAuthenticateRefused}, API 1.3) by a real
 * plug-in JAR that calls back from its own thread after {@code Authenticate} returned: a fresh
 * challenge, an INFORMATION audit, no count towards a lockout. From a plug-in declaring API 1.2 the
 * same call is a plain refusal.
 */
class BenignRefusalTest {
  @TempDir static Path root;
  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    PluginJar.of("refusing", "org.authhost.testplugins.refusing.RefusingPlugin")
        .writeTo(plugins, "refusing.jar");
    PluginJar.of("refusing", "org.authhost.testplugins.refusing.RefusingPlugin")
        .with("id", "refusing12")
        .with("api-version", "1.2")
        .writeTo(plugins, "refusing12.jar");
    PluginJar.of("refusing", "org.authhost.testplugins.refusing.RefusingPlugin")
        .with("id", "refusingx")
        .writeTo(plugins, "refusingx.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "order": ["refusing", "refusing12", "refusingx"] },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "security": { "lockout": { "threshold": 3, "addressThreshold": 1000,
                                     "windowSeconds": 300, "durationSeconds": 600 } },
          "publishingPoints": [
            { "name": "new", "prefix": "/new/", "directory": "../media", "plugins": ["refusing"] },
            { "name": "old", "prefix": "/old/", "directory": "../media", "plugins": ["refusing12"] },
            { "name": "x", "prefix": "/x/", "directory": "../media", "plugins": ["refusingx"] }
          ]
        }
        """);
    host = AuthHost.create(TestHosts.load(config), FakeTime.of(new MutableClock()));
    host.start();
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** The status of one request on a connection of its own. */
  private static int getOnItsOwn(String path, String authorization) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.get(path, authorization).status();
    }
  }

  private static List<EventRecord> audit(String containing) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(containing))
        .toList();
  }

  @Test
  void aBenignRefusalFromAnotherThreadIsNeitherAFailedLogonNorCountedTowardsALockout()
      throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 6; i++) {
        RawHttpConnection.Response r = c.get("/new/hello.txt", "X-Refuse stale:erin");
        assertEquals(401, r.status(), "refusal " + i);
        assertTrue(
            r.headers().contains("WWW-Authenticate: X-Refuse fresh-again"),
            "the plug-in's own fresh challenge: " + r.headers());
      }
    }
    assertEquals(
        List.of(), audit("lockout: account=\"erin\""), "six benign refusals, threshold three");
    assertEquals(
        List.of(), audit("logon failed").stream().filter(e -> e.text().contains("erin")).toList());
    List<EventRecord> refused = audit("account \"erin\" as not a guess");
    assertEquals(6, refused.size(), refused.toString());
    for (EventRecord e : refused) {
      assertEquals(EventLevel.INFORMATION, e.level(), e.toString());
      assertEquals(HResult.SEC_E_INVALID_TOKEN, e.hresult(), e.toString());
    }
  }

  @Test
  void aBenignRefusalWithAForeignContextValueIsAPluginFailure() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(503, c.get("/x/hello.txt", "X-Refuse foreign:judy").status(), "fail closed");
    }
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ERROR,
        host.plugins().plugin("refusingx").orElseThrow().status());
    List<EventRecord> errors =
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.level() == EventLevel.ERROR)
            .filter(e -> e.text().contains("OnAuthenticateRefused was called with a context value"))
            .toList();
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(HResult.E_INVALIDARG, errors.get(0).hresult());
    assertEquals(List.of(), audit("account \"judy\" as not a guess"), "no refusal was honoured");
  }

  @Test
  void theSameCallFromAPluginBuiltForApi12IsAFailedLogon() throws Exception {
    // A connection per attempt: the same credentials again on one connection count once.
    for (int i = 0; i < 3; i++) {
      assertEquals(401, getOnItsOwn("/old/hello.txt", "X-Refuse stale:frank"));
    }
    // The plug-in declares API 1.2: its OnAuthenticateRefused is a plain DENIED, so the three
    // above counted and the account is now locked.
    assertEquals(429, getOnItsOwn("/old/hello.txt", "X-Refuse stale:frank"));
    assertEquals(3, audit("logon failed").stream().filter(e -> e.text().contains("frank")).count());
    assertEquals(1, audit("lockout: account=\"frank\"").size(), audit("lockout:").toString());
  }

  @Test
  void aPlainRefusalThroughTheCallbackStillCounts() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 3; i++) {
        // Three different wrong passwords (the same one again on a connection counts once).
        assertEquals(401, c.get("/new/hello.txt", "X-Refuse wrong" + i + ":grace").status());
      }
      assertEquals(429, c.get("/new/hello.txt", "X-Refuse wrong:grace").status());
    }
    assertEquals(1, audit("lockout: account=\"grace\"").size(), audit("lockout:").toString());
  }

  /**
   * The same credentials with another value of a header the plug-in read (a second factor) are
   * another guess: each counts, and the third locks (threshold three). The same again counts once.
   */
  @Test
  void aHeaderThePluginReadIsPartOfTheGuess() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 3; i++) {
        String head =
            "GET /new/hello.txt HTTP/1.1\nAuthorization: X-Refuse second:judy\nX-Second: 00000" + i;
        assertEquals(401, c.send(head, null).status());
        assertEquals(401, c.send(head, null).status(), "the same again");
      }
    }
    assertEquals(3, audit("logon failed").stream().filter(e -> e.text().contains("judy")).count());
    assertEquals(1, audit("lockout: account=\"judy\"").size(), audit("lockout:").toString());
  }

  @Test
  void theBenignRefusalIsTheOneCallbackCallAndASecondOfEitherKindIsIgnored() throws Exception {
    // A connection per attempt: the same credentials again on one connection count once.
    for (int i = 0; i < 3; i++) {
      assertEquals(401, getOnItsOwn("/new/hello.txt", "X-Refuse refused-twice:heidi"));
    }
    assertEquals(
        401,
        getOnItsOwn("/new/hello.txt", "X-Refuse refused-twice:heidi"),
        "the first call, benign, counted: no lockout behind the ignored DENIED");
    for (int i = 0; i < 3; i++) {
      assertEquals(401, getOnItsOwn("/new/hello.txt", "X-Refuse denied-twice:ivan"));
    }
    assertEquals(
        429,
        getOnItsOwn("/new/hello.txt", "X-Refuse denied-twice:ivan"),
        "the first call, a plain DENIED, counted: the benign one after it changed nothing");
    assertEquals(List.of(), audit("lockout: account=\"heidi\""));
    assertEquals(1, audit("lockout: account=\"ivan\"").size());
    // The plug-in makes its second call after the first has answered the client, and takes no
    // new leg before it has logged it: one more leg (a bare request's challenge) is the event that
    // says all are logged. Eight: the request refused as locked out reached the plug-in too (the
    // account is known only from its answer).
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(401, c.get("/new/hello.txt", null).status());
    }
    List<EventRecord> answers =
        host.eventLog().query(EventQuery.all().withSource("refusing")).stream()
            .filter(e -> e.text().equals("second call answered"))
            .toList();
    assertEquals(8, answers.size(), answers.toString());
    answers.forEach(e -> assertEquals(HResult.E_UNEXPECTED, e.hresult()));
    List<EventRecord> warnings =
        host.eventLog().query(EventQuery.all()).stream()
            .filter(e -> e.level() == EventLevel.WARNING)
            .filter(e -> e.text().contains("the host kept the first answer"))
            .toList();
    assertTrue(
        warnings.stream()
            .anyMatch(e -> e.text().contains("OnAuthenticateComplete was called 2 times")),
        warnings.toString());
    assertTrue(
        warnings.stream()
            .anyMatch(
                e ->
                    e.text()
                        .contains(
                            "OnAuthenticateRefused was called after the callback had already answered")),
        warnings.toString());
  }
}
