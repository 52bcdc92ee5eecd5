package org.authhost.plugins.digest;

import static org.authhost.api.AuthenticationResult.CONTINUE;
import static org.authhost.api.AuthenticationResult.DENIED;
import static org.authhost.api.AuthenticationResult.ERROR;
import static org.authhost.api.AuthenticationResult.SUCCESS;
import static org.authhost.plugins.digest.PluginHarness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.TokenHandle;
import org.authhost.api.support.PluginEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The plug-in as the host drives it, against a fake host: challenges, logons, refusals, faults. */
class DigestPluginTest {
  private static final String URI = "/private/a.txt";
  private static final String NONCE = "[A-Za-z0-9_-]{54}";
  private static final String OPAQUE = "[A-Za-z0-9_-]{22}";

  @TempDir Path data;

  private PluginHarness start(String... namedValues) {
    return new PluginHarness(data, namedValues);
  }

  private static Map<String, String> info(PluginHarness.Answer a) throws Malformed {
    return DigestParams.parse(a.blob());
  }

  // --- challenges ---

  @Test
  void theFirstLegGetsOneChallengePerAlgorithmInOrder() {
    List<String> lines = start().challenges();
    assertEquals(2, lines.size());
    assertTrue(
        lines
            .get(0)
            .matches(
                "realm=\"AuthHost\", nonce=\""
                    + NONCE
                    + "\", qop=\"auth,auth-int\","
                    + " algorithm=SHA-256, opaque=\""
                    + OPAQUE
                    + "\", charset=UTF-8, userhash=true"),
        lines.get(0));
    assertTrue(
        lines
            .get(1)
            .matches(
                "realm=\"AuthHost\", nonce=\""
                    + NONCE
                    + "\", qop=\"auth,auth-int\","
                    + " algorithm=MD5, opaque=\""
                    + OPAQUE
                    + "\", charset=UTF-8, userhash=true"),
        lines.get(1));
    assertEquals(
        lines.get(0).replace("SHA-256", "MD5"), lines.get(1), "one nonce for the whole 401");
  }

  @Test
  void theChallengeFollowsTheNamedValues() {
    FakeServer server = new FakeServer(data);
    server.digestRealms.add("Media Library");
    List<String> lines =
        new PluginHarness(
                server,
                "algorithms",
                "md5-sess, SHA-512-256",
                "qop",
                "auth",
                "userhash",
                "false",
                "realm",
                "Media Library")
            .challenges();
    assertEquals(2, lines.size());
    assertTrue(
        lines
            .get(0)
            .matches(
                "realm=\"Media Library\", nonce=\""
                    + NONCE
                    + "\", qop=\"auth\","
                    + " algorithm=MD5-sess, opaque=\""
                    + OPAQUE
                    + "\", charset=UTF-8"),
        lines.get(0));
    assertTrue(lines.get(1).contains("algorithm=SHA-512-256, "));
  }

