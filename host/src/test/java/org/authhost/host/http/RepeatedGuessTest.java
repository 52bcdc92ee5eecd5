package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same credentials refused again on one connection are the same guess, counted once; every
 * other guess counts, on one connection or by reconnecting, so that no client gets more guesses per
 * lockout window. With the real Basic plug-in (the host sees only opaque octets) and the default
 * threshold of five.
 */
class RepeatedGuessTest {
  @TempDir Path root;
  private AuthHost host;
  private int port;

  @BeforeEach
  void start() throws Exception {
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-basic.jar",
            "hello\n",
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins" },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "lockout": { "threshold": 5, "addressThreshold": 50 } },
              "publishingPoints": [
                { "name": "private", "prefix": "/private/", "directory": "../media",
                  "plugins": ["basic"] } ]
            }
            """,
            FakeTime.of(new MutableClock()));
    port = host.http().plainPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  private int get(RawHttpConnection c, String password) throws Exception {
    String basic =
        Base64.getEncoder().encodeToString(("alice:" + password).getBytes(StandardCharsets.UTF_8));
    return c.get("/private/hello.txt", "Basic " + basic).status();
  }

  private RawHttpConnection connect() throws Exception {
    return new RawHttpConnection("127.0.0.1", port);
  }

  private List<EventRecord> audit(String containing) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(containing))
        .toList();
  }

  @Test
  void theSamePasswordSentAgainOnAConnectionIsOneFailedLogon() throws Exception {
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 9; i++) {
        assertEquals(401, get(c, "wrong"), "try " + i + ": a refusal, never a lockout");
      }
    }
    assertEquals(1, audit("logon failed").size(), audit("logon failed").toString());
    List<EventRecord> again = audit("sent again unchanged");
    assertEquals(8, again.size());
    again.forEach(e -> assertEquals(EventLevel.INFORMATION, e.level(), e.toString()));
    assertEquals(List.of(), audit("lockout:"));
    try (RawHttpConnection c = connect()) {
      assertEquals(200, get(c, "pw-alice"), "alice is not locked out");
    }
  }

  /**
   * The free repeats are bounded: the plug-in checks each one in full (Basic: an Argon2 hash), so a
   * client that sends one wrong password for ever still meets the lockout, which then refuses it
   * before any plug-in runs. One counted, eight free, then each counts: the fifth failure locks.
   */
  @Test
  void pastItsFreeRepeatsTheSamePasswordCountsAgain() throws Exception {
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 13; i++) {
        assertEquals(401, get(c, "wrong"), "try " + i);
      }
      assertEquals(429, get(c, "wrong"));
      assertEquals(429, get(c, "pw-alice"));
    }
    assertEquals(5, audit("logon failed").size());
    assertEquals(8, audit("sent again unchanged").size());
  }

  @Test
  void everyDifferentGuessOnOneConnectionCountsAndLocksAtTheThreshold() throws Exception {
    try (RawHttpConnection c = connect()) {
      // Alternating two guesses gains nothing either: each differs from the one before it.
      for (String guess : List.of("a", "b", "a", "b", "a")) {
        assertEquals(401, get(c, guess));
      }
      assertEquals(429, get(c, "pw-alice"));
    }
    assertEquals(5, audit("logon failed").size());
    assertEquals(
        1, audit("lockout: account=\"TESTHOST\\\\alice\"").size(), audit("lockout:").toString());
  }

  @Test
  void theSamePasswordOnANewConnectionEachTimeCountsEachTime() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (RawHttpConnection c = connect()) {
        assertEquals(401, get(c, "wrong"));
      }
    }
    try (RawHttpConnection c = connect()) {
      assertEquals(429, get(c, "pw-alice"));
    }
    assertEquals(
        1, audit("lockout: account=\"TESTHOST\\\\alice\"").size(), audit("lockout:").toString());
  }

  /**
   * The guess that begins the lockout is answered 401, and so is its repeat (the same answer for
   * the same octets: nothing new about the password); the right password is 429.
   */
  @Test
  void theRepeatOfTheGuessThatBeganTheLockoutIsAnsweredAsItWas() throws Exception {
    try (RawHttpConnection c = connect()) {
      for (int i = 0; i < 5; i++) {
        assertEquals(401, get(c, "wrong" + i));
      }
      assertEquals(401, get(c, "wrong4"));
      assertEquals(429, get(c, "pw-alice"));
      assertEquals(401, get(c, "wrong4"), "still the connection's last refused octets");
      assertEquals(429, get(c, "wrong5"), "a new guess meets the lockout");
    }
    assertEquals(5, audit("logon failed").size());
  }
}
