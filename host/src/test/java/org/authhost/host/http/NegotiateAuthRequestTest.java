package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.util.Modules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.bench.NtlmClient;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.ThrowawayKdc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Negotiate behind nginx {@code auth_request}: Kerberos finishes with the client's first token, so
 * the plug-in (flagged {@code COMPLETES_IN_ONE_LEG}) is allowed at an auth_request point; NTLM
 * inside Negotiate needs a second leg on the same connection, which nginx's pooled upstream
 * connections cannot give, so its first leg is refused at once rather than left to fail later. With
 * curl {@code --negotiate} against a throw-away MIT KDC, as {@link NegotiateServingTest}.
 */
class NegotiateAuthRequestTest {
  @TempDir static Path root;
  static ThrowawayKdc kdc;
  static AuthHost host;
  static int port;
  static Path aliceCache;

  @BeforeAll
  static void start() throws Exception {
    kdc = ThrowawayKdc.start(root.resolve("kdc")); // skipped (or failed on CI) without MIT Kerberos
    kdc.addUser("alice", "alice-krb-pw");
    aliceCache = kdc.kinit("alice", "alice-krb-pw");
    Path config =
        StreamServerHosts.configFolder(
            root,
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": {
                "directory": "../plugins",
                "settings": { "negotiate": { "enabled": true, "properties": {
                  "servicePrincipal": "%s", "keytab": "%s", "krb5Config": "%s" } } }
              },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "trustedProxies": ["127.0.0.1", "::1"],
                "lockout": { "threshold": 2, "addressThreshold": 500 } },
              "publishingPoints": [ { "name": "kerb", "prefix": "/kerb/", "plugins": ["negotiate"] } ],
              "integrations": { "nginxAuthRequest": { "points": ["kerb"] } }
            }
            """
                .formatted(kdc.servicePrincipal(), kdc.keytab(), kdc.krb5Conf()),
            List.of("authhost-plugin-negotiate.jar"));
    host = StreamServerHosts.start(config, Modules.EMPTY_MODULE);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
    if (kdc != null) {
      kdc.close();
    }
    System.clearProperty("java.security.krb5.conf");
  }

  @Test
  void kerberosPassesThroughAuthRequestAndNamesTheAccount() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            "curl",
            "-q",
            "-s",
            "-S",
            "-D",
            "-",
            "-o",
            "/dev/null",
            "--max-time",
            "20",
            "--negotiate",
            "-u",
            ":",
            "-H",
            "X-Original-URI: /kerb/live/index.m3u8",
            "-H",
            "X-Original-Method: GET",
            "-H",
            "X-Forwarded-For: 127.0.0.1",
            "http://localhost:" + port + "/.authhost/nginx");
    pb.environment().putAll(kdc.environment(aliceCache));
    Process p = pb.start();
    String headers = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(headers.startsWith("HTTP/1.1 200"), headers + "\nKDC log:\n" + kdc.log());
    assertTrue(
        headers
            .lines()
            .anyMatch(l -> l.toLowerCase().startsWith("x-authhost-user:") && l.endsWith("alice")),
        headers);
  }

  @Test
  void ntlmInsideNegotiateIsRefusedAtItsFirstLegWithoutALockoutCount() throws Exception {
    String type1 = "Negotiate " + Base64.getEncoder().encodeToString(NtlmClient.negotiate(true));
    for (int i = 0; i < 3; i++) {
      try (RawHttpConnection nginx = new RawHttpConnection("127.0.0.1", port)) {
        Response r =
            nginx.send(
                "GET /.authhost/nginx HTTP/1.1\nX-Original-URI: /kerb/a.ts\nX-Original-Method: GET\n"
                    + "X-Forwarded-For: 192.0.2.40\nAuthorization: "
                    + type1,
                null);
        assertEquals(403, r.status());
        assertTrue(r.values("WWW-Authenticate").isEmpty(), "no NTLM challenge goes to nginx");
      }
    }
    assertEquals(
        3,
        StreamServerHosts.audited(
                host,
                "a handshake that needs a second leg cannot pass through nginx auth_request; use a one-leg mechanism such as Kerberos",
                "client=192.0.2.40")
            .size());
    assertTrue(StreamServerHosts.audited(host, "lockout").isEmpty(), "not a guess at a password");
    assertFalse(StreamServerHosts.audited(host, "via=nginx auth_request@127.0.0.1").isEmpty());
  }
}
