package org.authhost.host.rtsp;

import static org.authhost.host.rtsp.RelayedHost.CAM;
import static org.authhost.host.rtsp.RelayedHost.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.Main;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.authn.AuthenticationDriver;
import org.authhost.host.authn.Logon;
import org.authhost.host.authn.Verdict;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request without credentials inside an RTSP session is the session's logon reauthorized by the
 * driver, with the operator's changes since that logon: below the socket, with a real host's Digest
 * plug-in, account store, lockout and audit, and the relay's own session binding on the origin's
 * 200 to SETUP (the origin an EmbeddedChannel). Each change refuses the next such request with its
 * RTSP status and the request's CSeq, audits it, and ends the connection; nothing of it reaches the
 * origin.
 */
class RtspReauthorizationTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static Path config;
  static final Pattern NONCE = Pattern.compile("Digest [^\r\n]*nonce=\"([^\"]+)\"");

  @BeforeAll
  static void start() throws Exception {
    List<String> viewers =
        List.of("ann", "dan", "gil", "lou", "pat", "ivy", "rex", "kim", "sal", "tom", "una", "vic");
    config =
        RelayedHost.configure(
            root,
            List.of("authhost-plugin-digest.jar", "authhost-plugin-basic.jar"),
            """
            "digest": { "enabled": true, "properties": {
              "realm": "AuthHost", "algorithms": "MD5" } },
            "basic": { "enabled": true }
            """,
            """
            "accounts": { "digestRealms": ["AuthHost"] },
            "security": { "lockout": { "threshold": 3, "addressThreshold": 1000 } }
            """,
            "\"digest\", \"basic\"",
            "{ \"principal\": \"viewers\", \"rights\": [\"read\"] }",
            viewers);
    cli("accounts", "groups", "add", "viewers");
    for (String user : viewers) {
      cli("accounts", "groups", "add-member", "viewers", user);
    }
    host = RelayedHost.start(config, clock);
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** An operator's {@code authhost} command while the host runs; the host sees it at its poll. */
  static void cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(config.toString());
    int rc = Main.commandLine().execute(all.toArray(String[]::new));
    assertEquals(0, rc, String.join(" ", args));
    // The host's account poller runs on the host's clock: one interval, and it has looked.
    clock.advance(Duration.ofSeconds(1));
  }

  static List<EventRecord> audited(String... parts) {
    return RelayedHost.audited(host, parts);
  }

  /** One client connection and its origin, the client logged on and playing in session S1. */
  static final class Playing extends RelayedHost.Client {
    final String user;
    String nonce;

    Playing(String user) throws Exception {
      this(user, RtspTestChannel.inlineReauthorize(host.rtsp().driver()));
    }

    Playing(
        String user,
        BiFunction<AuthenticationDriver.Attempt, Logon, CompletableFuture<Verdict>> reauthorize)
        throws Exception {
      super(host, reauthorize);
      this.user = user;
      String setup = CAM + "/stream=0";
      ch.send(RtspHandlersTest.request("SETUP", setup, ++cseq, "Transport", TCP));
      String challenge = ch.answers();
      Matcher m = NONCE.matcher(challenge);
      assertTrue(m.find(), challenge);
      nonce = m.group(1);
      ch.send(
          RtspHandlersTest.request(
              "SETUP",
              setup,
              ++cseq,
              "Transport",
              TCP,
              "Authorization",
              digest("SETUP", setup, "pw-" + user)));
      assertTrue(origin().startsWith("SETUP rtsp://127.0.0.1:1/test/stream=0 "));
      originAnswers("Session: S1;timeout=60\r\nTransport: " + TCP + "\r\n");
      String answer = ch.answers();
      assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
      assertTrue(answer.toLowerCase().contains("cseq: " + cseq + "\r\n"), answer);
      int logons = audited("logon succeeded").size();
      ch.send(RtspHandlersTest.request("PLAY", CAM + "/", ++cseq, "Session", "S1"));
      assertTrue(origin().startsWith("PLAY rtsp://127.0.0.1:1/test/ "), "served without asking");
      originAnswers("Session: S1\r\n");
      answer = ch.answers();
      assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
      assertEquals(logons, audited("logon succeeded").size(), "a reauthorization is no new logon");
    }

    String digest(String method, String uri, String password) throws Exception {
      return rfc2069(user, password, nonce, method, uri);
    }

    /**
     * A keep-alive without credentials in the session, after the operator's change: refused with
     * {@code status} and its CSeq, the connection ended, the origin sent nothing.
     */
    String refusedKeepAlive(String status) {
      int asked = ++cseq;
      ch.send(RtspHandlersTest.request("GET_PARAMETER", CAM + "/", asked, "Session", "S1"));
      String answer = ch.answers();
      assertTrue(answer.startsWith("RTSP/1.0 " + status + "\r\n"), answer);
      assertTrue(answer.toLowerCase().contains("cseq: " + asked + "\r\n"), answer);
      assertFalse(ch.isActive(), "the session does not outlive its authorization");
      assertEquals("", origin(), "nothing refused reaches the origin");
      return answer;
    }
  }

  static String md5(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aKeepAliveIsServedWithoutAskingThePluginAndWritingIsAskedFor() throws Exception {
    Playing ann = new Playing("ann");
    ann.ch.send(RtspHandlersTest.request("GET_PARAMETER", CAM + "/", 10, "Session", "S1"));
    assertTrue(ann.origin().startsWith("GET_PARAMETER "), "a keep-alive in the session is served");
    ann.originAnswers("Session: S1\r\n");
    assertTrue(ann.ch.answers().startsWith("RTSP/1.0 200 OK\r\n"));
    ann.ch.send(RtspHandlersTest.request("RECORD", CAM + "/", 11, "Session", "S1"));
    String answer = ann.ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 401 Unauthorized\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: 11\r\n"), answer);
    assertTrue(ann.ch.isActive(), "a right never granted is asked for, the session goes on");
  }

  @Test
  void aDisabledAccountsNextRequestIs401AndEndsTheSession() throws Exception {
    Playing dan = new Playing("dan");
    cli("accounts", "disable", "dan");
    String answer = dan.refusedKeepAlive("401 Unauthorized");
    assertTrue(
        answer.toLowerCase().contains("www-authenticate: digest realm=\"authhost\""), answer);
    EventRecord event = audited("account TESTHOST\\dan is disabled or deleted").get(0);
    assertEquals(HResult.SEC_E_LOGON_DENIED, event.hresult());
  }

  @Test
  void anAccountTakenOutOfTheAclsGroupIs403() throws Exception {
    Playing gil = new Playing("gil");
    cli("accounts", "groups", "remove-member", "viewers", "gil");
    gil.refusedKeepAlive("403 Forbidden");
    EventRecord event =
        audited("access denied to TESTHOST\\gil by the ACL of publishing point cam").get(0);
    assertEquals(HResult.E_ACCESSDENIED, event.hresult());
    assertTrue(event.text().contains("reauthorized without credentials"), event.text());
  }

  /** The RFC 2069 Digest form GStreamer and VLC send (no qop), for the realm AuthHost. */
  static String rfc2069(String user, String password, String nonce, String method, String uri)
      throws Exception {
    String ha1 = md5(user + ":AuthHost:" + password);
    String ha2 = md5(method + ":" + uri);
    return "Digest username=\""
        + user
        + "\", realm=\"AuthHost\", nonce=\""
        + nonce
        + "\", uri=\""
        + uri
        + "\", response=\""
        + md5(ha1 + ":" + nonce + ":" + ha2)
        + "\"";
  }

  /**
   * DESCRIBE on {@code client} with {@code user}'s {@code password} answering the nonce of {@code
   * challenge} (the last 401), as rtspsrc answers each 401: the answer.
   */
  static String describeAnswering(
      RelayedHost.Client client, String challenge, String user, String password) throws Exception {
    Matcher m = NONCE.matcher(challenge);
    assertTrue(m.find(), challenge);
    client.ch.send(
        RtspHandlersTest.request(
            "DESCRIBE",
            CAM,
            ++client.cseq,
            "Authorization",
            rfc2069(user, password, m.group(1), "DESCRIBE", CAM)));
    return client.ch.answers();
  }

  /**
   * GStreamer's rtspsrc sends a refused password again on every 401, nine times: challenged again
   * on the same nonce, its retries are the same octets, one failed logon; the account is not locked
   * out (threshold 3) and the right password then logs on.
   */
  @Test
  void aPlayersRetriesOfOneWrongPasswordAreOneFailedLogon() throws Exception {
    RelayedHost.Client una = new RelayedHost.Client(host);
    una.ch.send(RtspHandlersTest.request("DESCRIBE", CAM, ++una.cseq));
    String answer = una.ch.answers();
    for (int i = 0; i < 9; i++) {
      answer = describeAnswering(una, answer, "una", "not-it");
      assertTrue(answer.startsWith("RTSP/1.0 401 "), "try " + i + ": " + answer);
    }
    assertEquals(1, audited("logon failed", "una").size(), audited("una").toString());
    assertEquals(8, audited("sent again unchanged", "(account=\"TESTHOST\\\\una\")").size());
    assertTrue(audited("lockout:", "una").isEmpty());
    answer = describeAnswering(una, answer, "una", "pw-una");
    assertTrue(una.origin().startsWith("DESCRIBE "), "the right password is relayed: " + answer);
  }

  /** Every different wrong password on one connection counts: the third locks (threshold 3). */
  @Test
  void differentWrongPasswordsOnOneConnectionEachCount() throws Exception {
    RelayedHost.Client vic = new RelayedHost.Client(host);
    vic.ch.send(RtspHandlersTest.request("DESCRIBE", CAM, ++vic.cseq));
    String answer = vic.ch.answers();
    for (int i = 0; i < 3; i++) {
      answer = describeAnswering(vic, answer, "vic", "guess" + i);
      assertTrue(answer.startsWith("RTSP/1.0 401 "), "guess " + i + ": " + answer);
    }
    assertEquals(3, audited("logon failed", "vic").size());
    assertEquals(1, audited("lockout:", "vic").size());
    answer = describeAnswering(vic, answer, "vic", "pw-vic");
    assertTrue(answer.startsWith("RTSP/1.0 429 "), answer);
  }

  @Test
  void anAccountLockedOutMeanwhileIs429WithRetryAfter() throws Exception {
    Playing lou = new Playing("lou");
    for (int i = 0; i < 3; i++) {
      // A refused guess ends its connection's session: each guess on a connection of its own.
      Playing guesser = new Playing("rex");
      String uri = CAM + "/";
      String wrong =
          guesser.digest("DESCRIBE", uri, "not-it").replace("username=\"rex\"", "username=\"lou\"");
      guesser.ch.send(RtspHandlersTest.request("DESCRIBE", uri, 20 + i, "Authorization", wrong));
      assertTrue(guesser.ch.answers().startsWith("RTSP/1.0 401 "));
    }
    assertFalse(
        audited("lockout: account=\"TESTHOST\\\\lou\"").isEmpty(),
        "the guesses locked lou's account");
    String answer = lou.refusedKeepAlive("429 Too Many Requests");
    assertTrue(answer.toLowerCase().contains("retry-after: "), answer);
    assertFalse(audited("account TESTHOST\\lou is locked out").isEmpty());
  }

  @Test
  void aDisabledPluginLeavesOnlyTheOthersChallenges() throws Exception {
    Playing pat = new Playing("pat");
    host.plugins().disable("digest");
    try {
      String answer = pat.refusedKeepAlive("401 Unauthorized");
      assertTrue(answer.toLowerCase().contains("www-authenticate: basic"), answer);
      assertFalse(answer.contains("Digest"), answer);
      assertFalse(
          audited("the digest plug-in that logged TESTHOST\\pat on is no longer offered")
              .isEmpty());
    } finally {
      host.plugins().enable("digest");
    }
  }

  /**
   * The address lists are read at start; the point a request is routed to is the one whose lists
   * apply: here a point whose deny list has come to name the client (as a reload of the
   * configuration would make it).
   */
  @Test
  void anAddressTheListsNowDenyIs403() throws Exception {
    AuthenticationDriver driver = host.rtsp().driver();
    Playing ivy =
        new Playing(
            "ivy",
            (a, logon) -> {
              PublishingPoint p = a.point();
              PublishingPoint denying =
                  new PublishingPoint(
                      p.name(),
                      p.prefix(),
                      p.directory(),
                      p.origin(),
                      p.plugins(),
                      p.acl(),
                      IpRules.of(List.of(), List.of(denied ? "127.0.0.0/8" : "192.0.2.1")));
              return RtspTestChannel.inlineReauthorize(driver)
                  .apply(
                      new AuthenticationDriver.Attempt(
                          a.request(),
                          denying,
                          a.connection(),
                          a.client(),
                          a.user(),
                          a.presentation(),
                          a.command(),
                          a.authorization(),
                          a.right(),
                          a.onBehalf()),
                      logon);
            });
    denied = true;
    ivy.refusedKeepAlive("403 Forbidden");
    assertFalse(
        audited(
                "client address 127.0.0.1 is not allowed by publishing point cam",
                "the session of TESTHOST\\ivy ends here")
            .isEmpty());
  }

  static volatile boolean denied;

  /**
   * A keep-alive with credentials of its own (as ffmpeg sends every request) is asked of the
   * plug-in; refused mid-session it ends the session as a reauthorization does.
   */
  String refusedWithCredentials(Playing p, String password, String status) throws Exception {
    int asked = ++p.cseq;
    String uri = CAM + "/";
    p.ch.send(
        RtspHandlersTest.request(
            "GET_PARAMETER",
            uri,
            asked,
            "Session",
            "S1",
            "Authorization",
            p.digest("GET_PARAMETER", uri, password)));
    String answer = p.ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 " + status + "\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("cseq: " + asked + "\r\n"), answer);
    assertFalse(p.ch.isActive(), "the session does not outlive its authorization");
    assertFalse(p.origins.get(0).isActive(), "the origin side is closed: the stream stops");
    assertEquals("", p.origin(), "nothing refused reaches the origin");
    return answer;
  }

  @Test
  void aWrongPasswordMidSessionIs401AndEndsTheSession() throws Exception {
    Playing kim = new Playing("kim");
    String answer = refusedWithCredentials(kim, "not-kim's", "401 Unauthorized");
    assertTrue(answer.toLowerCase().contains("www-authenticate: digest"), answer);
    EventRecord event =
        audited("logon failed", "\\\\kim\"", "credentials refused by the plug-in").get(0);
    assertEquals(HResult.SEC_E_LOGON_DENIED, event.hresult());
  }

  @Test
  void aDisabledAccountsRequestWithCredentialsEndsTheSession() throws Exception {
    Playing sal = new Playing("sal");
    cli("accounts", "disable", "sal");
    refusedWithCredentials(sal, "pw-sal", "401 Unauthorized");
    assertFalse(audited("sal").isEmpty());
  }

  /**
   * A stale nonce is a step of logging on, not a failure (the digest was right): challenged with
   * {@code stale=true}, the session goes on and the client's retry on the fresh nonce is served.
   */
  @Test
  void aStaleNonceMidSessionIsChallengedAndTheSessionGoesOn() throws Exception {
    Playing tom = new Playing("tom");
    clock.advance(Duration.ofMinutes(10)); // past the nonce's lifetime (300 s)
    String uri = CAM + "/";
    tom.ch.send(
        RtspHandlersTest.request(
            "GET_PARAMETER",
            uri,
            ++tom.cseq,
            "Session",
            "S1",
            "Authorization",
            tom.digest("GET_PARAMETER", uri, "pw-tom")));
    String answer = tom.ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 401 Unauthorized\r\n"), answer);
    assertTrue(answer.contains("stale=true"), answer);
    assertTrue(tom.ch.isActive(), "a stale nonce does not end the session");
    Matcher m = NONCE.matcher(answer);
    assertTrue(m.find(), answer);
    tom.nonce = m.group(1);
    tom.ch.send(
        RtspHandlersTest.request(
            "GET_PARAMETER",
            uri,
            ++tom.cseq,
            "Session",
            "S1",
            "Authorization",
            tom.digest("GET_PARAMETER", uri, "pw-tom")));
    assertTrue(tom.origin().startsWith("GET_PARAMETER "), "served on the fresh nonce");
  }
}
