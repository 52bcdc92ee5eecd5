package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.authhost.host.testing.PrivateNginx;
import org.authhost.host.testing.StreamingTools;
import org.authhost.host.testing.ThrowawayKdc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kerberos through nginx {@code auth_request}: curl {@code --negotiate} with a ticket from the
 * throw-away KDC the Negotiate tests use, nginx configured with the documented recipe. Kerberos
 * under Negotiate completes in one leg, so it survives nginx's pooled upstream connections.
 *
 * <p>The JDK reads {@code java.security.krb5.conf} once per JVM: like {@code NegotiateServingTest},
 * this class reaches it only through the plug-in's {@code krb5Config} and clears it at the end.
 */
class NginxKerberosEndToEndTest {
  @TempDir static Path root;

  static ThrowawayKdc kdc;
  static StreamingHost host;
  static PrivateNginx nginx;
  static Path aliceCache;

  @BeforeAll
  static void start() throws Exception {
    StreamingTools.nginx();
    kdc = ThrowawayKdc.start(root.resolve("kdc")); // skipped (or failed on CI) without MIT Kerberos
    kdc.addUser("alice", "alice-krb-pw");
    aliceCache = kdc.kinit("alice", "alice-krb-pw");
    host =
        StreamingHost.start(
            root.resolve("host"),
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": {
                "directory": "../plugins",
                "settings": { "negotiate": { "enabled": true, "properties": {
                  "servicePrincipal": "%s", "keytab": "%s", "krb5Config": "%s",
                  "allowNtlm": "false" } } }
              },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "integrations": {
                "nginxAuthRequest": { "path": "/.authhost/nginx", "points": ["hls"],
                                      "identityHeader": "X-AuthHost-User" }
              },
              "publishingPoints": [ { "name": "hls", "prefix": "/hls/", "plugins": ["negotiate"] } ]
            }
            """
                .formatted(kdc.servicePrincipal(), kdc.keytab(), kdc.krb5Conf()),
            List.of("authhost-plugin-negotiate.jar"),
            "alice",
            "pw-alice");
    Path prefix = root.resolve("nginx");
    Files.createDirectories(prefix.resolve("html/hls"));
    Files.writeString(prefix.resolve("html/hls/hello.txt"), "hello, kerberos\n");
    nginx = NginxRecipe.startWithoutApp(prefix, host.port());
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(nginx, PrivateNginx::close),
        Teardown.ifStarted(host, StreamingHost::stop),
        Teardown.ifStarted(kdc, ThrowawayKdc::close),
        () -> System.clearProperty("java.security.krb5.conf"));
  }

  /** The service principal is HTTP/localhost: curl must name the host so. */
  static String url() {
    return "http://localhost:" + nginx.port("http") + "/hls/hello.txt";
  }

  @Test
  void curlWithATicketGetsTheFileThroughNginx() throws Exception {
    CurlRun r =
        CurlRun.run(
            root,
            kdc.environment(aliceCache),
            "--resolve",
            "localhost:" + nginx.port("http") + ":127.0.0.1",
            "--negotiate",
            "-u",
            ":",
            url());
    assertEquals(200, r.status(), r.verbose() + "\nKDC log:\n" + kdc.log() + nginx.errorLog());
    assertEquals("hello, kerberos\n", r.body());
    assertTrue(
        r.sent("Authorization: Negotiate YII").size() == 1,
        "a SPNEGO NegTokenInit: " + r.verbose());
    assertTrue(
        !host.awaitAudited(java.time.Duration.ofSeconds(5), "alice", "Negotiate").isEmpty(),
        "the logon is audited as alice: " + host.audited());
  }

  @Test
  void withoutATicketCurlGetsTheNegotiateChallengeFromNginx() throws Exception {
    CurlRun r =
        CurlRun.run(
            root,
            kdc.environment(null),
            "--resolve",
            "localhost:" + nginx.port("http") + ":127.0.0.1",
            "--negotiate",
            "-u",
            ":",
            url());
    assertEquals(401, r.status(), r.verbose());
    List<String> challenges = r.received("WWW-Authenticate:");
    assertEquals(1, challenges.size(), r.verbose());
    assertTrue(challenges.get(0).matches("(?i)WWW-Authenticate: Negotiate"), challenges.toString());
  }
}
