package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging on to the console through the host's authentication driver, on a real socket: the
 * challenges, the session cookie, the ACL (administrators change, operators look, others get 403),
 * CSRF, the idle time-out on the host clock, and a sign-out that works with HTTP authentication.
 */
class ConsoleLogonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  ConsoleHost console;

  @BeforeEach
  void start() throws Exception {
    console = ConsoleHost.start(root);
  }

  @AfterEach
  void stop() throws Exception {
    if (console != null) {
      console.close();
    }
  }

  /** The console's session cookie in a response, as {@code name=value}, or null. */
  static String sessionCookie(RawHttpConnection.Response r) {
    for (String c : r.values("Set-Cookie")) {
      if (c.startsWith(ConsoleRequests.SESSION_COOKIE + "=")
          && !c.startsWith(ConsoleRequests.SESSION_COOKIE + "=;")) {
        return c.substring(0, c.indexOf(';'));
      }
    }
    return null;
  }

  /** Logs {@code user} on with Basic (loopback): its cookie and CSRF token. */
  record Session(String cookie, String csrf) {
    String cookieHeader() {
      return "Cookie: " + cookie;
    }

    String csrfHeader() {
      return ConsoleRequests.CSRF_HEADER + ": " + csrf;
    }
  }

  Session logOn(String user) throws Exception {
    RawHttpConnection.Response r =
        console.call("GET", "/console/api/session", "Authorization: " + ConsoleHost.basic(user));
    assertEquals(200, r.status(), r.bodyText());
    String cookie = sessionCookie(r);
    assertNotNull(cookie, r.headers().toString());
    return new Session(cookie, JSON.readTree(r.body()).get("csrf").asText());
  }

  List<String> audit(String... parts) {
    return console.host.eventLog().query(EventQuery.all().withSource("audit")).stream()
        .map(e -> e.text())
        .filter(t -> List.of(parts).stream().allMatch(t::contains))
        .toList();
  }

  boolean digestEnabled() {
    return console.host.plugins().plugin("digest").orElseThrow().flagsText() != null
        && console.host.plugins().offeredAuthenticationPlugins().stream()
            .anyMatch(p -> p.id().equals("digest"));
  }

  @Test
  void withoutCredentialsTheConsoleAnswersWithThePluginsChallenges() throws Exception {
    RawHttpConnection.Response r = console.call("GET", "/console/");
    assertEquals(401, r.status());
    assertNotNull(r.challengeData("Digest"), r.headers().toString());
    assertNotNull(r.challengeData("Basic"), "Basic is offered on loopback");
    assertNull(sessionCookie(r));
  }

  @Test
  void anAdministratorLogsOnAndGetsAStrictHttpOnlySessionCookie() throws Exception {
    RawHttpConnection.Response r =
        console.call("GET", "/console/", "Authorization: " + ConsoleHost.basic("root"));
    assertEquals(200, r.status());
    assertTrue(r.bodyText().contains("id=\"nav-plugins\""), "the page");
    String set =
        r.values("Set-Cookie").stream()
            .filter(c -> c.startsWith(ConsoleRequests.SESSION_COOKIE))
            .findFirst()
            .orElseThrow();
    assertTrue(set.toLowerCase(java.util.Locale.ROOT).contains("httponly"), set);
    assertTrue(set.contains("SameSite=Strict"), set);
    assertTrue(set.contains("Path=/"), set);
    assertFalse(set.contains("Secure"), "no TLS here: " + set);
    assertEquals("nosniff", r.values("X-Content-Type-Options").get(0));
    // The session answers without credentials.
    Session s = new Session(sessionCookie(r), null);
    RawHttpConnection.Response me = console.call("GET", "/console/api/session", s.cookieHeader());
    assertEquals(200, me.status());
    JsonNode session = JSON.readTree(me.body());
    assertTrue(session.get("account").asText().endsWith("\\root"), session.toString());
    assertTrue(session.get("administrator").asBoolean());
    assertEquals(1, audit("logon succeeded", "root").size(), "the driver audited the logon");
    assertEquals(1, audit("console: session opened for", "root", "administrator").size());
  }

  @Test
  void anAccountThatIsNeitherAdministratorNorOperatorGets403() throws Exception {
    RawHttpConnection.Response r =
        console.call("GET", "/console/", "Authorization: " + ConsoleHost.basic("bob"));
    assertEquals(403, r.status());
    assertNull(sessionCookie(r));
    assertEquals(1, audit("access denied to", "bob", "publishing point console").size());
  }

  @Test
  void aWrongPasswordIsAFailedLogonThatCountsTowardsTheLockout() throws Exception {
    String wrong =
        "Authorization: Basic "
            + java.util.Base64.getEncoder().encodeToString("root:nope".getBytes());
    for (int i = 0; i < 3; i++) {
      assertEquals(401, console.call("GET", "/console/", wrong).status());
    }
    // The built-in Administrator is never locked out by account; root is an ordinary member.
    assertEquals(
        429,
        console.call("GET", "/console/", "Authorization: " + ConsoleHost.basic("root")).status());
    assertEquals(3, audit("logon failed", "root").size());
  }

  @Test
  void aChangeWithoutTheCsrfTokenIsRefusedAndAudited() throws Exception {
    Session s = logOn("root");
    RawHttpConnection.Response r =
        console.call("POST", "/console/api/plugins/digest/disable", s.cookieHeader());
    assertEquals(403, r.status());
    assertTrue(r.bodyText().contains("without the CSRF token"), r.bodyText());
    assertTrue(digestEnabled(), "nothing changed");
    assertEquals(1, audit("console: refused a change without the CSRF token", "root").size());
  }

  @Test
  void aChangeWithAnotherSessionsTokenIsRefused() throws Exception {
    Session mine = logOn("root");
    Session other = logOn("root");
    RawHttpConnection.Response r =
        console.call(
            "POST", "/console/api/plugins/digest/disable", mine.cookieHeader(), other.csrfHeader());
    assertEquals(403, r.status());
    assertTrue(digestEnabled());
    assertEquals(1, audit("another session's or a wrong CSRF token").size());
  }

  @Test
  void aChangeWithTheTokenIsMadeAndAuditedNamingTheAdministrator() throws Exception {
    Session s = logOn("root");
    RawHttpConnection.Response r =
        console.call(
            "POST", "/console/api/plugins/digest/disable", s.cookieHeader(), s.csrfHeader());
    assertEquals(200, r.status(), r.bodyText());
    assertFalse(digestEnabled());
    assertEquals(1, audit("console: ", "root", "disabled plug-in 'digest'").size());
    // A client of the HTTP front no longer gets a Digest challenge.
    try (RawHttpConnection c =
        new RawHttpConnection("127.0.0.1", console.host.http().plainPort())) {
      RawHttpConnection.Response challenge = c.get("/vod/hello.txt", null);
      assertEquals(401, challenge.status());
      assertNull(challenge.challengeData("Digest"), challenge.headers().toString());
    }
  }

  @Test
  void anOperatorLooksButCannotChange() throws Exception {
    Session s = logOn("olga");
    JsonNode session =
        JSON.readTree(console.call("GET", "/console/api/session", s.cookieHeader()).body());
    assertFalse(session.get("administrator").asBoolean());
    assertEquals(200, console.call("GET", "/console/api/plugins", s.cookieHeader()).status());
    RawHttpConnection.Response r =
        console.call(
            "POST", "/console/api/plugins/digest/disable", s.cookieHeader(), s.csrfHeader());
    assertEquals(403, r.status());
    assertTrue(r.bodyText().contains("read-only"), r.bodyText());
    assertTrue(digestEnabled());
  }

  @Test
  void anIdleSessionEndsOnTheHostClockAndTheBrowserIsAskedAgain() throws Exception {
    Session s = logOn("root");
    console.clock.advance(Duration.ofMinutes(14));
    assertEquals(200, console.call("GET", "/console/api/session", s.cookieHeader()).status());
    console.clock.advance(Duration.ofMinutes(14));
    assertEquals(
        200,
        console.call("GET", "/console/api/session", s.cookieHeader()).status(),
        "each use restarts the idle time");
    console.clock.advance(Duration.ofMinutes(15));
    // The browser sends its cached credentials with the stale cookie: asked again all the same.
    RawHttpConnection.Response r =
        console.call(
            "GET",
            "/console/api/session",
            s.cookieHeader(),
            "Authorization: " + ConsoleHost.basic("root"));
    assertEquals(401, r.status());
    assertNotNull(r.challengeData("Basic"));
    assertTrue(
        r.values("Set-Cookie").stream()
            .anyMatch(
                c ->
                    c.startsWith(ConsoleRequests.SESSION_COOKIE + "=;") && c.contains("Max-Age=0")),
        r.headers().toString());
    // The next request, without the stale cookie, logs on again.
    logOn("root");
  }

  @Test
  void signOutDropsTheSessionAndTheNextRequestIsAskedAgainWhateverItSends() throws Exception {
    Session s = logOn("root");
    RawHttpConnection.Response out =
        console.call("POST", "/console/api/signout", s.cookieHeader(), s.csrfHeader());
    assertEquals(200, out.status(), out.bodyText());
    String marker =
        out.values("Set-Cookie").stream()
            .filter(c -> c.startsWith(ConsoleRequests.SIGNED_OUT_COOKIE + "=1"))
            .findFirst()
            .orElseThrow();
    assertTrue(marker.toLowerCase(java.util.Locale.ROOT).contains("httponly"), marker);
    assertTrue(marker.contains("SameSite=Lax"), "sent with a link from another site: " + marker);
    assertEquals(1, audit("console: ", "root", "signed out").size());
    // The old cookie is dead even without the marker.
    assertEquals(401, console.call("GET", "/console/api/session", s.cookieHeader()).status());
    // The browser resends its cached credentials with the marker: 401 with fresh challenges, once.
    RawHttpConnection.Response again =
        console.call(
            "GET",
            "/console/",
            "Cookie: " + ConsoleRequests.SIGNED_OUT_COOKIE + "=1",
            "Authorization: " + ConsoleHost.basic("root"));
    assertEquals(401, again.status());
    assertNotNull(again.challengeData("Digest"));
    assertTrue(
        again.values("Set-Cookie").stream()
            .anyMatch(c -> c.startsWith(ConsoleRequests.SIGNED_OUT_COOKIE + "=;")),
        "the marker is cleared: " + again.headers());
    logOn("root");
  }

  @Test
  void aSessionFollowsItsAccountDisabledItEndsDemotedItOnlyLooks() throws Exception {
    Session admin = logOn("root");
    Session olga = logOn("olga");
    // olga becomes an administrator: her open session may change things at once.
    assertEquals(
        200,
        console
            .call(
                "PUT",
                "/console/api/accounts/olga/groups/Administrators",
                admin.cookieHeader(),
                admin.csrfHeader())
            .status());
    assertEquals(
        200,
        console
            .call("DELETE", "/console/api/troubleshooting", olga.cookieHeader(), olga.csrfHeader())
            .status());
    // Disabled, her session ends at its next request.
    assertEquals(
        200,
        console
            .call(
                "POST",
                "/console/api/accounts/olga/disable",
                admin.cookieHeader(),
                admin.csrfHeader())
            .status());
    assertEquals(
        401,
        console
            .call("DELETE", "/console/api/troubleshooting", olga.cookieHeader(), olga.csrfHeader())
            .status());
  }

  @Test
  void aPasswordResetByTheCommandLineEndsThatAccountsSessionsAtTheirNextUse() throws Exception {
    Session root = logOn("root");
    Session olga = logOn("olga");
    console.passwd("root", "pw-root-2");
    // The host picks up what another process wrote to the store on its next poll.
    console.clock.advance(Duration.ofSeconds(2));
    assertEquals(
        401,
        console
            .call("DELETE", "/console/api/troubleshooting", root.cookieHeader(), root.csrfHeader())
            .status(),
        "the session that logged on with the old password has ended");
    assertEquals(
        200,
        console.call("GET", "/console/api/session", olga.cookieHeader()).status(),
        "another account's session goes on");
    RawHttpConnection.Response again =
        console.call(
            "GET",
            "/console/api/session",
            "Authorization: Basic "
                + java.util.Base64.getEncoder().encodeToString("root:pw-root-2".getBytes()));
    assertEquals(200, again.status(), "a logon with the new password opens a new one");
    assertEquals(
        200,
        console.call("GET", "/console/api/session", "Cookie: " + sessionCookie(again)).status(),
        "and it lasts");
  }

  @Test
  void aCookieReplayedFromAnotherAddressIsNoSession() throws Exception {
    Session s = logOn("root");
    try (RawHttpConnection other =
        new RawHttpConnection(
            "127.0.0.1", console.port, java.net.InetAddress.getByName("127.0.0.2"))) {
      RawHttpConnection.Response r =
          other.send("GET /console/api/session HTTP/1.1\n" + s.cookieHeader(), null);
      assertEquals(401, r.status());
    }
    assertEquals(200, console.call("GET", "/console/api/session", s.cookieHeader()).status());
  }

  @Test
  void automaticRefreshesDoNotKeepAnIdleSessionAlive() throws Exception {
    Session s = logOn("root");
    for (int i = 0; i < 3; i++) {
      console.clock.advance(Duration.ofMinutes(4));
      assertEquals(
          200,
          console
              .call(
                  "GET", "/console/api/now", s.cookieHeader(), ConsoleRequests.POLL_HEADER + ": 1")
              .status());
    }
    // 16 minutes after the last real use, polls in between.
    console.clock.advance(Duration.ofMinutes(4));
    assertEquals(401, console.call("GET", "/console/api/session", s.cookieHeader()).status());
  }

  @Test
  void anotherSitesRequestWithCachedCredentialsOpensNoSession() throws Exception {
    RawHttpConnection.Response r =
        console.call(
            "GET",
            "/console/api/now",
            "Authorization: " + ConsoleHost.basic("root"),
            "Sec-Fetch-Site: cross-site");
    assertEquals(403, r.status());
    assertNull(sessionCookie(r));
    assertEquals(0, audit("console: session opened").size());
  }

  @Test
  void aLinkFromAnotherSiteOpensThePageButNoApiRouteNorSubresource() throws Exception {
    String root = "Authorization: " + ConsoleHost.basic("root");
    RawHttpConnection.Response page =
        console.call(
            "GET",
            "/console/",
            root,
            "Sec-Fetch-Site: cross-site",
            "Sec-Fetch-Mode: navigate",
            "Sec-Fetch-Dest: document");
    assertEquals(200, page.status(), page.bodyText());
    assertNotNull(sessionCookie(page), "the page opens a session");
    RawHttpConnection.Response api =
        console.call(
            "GET",
            "/console/api/session",
            root,
            "Sec-Fetch-Site: cross-site",
            "Sec-Fetch-Mode: navigate",
            "Sec-Fetch-Dest: document");
    assertEquals(403, api.status(), "an API route is never opened from another site");
    RawHttpConnection.Response image =
        console.call(
            "GET",
            "/console/",
            root,
            "Sec-Fetch-Site: cross-site",
            "Sec-Fetch-Mode: no-cors",
            "Sec-Fetch-Dest: image");
    assertEquals(403, image.status(), "nor the page as another site's subresource");
    RawHttpConnection.Response posted =
        console.call(
            "POST",
            "/console/",
            root,
            "Sec-Fetch-Site: cross-site",
            "Sec-Fetch-Mode: navigate",
            "Sec-Fetch-Dest: document");
    assertEquals(403, posted.status(), "nor a form posted from another site");
    assertEquals(1, audit("console: session opened for", "root").size());
  }

  @Test
  void aLinkFromAnotherSiteAfterASignOutIsAskedAgainWhateverTheBrowserCached() throws Exception {
    RawHttpConnection.Response r =
        console.call(
            "GET",
            "/console/",
            "Cookie: " + ConsoleRequests.SIGNED_OUT_COOKIE + "=1",
            "Authorization: " + ConsoleHost.basic("root"),
            "Sec-Fetch-Site: cross-site",
            "Sec-Fetch-Mode: navigate",
            "Sec-Fetch-Dest: document");
    assertEquals(401, r.status(), r.bodyText());
    assertNull(sessionCookie(r));
    assertEquals(0, audit("console: session opened for").size());
  }

  @Test
  void theServersAddressListsApplyToTheConsole() throws Exception {
    try (RawHttpConnection denied =
        new RawHttpConnection(
            "127.0.0.1", console.port, java.net.InetAddress.getByName("127.0.0.3"))) {
      RawHttpConnection.Response r =
          denied.send(
              "GET /console/api/session HTTP/1.1\nAuthorization: " + ConsoleHost.basic("root"),
              null);
      assertEquals(403, r.status(), r.bodyText());
      assertNull(sessionCookie(r));
    }
    assertEquals(
        1, audit("client address 127.0.0.3 is not allowed by the server's address lists").size());
    assertEquals(0, audit("logon succeeded", "root").size(), "no password was even checked");
    logOn("root");
  }

  @Test
  void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws Exception {
    // The first goes through the driver and a plug-in's thread; the later ones are answered at
    // once: were they handled side by side, their answers would overtake the first.
    String pipelined =
        "GET /console/api/session HTTP/1.1\r\nHost: x\r\nAuthorization: "
            + ConsoleHost.basic("root")
            + "\r\n\r\n"
            + "GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /console/api/session HTTP/1.1\r\nHost: x\r\n\r\n";
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", console.port)) {
      RawHttpConnection.Response first =
          c.sendRaw(pipelined.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      assertEquals(200, first.status(), first.bodyText());
      assertNotNull(sessionCookie(first));
      assertEquals(404, c.readAnswer().status());
      assertEquals(302, c.readAnswer().status());
      assertEquals(401, c.readAnswer().status(), "no cookie: asked to log on");
    }
  }

  @Test
  void aMalformedRequestIs400NeverA500() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", console.port)) {
      RawHttpConnection.Response r =
          c.sendRaw(
              ("POST /console/api/signout HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                      + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      assertEquals(400, r.status());
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", console.port)) {
      RawHttpConnection.Response r =
          c.sendRaw("GET /console/ HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n".getBytes());
      assertEquals(400, r.status());
    }
    Session s = logOn("root");
    RawHttpConnection.Response big =
        console.send(
            "PUT",
            "/console/api/plugins/digest/properties",
            "x".repeat(ConsoleServer.MAX_BODY_BYTES + 1),
            s.cookieHeader(),
            s.csrfHeader());
    assertEquals(413, big.status());
  }

  @Test
  void theConsoleIsOnlyUnderConsole() throws Exception {
    RawHttpConnection.Response r = console.call("GET", "/");
    assertEquals(302, r.status());
    assertEquals("/console/", r.values("Location").get(0));
    assertEquals(404, console.call("GET", "/vod/hello.txt").status());
    assertEquals(400, console.call("GET", "/console/../etc/passwd").status());
  }
}
