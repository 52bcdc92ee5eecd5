package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.bench.NtlmClient;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NTLM plug-in JAR through the running host: curl {@code --ntlm}, and a client written from
 * MS-NLMP ({@link NtlmClient}) for what curl never sends: a MIC, a dropped MIC, an NTLMv1 response,
 * an AUTHENTICATE_MESSAGE replayed on another connection.
 */
class NtlmServingTest {
  static final String PATH = "/n/hello.txt";
  static final String BODY = "hello, ntlm\n";

  @TempDir static Path root;

  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-ntlm.jar",
            BODY,
            """
        {
          "serverName": "testhost",
          "dataDirectory": "../var",
          "plugins": {
            "directory": "../plugins",
            "settings": { "ntlm": { "enabled": true, "properties": { "netbiosDomain": "AUTHTEST" } } }
          },
          "eventLog": { "auditSummarySeconds": 0 },
          "http": { "port": 0 },
          "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
          "publishingPoints": [ { "name": "n", "prefix": "/n/", "directory": "../media", "plugins": ["ntlm"] } ]
        }
        """);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  record Curl(int status, String body, String verbose) {}

  static Curl curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "-v", "--max-time", "20"));
    command.addAll(List.of(args));
    command.add("http://127.0.0.1:" + port + PATH);
    command.addAll(List.of("-w", "\n%{http_code}"));
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    int cut = out.lastIndexOf('\n');
    return new Curl(Integer.parseInt(out.substring(cut + 1).strip()), out.substring(0, cut), err);
  }

  static RawHttpConnection connect() throws Exception {
    return new RawHttpConnection("127.0.0.1", port);
  }

  static String ntlm(byte[] message) {
    return "NTLM " + Base64.getEncoder().encodeToString(message);
  }

  /** NEGOTIATE on {@code c}; the CHALLENGE_MESSAGE the server answers with. */
  static byte[] challenge(RawHttpConnection c, byte[] negotiate) throws Exception {
    Response r = c.get(PATH, ntlm(negotiate));
    assertEquals(401, r.status(), r.headers().toString());
    String data = r.challengeData("NTLM");
    assertNotNull(data, "a CHALLENGE under the NTLM scheme: " + r.headers());
    assertTrue(data.startsWith("TlRMTVNTUAACAAAA"), data);
    return Base64.getDecoder().decode(data);
  }

  static List<EventRecord> eventsSaying(String text) throws Exception {
    return host.eventLog().query(EventQuery.all()).stream()
        .filter(e -> e.text().contains(text))
        .toList();
  }

  @Test
  void curlWithoutADomainGetsTheFile() throws Exception {
    Curl r = curl("--ntlm", "-u", "alice:pw-alice");
    assertEquals(200, r.status(), r.verbose());
    assertEquals(BODY, r.body());
    // curl sends its NEGOTIATE on the first request, before any 401 (MS-NTHT allows it).
    assertTrue(r.verbose().contains("Authorization: NTLM TlRMTVNTUAAB"), r.verbose());
    assertTrue(
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .anyMatch(
                e ->
                    e.text().contains("logon succeeded")
                        && e.text().contains("protocol=NTLM")
                        && e.text().toLowerCase().contains("alice")));
  }

  @Test
  void curlWithTheServersDomainGetsTheFile() throws Exception {
    Curl r = curl("--ntlm", "-u", "AUTHTEST\\alice:pw-alice");
    assertEquals(200, r.status(), r.verbose());
    assertEquals(BODY, r.body());
  }

  @Test
  void theWrongPasswordIs401AndAudited() throws Exception {
    long before =
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .filter(
                e ->
                    e.text().contains("logon failed")
                        && e.text().contains("protocol=NTLM")
                        && e.text().contains("account=\"TESTHOST\\\\alice\""))
            .count();
    Curl r = curl("--ntlm", "-u", "alice:not-her-password");
    assertEquals(401, r.status(), r.verbose());
    assertTrue(r.verbose().contains("WWW-Authenticate: NTLM"), r.verbose());
    long after =
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .filter(
                e ->
                    e.text().contains("logon failed")
                        && e.text().contains("protocol=NTLM")
                        && e.text().contains("account=\"TESTHOST\\\\alice\""))
            .count();
    assertTrue(
        after > before, "the refusal is audited against the account, which the lockout counts");
  }

  @Test
  void aBareRequestIsChallengedWithoutData() throws Exception {
    try (RawHttpConnection c = connect()) {
      Response r = c.get(PATH, null);
      assertEquals(401, r.status());
      assertEquals(
          List.of("NTLM"),
          r.values("WWW-Authenticate"),
          "MS-NTHT: the first challenge carries no data");
    }
  }

  @Test
  void theThreeLegsOnOneConnectionAuthenticateTheConnection() throws Exception {
    NtlmClient client = new NtlmClient("alice", "", "pw-alice");
    try (RawHttpConnection c = connect()) {
      assertEquals(401, c.get(PATH, null).status());
      byte[] negotiate = NtlmClient.negotiate(true);
      byte[] challenge = challenge(c, negotiate);
      Response done =
          c.get(
              PATH,
              ntlm(client.authenticate(negotiate, challenge, NtlmClient.Response.NTLMV2_WITH_MIC)));
      assertEquals(200, done.status(), done.headers().toString());
      assertEquals(BODY, done.bodyText());
      // A request with Authorization keeps shared caches off by itself (RFC 9111 §3.5).
      assertEquals(List.of(), done.values("Cache-Control"), done.headers().toString());
      // The identity belongs to the connection: the next request needs no Authorization.
      Response again = c.get(PATH, null);
      assertEquals(200, again.status(), again.headers().toString());
      // ... and nothing in it says the answer is alice's: the answer must (a shared cache in front
      // would otherwise hand alice's file to the next client).
      assertEquals(List.of("private"), again.values("Cache-Control"), again.headers().toString());
    }
  }

  @Test
  void anAuthenticateReplayedOnANewConnectionIsRefused() throws Exception {
    NtlmClient client = new NtlmClient("alice", "AUTHTEST", "pw-alice");
    byte[] negotiate = NtlmClient.negotiate(false);
    byte[] authenticate;
    try (RawHttpConnection first = connect()) {
      authenticate =
          client.authenticate(negotiate, challenge(first, negotiate), NtlmClient.Response.NTLMV2);
      assertEquals(200, first.get(PATH, ntlm(authenticate)).status());
    }
    try (RawHttpConnection second = connect()) {
      assertEquals(
          401,
          second.get(PATH, ntlm(authenticate)).status(),
          "no CHALLENGE was issued on this connection");
    }
    try (RawHttpConnection third = connect()) {
      challenge(third, negotiate); // a fresh server challenge, which the old proof does not answer
      assertEquals(401, third.get(PATH, ntlm(authenticate)).status());
    }
  }

  @Test
  void aNewConnectionMidHandshakeStartsOver() throws Exception {
    NtlmClient client = new NtlmClient("alice", "", "pw-alice");
    byte[] negotiate = NtlmClient.negotiate(false);
    try (RawHttpConnection first = connect();
        RawHttpConnection second = connect()) {
      byte[] challenge = challenge(first, negotiate);
      byte[] authenticate = client.authenticate(negotiate, challenge, NtlmClient.Response.NTLMV2);
      assertEquals(
          401,
          second.get(PATH, ntlm(authenticate)).status(),
          "the CHALLENGE belongs to the first connection");
      assertEquals(
          200,
          first.get(PATH, ntlm(authenticate)).status(),
          "which can still finish its handshake");
    }
  }

  @Test
  void anNtlmv1ResponseIsRefusedAndTheReasonAudited() throws Exception {
    NtlmClient client = new NtlmClient("alice", "", "pw-alice");
    byte[] negotiate = NtlmClient.negotiate(false);
    try (RawHttpConnection c = connect()) {
      byte[] v1 =
          client.authenticate(negotiate, challenge(c, negotiate), NtlmClient.Response.NTLMV1);
      Response r = c.get(PATH, ntlm(v1));
      assertEquals(401, r.status(), "the password is right, but NTLMv1 is not accepted");
    }
    assertTrue(!eventsSaying("NTLMv1").isEmpty(), "an audit event names NTLMv1 as the reason");
  }

  @Test
  void aClaimedMicThatIsZeroedOrMissingIsRefused() throws Exception {
    NtlmClient client = new NtlmClient("alice", "", "pw-alice");
    byte[] negotiate = NtlmClient.negotiate(true);
    for (NtlmClient.Response kind :
        List.of(
            NtlmClient.Response.NTLMV2_ZEROED_MIC,
            NtlmClient.Response.NTLMV2_MIC_CLAIMED_WITHOUT_FIELD)) {
      try (RawHttpConnection c = connect()) {
        byte[] stripped = client.authenticate(negotiate, challenge(c, negotiate), kind);
        // The password is right: only the MIC rule can refuse these.
        assertEquals(
            401, c.get(PATH, ntlm(stripped)).status(), kind + ": MsvAvFlags says a MIC is present");
      }
    }
  }

  @Test
  void garbageUnderTheNtlmSchemeIs401NeverA500() throws Exception {
    for (String junk :
        List.of(
            "NTLM",
            "NTLM !!!",
            "NTLM " + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}),
            "NTLM TlRMTVNTUAADAAAA",
            "NTLM TlRMTVNTUAABAAAA")) {
      try (RawHttpConnection c = connect()) {
        Response r = c.get(PATH, junk);
        assertTrue(r.status() == 401 || r.status() == 400, junk + " -> " + r.status());
      }
    }
    try (RawHttpConnection c = connect()) {
      Response after = c.get(PATH, null);
      assertEquals(
          List.of("NTLM"),
          after.values("WWW-Authenticate"),
          "the plug-in is still offered: garbage "
              + "is the client's fault, never a plug-in failure");
    }
  }
}
