package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
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
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-anonymous.jar",
            "hello\n",
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
            """);
    int port = host.http().plainPort();
    try (RawHttpConnection client = new RawHttpConnection("127.0.0.1", port)) {
      Response r = client.send("GET /o/hello.txt HTTP/1.1\nHost: 127.0.0.1:" + port + "\n", null);
      assertEquals(200, r.status(), r.headers().toString());
    }
    assertFalse(
        StreamServerHosts.audited(host, "logon succeeded", "account=\"TESTHOST\\\\alice\"")
            .isEmpty(),
        StreamServerHosts.audited(host, "logon succeeded").toString());
    assertEquals(
        List.of(),
        StreamServerHosts.audited(host, "logon succeeded", "Guest"),
        "nobody is logged on as the built-in Guest");
  }
}
