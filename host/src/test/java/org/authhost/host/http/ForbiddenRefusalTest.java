package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * A refusal that no credential will mend ({@code OnAuthenticateForbidden}, API 1.4), said from a
 * real plug-in JAR's own thread after {@code Authenticate} returned: 403 without a challenge, a
 * WARNING audit with the plug-in's reason made one line, no count towards a lockout. From a plug-in
 * declaring API 1.3 the same call is a plain refusal (a failed logon that counts).
 */
class ForbiddenRefusalTest {
  @TempDir static Path root;
  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    PluginJar.of("forbidding", "org.authhost.testplugins.forbidding.ForbiddingPlugin")
        .with("api-version", "1.4")
        .writeTo(plugins, "forbidding.jar");
    PluginJar.of("forbidding", "org.authhost.testplugins.forbidding.ForbiddingPlugin")
        .with("id", "forbidding13")
        .with("api-version", "1.3")
        .writeTo(plugins, "forbidding13.jar");
    PluginJar.of("refusing", "org.authhost.testplugins.refusing.RefusingPlugin")
        .writeTo(plugins, "refusing.jar");
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins",
                       "order": ["refusing", "forbidding", "forbidding13"] },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "security": { "lockout": { "threshold": 3, "addressThreshold": 1000,
                                     "windowSeconds": 300, "durationSeconds": 600 } },
          "publishingPoints": [
            { "name": "new", "prefix": "/new/", "directory": "../media", "plugins": ["forbidding"] },
            { "name": "old", "prefix": "/old/", "directory": "../media", "plugins": ["forbidding13"] },
            { "name": "both", "prefix": "/both/", "directory": "../media",
              "plugins": ["refusing", "forbidding"] }
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

  private static List<EventRecord> audit(String containing) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(containing))
        .toList();
  }

  private static boolean challenged(RawHttpConnection.Response r) {
    return r.headers().stream().anyMatch(h -> h.toLowerCase().startsWith("www-authenticate"));
  }

  @Test
  void aForbiddenRefusalIs403WithoutAChallengeAndNeverCountsTowardsALockout() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 6; i++) {
        RawHttpConnection.Response r = c.get("/new/hello.txt", "X-Forbid forbid:erin");
        assertEquals(403, r.status(), "refusal " + i);
        assertFalse(challenged(r), r.headers().toString());
      }
    }
    assertEquals(List.of(), audit("lockout: account=\"erin\""), "six refusals, threshold three");
    assertEquals(List.of(), audit("logon failed"));
    List<EventRecord> refused = audit("forged: line for forbid:erin");
    assertEquals(6, refused.size(), refused.toString());
    for (EventRecord e : refused) {
      assertEquals(EventLevel.WARNING, e.level(), e.toString());
      assertEquals(HResult.E_ACCESSDENIED, e.hresult(), e.toString());
      assertTrue(e.text().startsWith("refused 403: "), e.text());
      // The plug-in's line break is no line break in the audit: nothing can pose as a record.
      assertTrue(e.text().contains("the link expired??forged: line"), e.text());
    }
  }

  @Test
  void aPointWhosePlugInOnlyRefusesAnswersABareRequest403() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response bare = c.get("/new/hello.txt", null);
      assertEquals(403, bare.status(), "not 503: the plug-in answered, it has no challenge");
      assertFalse(challenged(bare), bare.headers().toString());
      // Where another plug-in has a challenge, a bare request is asked to log on as ever.
      RawHttpConnection.Response both = c.get("/both/hello.txt", null);
      assertEquals(401, both.status());
      assertTrue(
          both.headers().contains("WWW-Authenticate: X-Refuse fresh"), both.headers().toString());
    }
  }

  @Test
  void theSameCallFromAPluginBuiltForApi13IsAFailedLogon() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 3; i++) {
        // A plain DENIED: the host asks the plug-in for a fresh challenge, which this one (an
        // empty leg is refused too) cannot give, so 503 as for any plug-in without a challenge.
        // Three different proofs: the same one again on a connection counts once.
        assertEquals(503, c.get("/old/hello.txt", "X-Forbid forbid" + i + ":frank").status());
      }
      assertEquals(429, c.get("/old/hello.txt", "X-Forbid forbid:frank").status());
    }
    assertEquals(3, audit("logon failed").stream().filter(e -> e.text().contains("frank")).count());
  }

  @Test
  void aSecondCallAfterTheForbiddenRefusalIsIgnored() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 4; i++) {
        assertEquals(403, c.get("/new/hello.txt", "X-Forbid forbid-then-deny:gina").status());
      }
    }
    assertEquals(
        List.of(), audit("lockout: account=\"gina\""), "the ignored DENIED counted nothing");
  }
}
