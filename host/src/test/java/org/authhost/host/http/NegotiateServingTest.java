package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.bench.NtlmClient;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.authhost.host.testing.ThrowawayKdc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Negotiate plug-in through the running host, against a throw-away MIT KDC, with curl {@code
 * --negotiate} and with tokens sent by hand.
 *
 * <p>{@code java.security.krb5.conf} is per JVM and this JVM runs many test classes: the krb5.conf
 * reaches the JDK only through the plug-in's {@code krb5Config} setting, and no other test class
 * uses Kerberos.
 */
class NegotiateServingTest {
  static final String PATH = "/n/hello.txt";
  @TempDir static Path root;

  static ThrowawayKdc kdc;
  static AuthHost host;
  static int port;
  static Path aliceCache;
  static Path carolCache;

  @BeforeAll
  static void start() throws Exception {
    kdc = ThrowawayKdc.start(root.resolve("kdc")); // skipped (or failed on CI) without MIT Kerberos
    kdc.addUser("alice", "alice-krb-pw");
    kdc.addUser("carol", "carol-krb-pw"); // a principal with no local account
    aliceCache = kdc.kinit("alice", "alice-krb-pw");
    carolCache = kdc.kinit("carol", "carol-krb-pw");

    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-negotiate.jar",
            "hello, negotiate\n",
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
          "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
          "publishingPoints": [ { "name": "n", "prefix": "/n/", "directory": "../media", "plugins": ["negotiate"] } ]
        }
        """
                .formatted(kdc.servicePrincipal(), kdc.keytab(), kdc.krb5Conf()));
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
    // The plug-in set it for this JVM; the file goes with the temporary folder, so leave the next
    // test class the JDK's default rather than a path that no longer exists.
    System.clearProperty("java.security.krb5.conf");
  }

  /** One curl run: the final status, the body, and curl's -v trace. */
  record Run(int status, String body, String verbose) {
    List<String> sent(String prefix) {
      return verbose
          .lines()
          .filter(l -> l.startsWith("> " + prefix))
          .map(l -> l.substring(2).strip())
          .toList();
    }

    List<String> received(String prefix) {
      return verbose
          .lines()
          .filter(l -> l.regionMatches(true, 0, "< " + prefix, 0, prefix.length() + 2))
          .map(l -> l.substring(2).strip())
          .toList();
    }
  }

  static Run curl(Path cache, String... args) throws Exception {
    Path body = Files.createTempFile(root, "body", ".txt");
    List<String> command =
        new ArrayList<>(
            List.of(
                "curl",
                "-q",
                "-s",
                "-S",
                "-v",
                "--max-time",
                "20",
                "-o",
                body.toString(),
                "-w",
                "%{http_code}"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(kdc.environment(cache));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(Integer.parseInt(out.strip()), Files.readString(body), err);
  }

  static String url() {
    return "http://localhost:" + port + "/n/hello.txt";
  }

  static long audited(String text) {
    return host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
        .filter(e -> e.text().contains(text))
        .count();
  }

  static List<String> pluginEvents() {
    return host.eventLog().query(EventQuery.all().withSource("negotiate")).stream()
        .map(e -> e.text())
        .toList();
  }

  @Test
  void curlWithATicketGetsTheFileAndTheServersMutualToken() throws Exception {
    Run r = curl(aliceCache, "--negotiate", "-u", ":", url());
    assertEquals(200, r.status(), r.verbose() + "\nKDC log:\n" + kdc.log());
    assertEquals("hello, negotiate\n", r.body());
    List<String> sent = r.sent("Authorization: Negotiate ");
    assertEquals(1, sent.size(), "curl sends its token on the first request: " + r.verbose());
    assertTrue(
        sent.get(0).startsWith("Authorization: Negotiate YII"), "a SPNEGO NegTokenInit: " + sent);
    List<String> mutual = r.received("WWW-Authenticate: Negotiate ");
    assertEquals(1, mutual.size(), r.verbose());
    assertTrue(
        mutual.get(0).matches("(?i)WWW-Authenticate: Negotiate oY[A-Za-z0-9+/=]{20,}"),
        "the 200 carries the acceptor's NegTokenResp: " + mutual);
    assertTrue(
        audited("logon succeeded") > 0
            && host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
                .anyMatch(
                    e ->
                        e.text().contains("account=")
                            && e.text().contains("alice")
                            && e.text().contains("protocol=Negotiate")),
        "the logon is audited as alice");
  }

  @Test
  void concurrentClientsShareTheOneAcceptorCredential() throws Exception {
    curl(
        aliceCache,
        "--negotiate",
        "-u",
        ":",
        url()); // puts the service ticket into the cache first
    List<Future<Run>> runs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int i = 0; i < 12; i++) {
        runs.add(pool.submit(() -> curl(aliceCache, "--negotiate", "-u", ":", url())));
      }
      for (Future<Run> run : runs) {
        Run r = run.get(60, TimeUnit.SECONDS);
        assertEquals(200, r.status(), r.verbose());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void withoutATicketCurlEndsAtABareNegotiateChallenge() throws Exception {
    Run r = curl(null, "--negotiate", "-u", ":", url());
    assertEquals(401, r.status(), r.verbose());
    assertEquals(
        List.of("WWW-Authenticate: Negotiate"), r.received("WWW-Authenticate:"), r.verbose());
  }

  @Test
  void aReplayedAuthorizationIsRefusedAndAudited() throws Exception {
    Run r = curl(aliceCache, "--negotiate", "-u", ":", url());
    assertEquals(200, r.status(), r.verbose());
    String authorization =
        r.sent("Authorization: Negotiate ").get(0).substring("Authorization: ".length());
    long failedBefore = audited("logon failed");
    long refusedBefore = audited("refused credentials without naming an account");
    Response replay = get(authorization);
    assertEquals(401, replay.status(), "the same AP-REQ a second time");
    assertEquals(List.of("Negotiate"), replay.challenges());
    // A replayed ticket proves nothing about its owner: a refusal, not a failed logon of alice's.
    assertEquals(failedBefore, audited("logon failed"), "a replay is not a failed logon");
    assertEquals(refusedBefore + 1, audited("refused credentials without naming an account"));
    assertTrue(
        pluginEvents().stream().anyMatch(t -> t.contains("replay")), pluginEvents().toString());
  }

  @Test
  void aPrincipalWithoutALocalAccountIsRefused() throws Exception {
    Run r = curl(carolCache, "--negotiate", "-u", ":", url());
    assertEquals(401, r.status(), r.verbose());
    assertTrue(
        pluginEvents().stream()
            .anyMatch(
                t ->
                    t.contains("carol@" + ThrowawayKdc.REALM) && t.contains("not a local account")),
        pluginEvents().toString());
  }

  @Test
  void garbageUnderNegotiateIsRefusedNotAFault() throws Exception {
    for (String value : List.of("Negotiate !!!", "Negotiate YIIBAA==", "Negotiate oQcwBaADCgEA")) {
      Response r = get(value);
      assertEquals(401, r.status(), value);
    }
    Response ok = get(null);
    assertEquals(401, ok.status());
    assertEquals(List.of("Negotiate"), ok.challenges(), "still in service");
  }

  @Test
  void aRawNtlmNegotiateUnderNegotiateGetsARawChallenge() throws Exception {
    // What Windows sends under Negotiate without a ticket (curl --ntlm cannot: it says "NTLM").
    Response r = get("Negotiate " + Base64.getEncoder().encodeToString(NtlmClient.negotiate(true)));
    assertEquals(401, r.status());
    assertEquals(1, r.challenges().size(), r.challenges().toString());
    assertTrue(
        r.challenges().get(0).matches("Negotiate TlRMTVNTUAAC[A-Za-z0-9+/=]+"),
        r.challenges().toString());
  }

  @Test
  void aFullRawNtlmHandshakeUnderNegotiateOnOneConnection() throws Exception {
    byte[] negotiate = NtlmClient.negotiate(true);
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response challenge = c.get(PATH, negotiate(negotiate));
      assertEquals(401, challenge.status());
      byte[] type2 = Base64.getDecoder().decode(challenge.challengeData("Negotiate"));
      byte[] type3 =
          new NtlmClient("alice", "", "pw-alice")
              .authenticate(negotiate, type2, NtlmClient.Response.NTLMV2);
      RawHttpConnection.Response done = c.get(PATH, negotiate(type3));
      assertEquals(200, done.status(), pluginEvents().toString());
      assertEquals(List.of(), done.values("WWW-Authenticate"), "raw NTLM has no final token");
    }
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      byte[] type2 =
          Base64.getDecoder().decode(c.get(PATH, negotiate(negotiate)).challengeData("Negotiate"));
      byte[] type3 =
          new NtlmClient("alice", "", "wrong")
              .authenticate(negotiate, type2, NtlmClient.Response.NTLMV2);
      assertEquals(401, c.get(PATH, negotiate(type3)).status(), "the wrong password");
    }
  }

  private static String negotiate(byte[] token) {
    return "Negotiate " + Base64.getEncoder().encodeToString(token);
  }

  private static Response get(String authorization) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response r = c.get(PATH, authorization);
      return new Response(r.status(), r.values("WWW-Authenticate"));
    }
  }

  record Response(int status, List<String> challenges) {}
}
