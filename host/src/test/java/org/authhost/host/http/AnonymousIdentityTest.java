package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client let in by the anonymous plug-in is named as every logon is, qualified by the server's
 * name ({@code TESTHOST\Guest}), in the identity header nginx passes on and in the audit: it used
 * to be the bare configured {@code Guest}, unlike every other account.
 */
class AnonymousIdentityTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Path config =
        StreamServerHosts.configFolder(
            root,
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins" },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "trustedProxies": ["127.0.0.1"] },
              "publishingPoints": [
                { "name": "open", "prefix": "/open/", "plugins": ["anonymous"] }
              ],
              "integrations": {
                "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["open"],
                                      "callers": ["127.0.0.1"] }
              }
            }
            """,
            List.of("authhost-plugin-anonymous.jar"));
    host = StreamServerHosts.start(config, clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  @Test
  void theAnonymousAccountIsNamedQualifiedInTheIdentityHeaderAndTheAudit() throws Exception {
    try (RawHttpConnection nginx = new RawHttpConnection("127.0.0.1", port)) {
      // nginx's subrequest for a client at 192.0.2.40, without credentials.
      Response r =
          nginx.send(
              "GET /.authhost/nginx HTTP/1.1\n"
                  + "Host: 127.0.0.1:"
                  + port
                  + "\nX-Original-URI: /open/live/index.m3u8\n"
                  + "X-Forwarded-For: 192.0.2.40\n"
                  + "X-Original-Method: GET\n",
              null);
      assertEquals(200, r.status(), r.headers().toString());
      assertEquals(List.of("TESTHOST\\Guest"), r.values("X-AuthHost-User"));
    }
    assertFalse(
        StreamServerHosts.audited(
                host, "logon succeeded", "client=192.0.2.40", "account=\"TESTHOST\\\\Guest\"")
            .isEmpty());
  }
}
