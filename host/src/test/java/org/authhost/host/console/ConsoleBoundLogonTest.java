package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-out and the idle time-out with a connection-bound logon (NTLM, Negotiate; here the test
 * plug-in {@code principal}, bound to its connection like them): the browser keeps the connection
 * that did the handshake in its pool and later sends on it neither credentials nor cookie. Once the
 * session has ended, that connection must be asked again, not served as the old identity.
 */
class ConsoleBoundLogonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One leg: a read-only operator (a principal in Operators; a proof from another party never makes
   * an administrator) for a day.
   */
  static final String LOGON = "X-Principal sub-9 86400 Operators";

  @TempDir Path root;
  ConsoleHost console;

  @BeforeEach
  void start() throws Exception {
    console = ConsoleHost.start(root, "", 100, true);
  }

  @AfterEach
  void stop() throws Exception {
    if (console != null) {
      console.close();
    }
  }

  /** The session cookie header and CSRF header of a logon's answer. */
  String[] session(RawHttpConnection.Response r) throws Exception {
    assertEquals(
        200,
        r.status(),
        () ->
            r.headers()
                + " "
                + console.host.eventLog().query(org.authhost.host.events.EventQuery.all()).stream()
                    .map(e -> e.source() + ": " + e.text())
                    .toList());
    String cookie = ConsoleLogonTest.sessionCookie(r);
    assertNotNull(cookie, r.headers().toString());
    return new String[] {
      "Cookie: " + cookie,
      ConsoleRequests.CSRF_HEADER + ": " + JSON.readTree(r.body()).get("csrf").asText()
    };
  }

  @Test
  void afterSignOutTheConnectionThatDidTheHandshakeIsAskedAgain() throws Exception {
    try (RawHttpConnection handshake = new RawHttpConnection("127.0.0.1", console.port)) {
      String[] s = session(handshake.get("/console/api/session", LOGON));
      assertTrue(
          console.audit("console: session opened for", "sub-9", "operator") == 1,
          "a session of the principal");
      // The sign-out goes on another pooled connection, which it closes.
      try (RawHttpConnection other = new RawHttpConnection("127.0.0.1", console.port)) {
        RawHttpConnection.Response out =
            other.send("POST /console/api/signout HTTP/1.1\n" + s[0] + "\n" + s[1], null);
        assertEquals(200, out.status(), out.bodyText());
        assertTrue(other.closedByServer(), "the connection that signed out is closed");
      }
      // The idle connection that did the handshake: no credentials, no cookie.
      RawHttpConnection.Response again = handshake.get("/console/api/session", null);
      assertEquals(401, again.status(), again.bodyText());
      assertNull(ConsoleLogonTest.sessionCookie(again), "no new session as the old identity");
      assertNotNull(again.challengeData("X-Principal"), again.headers().toString());
    }
    // A fresh logon works as before.
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", console.port)) {
      session(c.get("/console/api/session", LOGON));
    }
  }

  @Test
  void signingOutOnTheConnectionThatDidTheHandshakeClosesIt() throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", console.port)) {
      String[] s = session(c.get("/console/api/session", LOGON));
      RawHttpConnection.Response out =
          c.send("POST /console/api/signout HTTP/1.1\n" + s[0] + "\n" + s[1], null);
      assertEquals(200, out.status(), out.bodyText());
      assertTrue(c.closedByServer(), "nothing of the logon rides on this connection again");
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", console.port)) {
      RawHttpConnection.Response r =
          c.send(
              "GET /console/api/session HTTP/1.1\nCookie: "
                  + ConsoleRequests.SIGNED_OUT_COOKIE
                  + "=1",
              null);
      assertEquals(401, r.status(), r.bodyText());
      assertNull(ConsoleLogonTest.sessionCookie(r));
    }
  }

  @Test
  void afterAnIdleTimeOutTheConnectionThatDidTheHandshakeIsAskedAgain() throws Exception {
    try (RawHttpConnection handshake = new RawHttpConnection("127.0.0.1", console.port)) {
      String[] s = session(handshake.get("/console/api/session", LOGON));
      assertEquals(
          200,
          handshake.send("GET /console/api/session HTTP/1.1\n" + s[0], null).status(),
          "the session answers on the same connection");
      console.clock.advance(Duration.ofMinutes(16));
      // The browser dropped the stale cookie after the 401 on another connection; this one
      // carries nothing.
      RawHttpConnection.Response r = handshake.get("/console/api/session", null);
      assertEquals(401, r.status(), r.bodyText());
      assertNull(ConsoleLogonTest.sessionCookie(r), "no new session as the old identity");
    }
    assertEquals(1, console.audit("console: session opened for", "sub-9"), "one session only");
  }
}
