package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token for a principal with no local account (logonPrincipal) end to end, from a real plug-in
 * JAR on a connection-bound scheme, on the host's fake clock: its mapped groups meet the ACL, and
 * once its proof has expired the host authorizes nothing with it.
 */
class PrincipalTokenServingTest {
  @TempDir Path root;
  private final MutableClock clock = new MutableClock();
  private final String prefix = "authhost.test." + UUID.randomUUID() + ".";
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch gate = new CountDownLatch(1);
  private AuthHost host;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(root.resolve("media"));
    Files.writeString(root.resolve("media/hello.txt"), "hello\n");
    Path plugins = Files.createDirectories(root.resolve("plugins"));
    PluginJar.of("principal", "org.authhost.testplugins.principal.PrincipalPlugin")
        .with("capabilities", "principal-token")
        .writeTo(plugins, "principal.jar");
    PluginJar.of("principal", "org.authhost.testplugins.principal.HeldPrincipalPlugin")
        .with("id", "held")
        .with("capabilities", "principal-token")
        .writeTo(plugins, "held.jar");
    System.getProperties().put(prefix + "entered", entered);
    System.getProperties().put(prefix + "gate", gate);
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins", "settings": { "held": {
            "properties": { "entered": "%sentered", "gate": "%sgate" } } } },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "security": { "lockout": { "threshold": 3, "addressThreshold": 1000,
                                     "windowSeconds": 300, "durationSeconds": 600 } },
          "publishingPoints": [
            { "name": "members", "prefix": "/members/", "directory": "../media",
              "plugins": ["principal"], "acl": [ { "principal": "Users", "rights": ["read"] } ] },
            { "name": "held", "prefix": "/held/", "directory": "../media",
              "plugins": ["held", "principal"],
              "acl": [ { "principal": "Users", "rights": ["read"] } ] }
          ]
        }
        """
            .formatted(prefix, prefix));
    host = AuthHost.create(TestHosts.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
  }

  @AfterEach
  void stop() throws Exception {
    gate.countDown();
    System.getProperties().keySet().removeIf(k -> k.toString().startsWith(prefix));
    if (host != null) {
      host.stop();
    }
  }

  private List<EventRecord> audit(String containing) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(containing))
        .toList();
  }

  @Test
  void aPrincipalsMappedGroupsMeetTheAclAndUnknownOnesGrantNothing() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(200, c.get("/members/hello.txt", "X-Principal sub-1 300 Users Nope").status());
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(403, c.get("/members/hello.txt", "X-Principal sub-2 300 Nope").status());
    }
    List<EventRecord> logons = audit("logon succeeded");
    assertTrue(
        logons.stream().anyMatch(e -> e.text().contains("principal:https://idp.test|sub-1")),
        logons.toString());
    // The display name is shown where the logon is recorded; a group that maps to nothing is
    // listed there, so that an operator sees a typo in the mapping.
    List<EventRecord> sub1 = audit("|sub-1\"");
    assertEquals(1, sub1.size(), logons.toString());
    assertTrue(sub1.get(0).text().contains(" user=\"User sub-1\""), sub1.toString());
    assertTrue(sub1.get(0).text().contains(" unmappedGroups=\"Nope\""), sub1.toString());
    assertTrue(audit("|sub-2\"").get(0).text().contains(" unmappedGroups=\"Nope\""));
  }

  @Test
  void aHostileClaimIsTheClientsRefusalAndNeverDisablesThePlugin() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      // A subject the host cannot take: the plug-in made its logon with PrincipalLogon.of.
      assertEquals(
          401, c.get("/members/hello.txt", "X-Principal CONTOSO\\mallory 60 Users").status());
      // What the IdP says of a principal is made safe, not refused: a display name with a
      // backslash and a tab, a blank group name.
      assertEquals(
          200,
          c.get("/members/hello.txt", "X-Principal sub-7 60 name=CONTOSO\\mal\tlory  Users")
              .status());
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(
          200,
          c.get("/members/hello.txt", "X-Principal sub-1 60 Users").status(),
          "the next honest client logs on: the plug-in is still enabled");
    }
    List<EventRecord> sub7 = audit("|sub-7\"");
    assertEquals(1, sub7.size(), audit("").toString());
    assertTrue(sub7.get(0).text().contains(" user=\"CONTOSO\\\\mal?lory\""), sub7.toString());
    assertTrue(!sub7.get(0).text().contains("unmappedGroups"), sub7.toString());
  }

  @Test
  void anExpiredProofIsABenignRefusalAndNeverCountsTowardsALockout() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      for (int i = 0; i < 5; i++) {
        assertEquals(
            401, c.get("/members/hello.txt", "X-Principal sub-8 0 Users").status(), "try " + i);
      }
    }
    assertEquals(List.of(), audit("lockout:"), "five expired proofs, threshold three");
    assertEquals(List.of(), audit("logon failed"));
    assertEquals(5, audit("account \"sub-8\" as not a guess").size(), audit("").toString());
  }

  @Test
  void aTokenWhoseProofEndsBeforeTheCheckOnARequestsOwnContextGetsEveryFreshChallenge()
      throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      // The plug-in logs on a principal whose proof lasts 1 ms and holds its answer until the
      // host clock has passed it: the host's check comes too late for the token.
      CompletableFuture<RawHttpConnection.Response> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return c.get("/held/hello.txt", "X-Held sub-9 1 Users");
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      assertTrue(entered.await(10, TimeUnit.SECONDS), "the plug-in issued the token");
      clock.advance(Duration.ofMillis(1));
      gate.countDown();
      RawHttpConnection.Response expired = first.get(10, TimeUnit.SECONDS);
      assertEquals(401, expired.status());
      assertTrue(
          expired.headers().contains("WWW-Authenticate: X-Held")
              && expired.headers().contains("WWW-Authenticate: X-Principal"),
          "the fresh challenges of every offered plug-in: " + expired.headers());
      List<EventRecord> records = audit("expired at");
      assertEquals(1, records.size(), audit("").toString());
      assertEquals(HResult.SEC_E_CONTEXT_EXPIRED, records.get(0).hresult());
      // A new proof for the same principal on the same connection is a new logon, audited.
      assertEquals(200, c.get("/held/hello.txt", "X-Held sub-9 60000 Users").status());
    }
    assertEquals(2, audit("|sub-9\"").size(), audit("").toString());
  }
}