  // --- successful logons ---

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "MD5, auth", "MD5, auth-int", "MD5-sess, auth", "MD5-sess, auth-int",
    "SHA-256, auth", "SHA-256, auth-int", "SHA-256-sess, auth", "SHA-256-sess, auth-int",
    "SHA-512-256, auth", "SHA-512-256, auth-int", "SHA-512-256-sess, auth",
        "SHA-512-256-sess, auth-int",
  })
  void everyAlgorithmAndQopLogsOn(String algorithm, String qop) throws Exception {
    PluginHarness h = start("algorithms", algorithm);
    TestClient client = h.client(algorithm, "Mufasa", "Circle of Life");
    FakeRequest request = get(URI);
    PluginHarness.Answer a = h.send(client.header("GET", URI, qop, 1), request);
    assertEquals(SUCCESS, a.result(), String.valueOf(h.information()));
    assertEquals(HResult.S_OK, a.hr());
    assertEquals("Mufasa", request.userName, "the host's audit names the account");
    if (qop.equals("auth")) {
      // Mutual authentication: the client checks rspauth against its own computation.
      Map<String, String> info = info(a);
      assertEquals(client.expectedRspauth(URI, 1), info.get("rspauth"));
      assertEquals(
          Map.of(
              "rspauth",
              client.expectedRspauth(URI, 1),
              "qop",
              "auth",
              "cnonce",
              client.cnonce,
              "nc",
              "00000001"),
          info);
    } else {
      assertNull(a.blob(), "auth-int: rspauth would need the response body's hash");
    }

    Out<TokenHandle> token = new Out<>();
    assertEquals(HResult.S_OK, a.context().getImpersonationToken(token));
    assertEquals(h.server.openHandles, Set.of(token.get().value()));
    Out<String> user = new Out<>();
    a.context().getLogicalUserId(user);
    assertEquals("Mufasa", user.get());
    a.context().release();
    assertTrue(h.server.openHandles.isEmpty(), "release() closes the token");
    assertEquals(HResult.SEC_E_INVALID_HANDLE, a.context().getImpersonationToken(new Out<>()));
    assertTrue(h.information().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "userhash", "username*"})
  void nonAsciiNamesWithUserhashOrUsernameStar(String form) {
    FakeServer server = new FakeServer(data);
    server.digestRealms.add("api@example.org");
    PluginHarness h =
        new PluginHarness(server, "realm", "api@example.org", "algorithms", "SHA-512-256");
    TestClient client = h.client("SHA-512-256", "J\u00e4s\u00f8n Doe", "Secret, or not?");
    client.userhash = form.equals("userhash");
    client.usernameStar = form.equals("username*");
    FakeRequest request = get("/doe.json");
    PluginHarness.Answer a =
        h.sendAndRelease(client.header("GET", "/doe.json", "auth", 1), request);
    assertEquals(SUCCESS, a.result(), String.valueOf(h.information()));
    assertEquals("J\u00e4s\u00f8n Doe", request.userName);
  }

  @Test
  void anUnknownUserhashIsDenied() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Scar", "x");
    client.userhash = true;
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(DENIED, a.result());
    assertFalse(a.stale());
  }

  @Test
  void aKeepAliveClientReusesOneNonceWithIncreasingNc() throws Exception {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    for (int nc = 1; nc <= 50; nc++) {
      PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", nc), get(URI));
      assertEquals(SUCCESS, a.result(), "nc " + nc);
      assertEquals(client.expectedRspauth(URI, nc), info(a).get("rspauth"));
    }
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void countsOutOfOrderFromParallelConnectionsAreAccepted() {
    PluginHarness h = start();
    TestClient client = h.client("MD5", "Mufasa", "Circle of Life");
    for (int nc : new int[] {3, 1, 2}) {
      assertEquals(
          SUCCESS,
          h.sendAndRelease(client.header("GET", URI, "auth", nc), get(URI)).result(),
          "nc " + nc);
    }
    assertEquals(DENIED, h.sendAndRelease(client.header("GET", URI, "auth", 2), get(URI)).result());
  }

  @Test
  void manyThreadsSharingOneNonceGetEachCountAcceptedOnce() throws Exception {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    AtomicInteger successes = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    // The 64 counts of one window, each sent twice at once: the original races its replay.
    for (int nc = 64; nc >= 1; nc--) {
      String header = client.header("GET", URI, "auth", nc);
      for (int copy = 0; copy < 2; copy++) {
        pool.execute(
            () -> {
              if (h.sendAndRelease(header, get(URI)).result() == SUCCESS) {
                successes.incrementAndGet();
              }
            });
      }
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    assertEquals(64, successes.get());
    assertTrue(h.server.openHandles.isEmpty());
  }

  // --- replays, stale nonces, forgeries ---

  @Test
  void aReplayedHeaderIsRefused() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    String header = client.header("GET", URI, "auth", 1);
    assertEquals(SUCCESS, h.sendAndRelease(header, get(URI)).result());
    FakeRequest again = get(URI);
    PluginHarness.Answer replay = h.sendAndRelease(header, again);
    assertEquals(DENIED, replay.result());
    // An exact repeat is a replay: refused as such, not as stale (stale=true is only for a nonce
    // that is too old or no longer known), and in the plug-in's own refusal log.
    assertFalse(replay.stale(), replay.blob());
    assertEquals(
        List.of(
            "Digest response from 192.0.2.7 refused: nc 00000001 was already used with this nonce"
                + " (a replayed request of account 'Mufasa')"),
        h.information());
    // The replayer proved nothing about Mufasa: a benign refusal (S_FALSE), which the host counts
    // against nobody (the victim of a captured header is not locked out by it). The name stays:
    // the host answers a locked account's replay as it answers the account's other attempts, so
    // a replay cannot tell a right password from a wrong one.
    assertEquals(HResult.S_FALSE, replay.hr());
    assertEquals("Mufasa", again.userName().orElseThrow(), "a replay keeps the account's name");
    // A wrong response names the account and is no benign refusal: a failed logon of Mufasa.
    FakeRequest wrong = get(URI);
    TestClient guesser = h.client("SHA-256", "Mufasa", "not the password");
    PluginHarness.Answer guessed = h.sendAndRelease(guesser.header("GET", URI, "auth", 1), wrong);
    assertEquals(DENIED, guessed.result());
    assertEquals(HResult.S_OK, guessed.hr());
    assertEquals("Mufasa", wrong.userName().orElseThrow());
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void anExpiredNonceIsStaleOnlyWhenTheDigestIsRight() {
    PluginHarness h = start("nonceLifetimeSeconds", "60");
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    h.clock.advance(Duration.ofSeconds(61));
    TestClient wrong =
        new TestClient(
            client.challenge.entrySet().stream()
                .map(e -> e.getKey() + "=" + TestClient.q(e.getValue()))
                .reduce((x, y) -> x + ", " + y)
                .orElseThrow(),
            "Mufasa",
            "Circle Of Life");
    PluginHarness.Answer wrongPassword =
        h.sendAndRelease(wrong.header("GET", URI, "auth", 1), get(URI));
    assertEquals(DENIED, wrongPassword.result());
    assertFalse(wrongPassword.stale(), "a wrong digest never learns that the nonce was only old");

    PluginHarness.Answer stale = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(DENIED, stale.result());
    assertTrue(stale.stale(), stale.blob());
    // The client retries on the fresh nonce without asking its user (curl does).
    TestClient retry = PluginHarness.client(stale.lines(), "SHA-256", "Mufasa", "Circle of Life");
    assertEquals(SUCCESS, h.sendAndRelease(retry.header("GET", URI, "auth", 1), get(URI)).result());
    assertTrue(h.information().isEmpty(), "expiry is routine: no event");
  }

  @Test
  void aForgedNonceIsDeniedWithoutStale(@TempDir Path elsewhere) {
    PluginHarness h = start();
    // A nonce from another installation (another key), answered with the right password.
    TestClient client = new PluginHarness(elsewhere).client("SHA-256", "Mufasa", "Circle of Life");
    client.overrides.put(
        "opaque",
        TestClient.q(
            PluginHarness.client(h.challenges(), "SHA-256", "", "").challenge.get("opaque")));
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(DENIED, a.result());
    assertFalse(a.stale());
    assertEquals(
        List.of(
            "Digest response from 192.0.2.7 refused: the nonce was not issued by this server (bad form"
                + " or MAC)"),
        h.information());
  }

  @Test
  void aFloodOfChallengesAndGarbageCostsTheStateServiceNothing() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    for (int i = 0; i < 5_000; i++) {
      h.sendAndRelease(null, get(URI));
      h.sendAndRelease("username=\"x\", realm=\"AuthHost\", nonce=\"" + i + "\"", get(URI));
    }
    assertEquals(
        1, h.server.state.count(""), "only the nonce secret: no nonce is recorded when issued");
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(SUCCESS, a.result(), "the user's nonce is still good: nothing pushed it out");
    assertEquals(1, h.server.state.count("nc/"), "one count recorded, for the one use");
  }

  @Test
  void aRestartKeepsTheKeySoOldNoncesAreStaleNotForged() throws Exception {
    PluginHarness before = start();
    TestClient client = before.client("SHA-256", "Mufasa", "Circle of Life");
    assertEquals(32, Files.size(data.resolve("nonce.key")));
    PluginHarness after = start(); // a new plug-in object on the same data folder
    PluginHarness.Answer a = after.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(DENIED, a.result());
    assertTrue(a.stale(), "the same key and opaque: the client just retries");
    assertTrue(after.information().isEmpty());
  }

  @Test
  void disableThenEnableKeepsTheNoncesAndTheirCounts() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
    h.plugin.disable();
    assertEquals(
        HResult.E_UNEXPECTED, h.plugin.createAuthenticationContext(new Out<>()), "not enabled");
    h.plugin.enable(new Out<>(Duration.ZERO));
    // The state is the host's: the nonce is still good, and its used count still refused.
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 2), get(URI)).result());
    PluginHarness.Answer replay = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(DENIED, replay.result());
    assertFalse(replay.stale());
  }

  // --- requests that are refused with a reason ---

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "realm| realm=\"Other\"| realm 'Other' is not this server's realm",
        "opaque| opaque=\"x\"| opaque does not match",
        "algorithm| algorithm=SHA-512-256| algorithm SHA-512-256 was not offered",
        "uri| uri=\"/private/b.txt\"| uri '/private/b.txt' does not name the request target '/private/a.txt'",
        "both names| username*=UTF-8''Mufasa| both username and username*",
        "userhash not offered| userhash=true| userhash username is not 64 hex digits (algorithm SHA-256)",
        "nc| nc=1| nc '1' is not 8 hex digits",
      })
  void badRequestsAreDeniedWithTheReason(String name, String override, String reason) {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    int eq = override.indexOf('=');
    String value = override.substring(eq + 1);
    client.overrides.put(override.substring(0, eq), value.isEmpty() ? null : value);
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(DENIED, a.result());
    assertEquals(HResult.S_FALSE, a.hr(), "malformed: a benign refusal, no guess at a password");
    assertFalse(a.stale());
    assertEquals(2, a.lines().size(), "fresh challenges come with the refusal");
    assertEquals(List.of("Digest response from 192.0.2.7 refused: " + reason), h.information());
  }

  @Test
  void garbageCannotGrowTheEventLog() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    client.overrides.put("algorithm", "X".repeat(20_000));
    assertEquals(DENIED, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
    assertEquals(1, h.information().size());
    assertTrue(
        h.information().get(0).length() <= PluginEvents.MAX_CLIENT_TEXT + 3,
        "event text is cut short");
  }

  @Test
  void aFloodOfGarbageFromOneAddressIsOneEventThenASummaryOnTheHeartbeat() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    client.overrides.put("nc", "1");
    for (int i = 0; i < 500; i++) {
      assertEquals(
          DENIED, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
    }
    assertEquals(
        List.of("Digest response from 192.0.2.7 refused: nc '1' is not 8 hex digits"),
        h.information());

    assertEquals(HResult.S_OK, h.plugin.onHeartbeat());
    assertEquals(1, h.information().size(), "the interval is not over yet");
    h.clock.advance(RefusalLog.DEFAULT_INTERVAL);
    assertEquals(HResult.S_OK, h.plugin.onHeartbeat());
    assertEquals(
        "499 more malformed Digest requests from 192.0.2.7 in 1 s", h.information().get(1));
    assertEquals(2, h.information().size());
  }

  @Test
  void enableAsksForTheHeartbeatThatWritesTheSummaries() {
    FakeServer server = new FakeServer(data);
    DigestAuthenticationPlugin plugin =
        new DigestAuthenticationPlugin(new FakeServer.TestClock(), new SecureRandom());
    assertEquals(HResult.S_OK, plugin.initialize(server, FakeServer.values()));
    Out<Duration> heartbeat = new Out<>(Duration.ZERO);
    assertEquals(HResult.S_OK, plugin.enable(heartbeat));
    assertTrue(
        heartbeat.get().compareTo(RefusalLog.DEFAULT_INTERVAL) < 0
            && heartbeat.get().compareTo(Duration.ofMillis(100)) > 0,
        String.valueOf(heartbeat.get()));
  }

  @Test
  void aResponseWithoutOpaqueIsAcceptedAsLive555SendsIt() {
    // live555 (VLC) never echoes opaque; the nonce's MAC already proves the challenge is ours.
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    client.overrides.put("opaque", null);
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
  }

  @Test
  void qopAndUserhashMustHaveBeenOffered() {
    PluginHarness h = start("qop", "auth", "userhash", "false");
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    assertEquals(
        DENIED, h.sendAndRelease(client.header("GET", URI, "auth-int", 1), get(URI)).result());
    client.userhash = true;
    // From another address: a second refusal from the first one would only be counted (RefusalLog).
    assertEquals(
        DENIED,
        h.sendAndRelease(client.header("GET", URI, "auth", 2), get(URI).from("192.0.2.8"))
            .result());
    assertEquals(
        List.of(
            "Digest response from 192.0.2.7 refused: qop=auth-int was not offered",
            "Digest response from 192.0.2.8 refused: userhash=true was not offered"),
        h.information());
  }

  @Test
  void authIntIsRefusedForARequestWithABody() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    FakeRequest post = new FakeRequest("POST", URI).header("content-length", "5");
    assertEquals(
        DENIED, h.sendAndRelease(client.header("POST", URI, "auth-int", 1), post).result());
    FakeRequest chunked = new FakeRequest("POST", URI).header("transfer-encoding", "chunked");
    assertEquals(
        DENIED, h.sendAndRelease(client.header("POST", URI, "auth-int", 2), chunked).result());
    FakeRequest empty = new FakeRequest("POST", URI).header("content-length", "0");
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("POST", URI, "auth-int", 3), empty).result());
    assertEquals(
        SUCCESS,
        h.sendAndRelease(client.header("POST", URI, "auth", 4), post).result(),
        "qop=auth does not cover the body");
    assertEquals(
        1,
        h.information().size(),
        "the second refusal from the same address is counted, not logged");
    assertTrue(
        h.information()
            .get(0)
            .endsWith(
                "qop=auth-int for a request with a body: plug-ins do not see the"
                    + " body; use qop=auth"));
  }

  @Test
  void anAbsoluteFormUriIsAcceptedForThisHost() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    String absolute = "http://127.0.0.1:8080" + URI;
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", absolute, "auth", 1), get(URI)).result());
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 2), get(absolute)).result());
    assertEquals(
        DENIED,
        h.sendAndRelease(client.header("GET", "http://evil.example" + URI, "auth", 3), get(URI))
            .result());
  }

  @Test
  void wrongPasswordsAndUnknownUsersAreDeniedQuietly() {
    PluginHarness h = start();
    FakeRequest request = get(URI);
    PluginHarness.Answer wrong =
        h.sendAndRelease(
            h.client("SHA-256", "Mufasa", "Circle Of Life").header("GET", URI, "auth", 1), request);
    assertEquals(DENIED, wrong.result());
    assertFalse(wrong.stale());
    assertEquals("Mufasa", request.userName, "the host's audit names the account");
    assertEquals(
        DENIED,
        h.sendAndRelease(h.client("MD5", "Scar", "x").header("GET", URI, "auth", 1), get(URI))
            .result());
    assertTrue(
        h.information().isEmpty(), "the host audits failed logons; the plug-in adds nothing");
    assertTrue(h.server.openHandles.isEmpty());
  }

  @Test
  void aWrongDigestDoesNotUseUpTheCount() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    client.password = "guess";
    assertEquals(DENIED, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
    client.password = "Circle of Life";
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
  }

  // --- the RFC 2069 form and nextnonce ---

  @Test
  void theRfc2069FormIsRefusedUnlessLegacyIsOn() {
    PluginHarness h = start();
    TestClient client = h.client("MD5", "Mufasa", "Circle of Life");
    assertEquals(DENIED, h.sendAndRelease(client.header("GET", URI, null, 0), get(URI)).result());
    assertEquals(
        List.of(
            "Digest response from 192.0.2.7 refused: no qop (the RFC 2069 form is not accepted; named"
                + " value legacy)"),
        h.information());
  }

  @Test
  void theRfc2069FormIsAcceptedOncePerNonceWhenLegacyIsOn() throws Exception {
    PluginHarness h = start("legacy", "true", "algorithms", "SHA-256,MD5");
    // live555 (VLC) takes the last Digest challenge and reads "realm=..., nonce=..." in that order.
    TestClient client = PluginHarness.client(h.challenges(), "MD5", "Mufasa", "Circle of Life");
    FakeRequest describe = new FakeRequest("DESCRIBE", "rtsp://127.0.0.1:8554/live");
    PluginHarness.Answer first =
        h.sendAndRelease(
            client.header("DESCRIBE", "rtsp://127.0.0.1:8554/live", null, 0), describe);
    assertEquals(SUCCESS, first.result(), String.valueOf(h.information()));
    Map<String, String> info = info(first);
    assertEquals(Set.of("nextnonce"), info.keySet(), "no rspauth without qop; the nonce is spent");

    PluginHarness.Answer again =
        h.sendAndRelease(
            client.header("DESCRIBE", "rtsp://127.0.0.1:8554/live", null, 0), describe);
    assertEquals(DENIED, again.result());
    assertTrue(again.stale(), "live555 retries on stale=true with the new nonce");
    assertTrue(h.information().isEmpty(), "reusing a nonce is what RFC 2069 clients do: no event");

    client.challenge.put("nonce", info.get("nextnonce"));
    assertEquals(
        SUCCESS,
        h.sendAndRelease(client.header("DESCRIBE", "rtsp://127.0.0.1:8554/live", null, 0), describe)
            .result(),
        "a client that honours nextnonce needs no extra round trip");
  }

  @Test
  void aSuccessPastHalfTheLifetimeCarriesANextnonce() throws Exception {
    PluginHarness h = start("nonceLifetimeSeconds", "100");
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    assertFalse(
        info(h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)))
            .containsKey("nextnonce"));
    h.clock.advance(Duration.ofSeconds(51));
    Map<String, String> info =
        info(h.sendAndRelease(client.header("GET", URI, "auth", 2), get(URI)));
    assertTrue(info.get("nextnonce").matches(NONCE), String.valueOf(info));
    h.clock.advance(Duration.ofSeconds(50));
    client.challenge.put("nonce", info.get("nextnonce"));
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
  }

  // --- faults of the host's services ---

  @Test
  void aFailingCredentialServiceIsAnErrorTheHostDoesNotLogTwice() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    h.server.credentialsAnswer = HResult.E_FAIL;
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(ERROR, a.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, a.hr());
    FakeServer.Event event = h.server.events.get(0);
    assertEquals(EventLevel.ERROR, event.level());
    assertEquals(HResult.E_FAIL, event.code());
    assertEquals(
        "the host's getDigestHa1(realm 'AuthHost', SHA-256) answered 0x80004005 E_FAIL; fix it, then run:"
            + " authhost plugins enable digest",
        event.text());
  }

  @Test
  void aCredentialServiceThatThrowsIsLoggedOnceAndReported() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    h.server.credentialsThrow =
        new UncheckedIOException(new IOException("accounts.json unreadable"));
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(ERROR, a.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, a.hr());
    FakeServer.Event event = h.server.events.get(h.server.events.size() - 1);
    assertEquals(EventLevel.ERROR, event.level());
    assertTrue(event.text().contains("accounts.json unreadable"), event.text());
  }

  @Test
  void aRealmTheHostNoLongerKeepsIsAnError() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    h.server.digestRealms.clear();
    PluginHarness.Answer a = h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI));
    assertEquals(ERROR, a.result());
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, a.hr());
    assertTrue(
        h.server.texts(EventLevel.ERROR).get(0).contains("add the realm to accounts.digestRealms"));
  }

  @Test
  void anAccountGoneBetweenItsSecretAndItsLogonIsDenied() {
    PluginHarness h = start();
    TestClient client = h.client("SHA-256", "Mufasa", "Circle of Life");
    FakeServer server = h.server;
    // A credential service that still has the secret, while the token service no longer has the
    // account.
    server.passwords.put("Ghost", "boo");
    TestClient ghost = PluginHarness.client(h.challenges(), "SHA-256", "Ghost", "boo");
    String header = ghost.header("GET", URI, "auth", 1);
    server.logonRefused.add("Ghost");
    PluginHarness.Answer a = h.sendAndRelease(header, get(URI));
    assertEquals(DENIED, a.result());
    assertFalse(a.stale());
    assertEquals(
        SUCCESS, h.sendAndRelease(client.header("GET", URI, "auth", 1), get(URI)).result());
  }

  @Test
  void garbageNeverEscapesAsAnException() {
    PluginHarness h = start();
    Random random = new Random(2617);
    for (int i = 0; i < 20_000; i++) {
      byte[] blob = new byte[1 + random.nextInt(300)];
      random.nextBytes(blob);
      PluginHarness.Answer a =
          h.sendAndRelease(new String(blob, StandardCharsets.ISO_8859_1), get(URI));
      assertEquals(DENIED, a.result());
      assertEquals(HResult.S_FALSE, a.hr(), "garbage is no guess at a password");
    }
  }

  // --- the context's life cycle ---

  @Test
  void theContextFollowsTheTokenRules() {
    PluginHarness h = start();
    PluginHarness.Answer first = h.send(null, get(URI));
    assertEquals(CONTINUE, first.result());
    AuthenticationContext context = first.context();
    assertEquals(HResult.SEC_E_NO_IMPERSONATION, context.getImpersonationToken(new Out<>()));
    assertEquals(HResult.E_NOTIMPL, context.getImpersonationAccountName(new Out<>()));
    Out<AuthenticationPlugin> plugin = new Out<>();
    assertEquals(HResult.S_OK, context.getAuthenticationPlugin(plugin));
    assertEquals(h.plugin, plugin.get());
    context.release();
    context.release();
    assertEquals(HResult.SEC_E_INVALID_HANDLE, context.getImpersonationToken(new Out<>()));

    Out<Integer> flags = new Out<>();
    h.plugin.getFlags(flags);
    assertEquals(
        "TEXT_CHALLENGE|CLIENT_SHOWS_UI|CHALLENGE_FIRST|AUTHENTICATION_INFO|BROWSER_ANSWERS"
            + "|REVERIFYING_CONTEXT",
        AuthenticationFlags.toString(flags.get()));
    Out<String> name = new Out<>();
    h.plugin.getProtocolName(name);
    assertEquals("Digest", name.get());
  }
}
