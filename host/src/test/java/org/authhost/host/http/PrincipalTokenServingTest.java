package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
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
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(
        config.resolve("host.json"),
        """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "publishingPoints": [
            { "name": "members", "prefix": "/members/", "directory": "../media",
              "plugins": ["principal"], "acl": [ { "principal": "Users", "rights": ["read"] } ] }
          ]
        }
        """);
    host = AuthHost.create(TestHosts.load(config), FakeTime.of(clock));
    host.start();
    port = host.http().plainPort();
  }

  @AfterEach
  void stop() throws Exception {
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
  }

  @Test
  void onceItsProofHasExpiredTheHostAuthorizesNothingWithTheToken() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      assertEquals(200, c.get("/members/hello.txt", "X-Principal sub-1 60 Users").status());
      clock.advance(Duration.ofSeconds(59));
      assertEquals(200, c.get("/members/hello.txt", null).status(), "the bound logon holds");
      clock.advance(Duration.ofSeconds(1));
      RawHttpConnection.Response expired = c.get("/members/hello.txt", null);
      assertEquals(401, expired.status(), "asked to log on again, at expiresAt on the host clock");
      assertTrue(
          expired.headers().contains("WWW-Authenticate: X-Principal"),
          expired.headers().toString());
      List<EventRecord> records = audit("expired at");
      assertEquals(1, records.size(), audit("").toString());
      assertEquals(HResult.SEC_E_CONTEXT_EXPIRED, records.get(0).hresult());
      // The connection's logon is over: without credentials it is asked again, not let through.
      assertEquals(401, c.get("/members/hello.txt", null).status());
      // A fresh proof logs on again.
      assertEquals(200, c.get("/members/hello.txt", "X-Principal sub-1 60 Users").status());
    }
  }
}
