package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code security.trustedProxies} end to end, with curl on loopback playing the proxy: one host
 * trusts loopback, the other does not; both get the same forwarding headers.
 */
class TrustedProxyServingTest {
  @TempDir static Path trustingRoot;
  @TempDir static Path plainRoot;

  static AuthHost trusting;
  static AuthHost plain;
  static final MutableClock clock = new MutableClock();

  private static String hostJson(String trusted) {
    return """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": { "directory": "../plugins" },
          "http": { "port": 0 },
          "security": {
            "trustedProxies": %s,
            "lockout": { "threshold": 100, "addressThreshold": 3 }
          },
          "publishingPoints": [ { "name": "p", "prefix": "/p/", "directory": "../media",
            "plugins": ["basic"], "ipDeny": ["198.51.100.0/24", "2001:db8:bad::/48"] } ]
        }
        """
        .formatted(trusted);
  }

  @BeforeAll
  static void start() throws Exception {
    trusting =
        TestHosts.startServing(
            trustingRoot,
            "authhost-plugin-basic.jar",
            "hello\n",
            hostJson("[\"127.0.0.1\", \"::1\"]"),
            FakeTime.of(clock));
    plain =
        TestHosts.startServing(
            plainRoot, "authhost-plugin-basic.jar", "hello\n", hostJson("[]"), FakeTime.of(clock));
  }

  @AfterAll
  static void stop() throws Exception {
    if (trusting != null) {
      trusting.stop();
    }
    if (plain != null) {
      plain.stop();
    }
  }

  record Answer(int status, String headers) {}

  private static Answer curl(AuthHost host, String... args) throws Exception {
    Path headers = Files.createTempFile(trustingRoot, "h", ".txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-s",
                "-S",
                "--max-time",
                "20",
                "-o",
                "/dev/null",
                "-D",
                headers.toString(),
                "-w",
                "%{http_code}"));
    command.addAll(List.of(args));
    command.add("http://127.0.0.1:" + host.http().plainPort() + "/p/hello.txt");
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", command));
    return new Answer(Integer.parseInt(out), Files.readString(headers));
  }

  private static boolean audited(AuthHost host, String... parts) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .anyMatch(e -> List.of(parts).stream().allMatch(e.text()::contains));
  }

  @Test
  void fromATrustedProxyTheForwardedClientMeetsTheIpListsAndTheAudit() throws Exception {
    assertEquals(
        403,
        curl(trusting, "-H", "X-Forwarded-For: 203.0.113.1, 198.51.100.7", "-u", "alice:pw-alice")
            .status());
    assertTrue(audited(trusting, "client=198.51.100.7", "not allowed by publishing point p"));
    // The same headers from an untrusted caller are ignored: loopback is the client, as it is.
    assertEquals(
        200,
        curl(plain, "-H", "X-Forwarded-For: 203.0.113.1, 198.51.100.7", "-u", "alice:pw-alice")
            .status());
    assertFalse(audited(plain, "client=198.51.100.7"));
    // IPv6, in RFC 7239 form.
    assertEquals(
        403,
        curl(trusting, "-H", "Forwarded: for=\"[2001:db8:bad::5]:4711\";proto=https").status());
  }

  @Test
  void basicIsOfferedOnlyWhenTheClientsOwnLegIsTls() throws Exception {
    Answer plainLeg = curl(trusting, "-H", "X-Forwarded-For: 203.0.113.2", "-u", "alice:pw-alice");
    assertNotEquals(200, plainLeg.status(), "a trusted proxy on loopback lends the client nothing");
    assertFalse(plainLeg.headers().toLowerCase().contains("www-authenticate: basic"));
    Answer tlsLeg =
        curl(
            trusting,
            "-H",
            "X-Forwarded-For: 203.0.113.2",
            "-H",
            "X-Forwarded-Proto: https",
            "-u",
            "alice:pw-alice");
    assertEquals(200, tlsLeg.status());
    assertTrue(audited(trusting, "client=203.0.113.2", "logon succeeded"));
    // From an untrusted caller, a forwarded proto counts for nothing, and its own leg does.
    assertEquals(
        200, curl(plain, "-H", "X-Forwarded-Proto: http", "-u", "alice:pw-alice").status());
  }

  @Test
  void clientsBehindOneTrustedProxyAreLockedOutOneByOne() throws Exception {
    String[] https = {"-H", "X-Forwarded-Proto: https"};
    for (int i = 0; i < 3; i++) {
      assertEquals(
          401,
          curl(
                  trusting,
                  https[0],
                  https[1],
                  "-H",
                  "X-Forwarded-For: 192.0.2.66",
                  "-u",
                  "alice:x" + i)
              .status());
    }
    assertEquals(
        429,
        curl(
                trusting,
                https[0],
                https[1],
                "-H",
                "X-Forwarded-For: 192.0.2.66",
                "-u",
                "alice:pw-alice")
            .status(),
        "the address that failed is locked out");
    assertEquals(
        200,
        curl(
                trusting,
                https[0],
                https[1],
                "-H",
                "X-Forwarded-For: 192.0.2.67",
                "-u",
                "alice:pw-alice")
            .status(),
        "its neighbour behind the same proxy is not");
    assertEquals(
        200,
        curl(
                trusting,
                https[0],
                https[1],
                "-H",
                "X-Forwarded-For: 192.0.2.66, 192.0.2.68",
                "-u",
                "alice:pw-alice")
            .status(),
        "a forged left-most entry does not make a client the locked-out one");
  }
}
