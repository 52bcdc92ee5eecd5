package org.authhost.host.rtsp;

import static org.authhost.host.rtsp.RelayedHost.CAM;
import static org.authhost.host.rtsp.RelayedHost.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RTSP session set up with a Bearer token (the default {@code identity=account}) ends with the
 * token: the bearer plug-in gives the account's logon the token's {@code exp} plus the allowed
 * clock skew as its end, and the session's PLAY and keep-alives, which carry no token, are refused
 * after it. Below the socket, with a real host and the real bearer plug-in (its keys inline), the
 * host's clock a fake one.
 */
class RtspBearerExpiryTest {
  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static KeyPair key;
  static final String ISSUER = "https://idp.test/realms/media";

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    key = g.generateKeyPair();
    host =
        RelayedHost.start(
            RelayedHost.configure(
                root,
                List.of("authhost-plugin-bearer.jar"),
                """
            "bearer": { "enabled": true, "properties": { "realm": "media", "issuer": "%s",
              "audience": "authhost", "jwks": "%s" } }
            """
                    .formatted(ISSUER, jwks().replace("\"", "\\\"")),
                "",
                "\"bearer\"",
                "{ \"principal\": \"alice\", \"rights\": [\"read\"] }",
                List.of("alice")),
            clock);
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    return b64(b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b);
  }

  static String jwks() {
    RSAPublicKey pub = (RSAPublicKey) key.getPublic();
    return "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"alg\":\"RS256\",\"use\":\"sig\",\"n\":\""
        + unsigned(pub.getModulus())
        + "\",\"e\":\""
        + unsigned(pub.getPublicExponent())
        + "\"}]}";
  }

  /** An RS256 access token for alice, issued now on the host's clock, ending at {@code exp}. */
  static String token(long exp) throws Exception {
    long now = clock.instant().getEpochSecond();
    String header = b64("{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"at+jwt\"}".getBytes());
    String claims =
        b64(
            ("{\"iss\":\""
                    + ISSUER
                    + "\",\"aud\":\"authhost\",\"sub\":\"3f1c-alice\","
                    + "\"preferred_username\":\"alice\",\"iat\":"
                    + now
                    + ",\"exp\":"
                    + exp
                    + "}")
                .getBytes(StandardCharsets.UTF_8));
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initSign(key.getPrivate());
    rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    return header + "." + claims + "." + b64(rs256.sign());
  }

  static List<EventRecord> audited(String... parts) {
    return RelayedHost.audited(host, parts);
  }

  final RelayedHost.Client client = new RelayedHost.Client(host);

  @Test
  void aSessionSetUpWithATokenIsServedUntilItsExpAndSkewThenRefusedAndEnded() throws Exception {
    long exp = clock.instant().getEpochSecond() + 300;
    String setup = CAM + "/stream=0";
    client.ch.send(
        RtspHandlersTest.request(
            "SETUP",
            setup,
            ++client.cseq,
            "Transport",
            TCP,
            "Authorization",
            "Bearer " + token(exp)));
    String sent = client.origin();
    assertTrue(sent.startsWith("SETUP rtsp://127.0.0.1:1/test/stream=0 "), sent);
    client.originAnswers("Session: S1;timeout=60\r\nTransport: " + TCP + "\r\n");
    String answer = client.ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 200 OK\r\n"), answer);
    client.keepAliveIsServed();
    // Past exp, within the 60 s clock skew the check allows: still served.
    clock.advance(Duration.ofSeconds(330));
    client.keepAliveIsServed();
    int failedLogons = audited("logon failed").size();

    clock.advance(Duration.ofSeconds(31)); // past exp + skew
    int asked = ++client.cseq;
    client.ch.send(RtspHandlersTest.request("PLAY", CAM + "/", asked, "Session", "S1"));
    answer = client.ch.answers();
    assertTrue(answer.startsWith("RTSP/1.0 401 Unauthorized\r\n"), answer);
    assertTrue(answer.toLowerCase().contains("www-authenticate: bearer realm=\"media\""), answer);
    assertTrue(answer.toLowerCase().contains("cseq: " + asked + "\r\n"), answer);
    assertFalse(client.ch.isActive(), "the session does not outlive its token");
    assertEquals("", client.origin(), "nothing refused reaches the origin");
    List<EventRecord> expired = audited("the token of", "from plug-in 'bearer' expired at");
    assertFalse(expired.isEmpty(), () -> "the refusal is audited: " + audited());
    assertEquals(HResult.SEC_E_CONTEXT_EXPIRED, expired.get(expired.size() - 1).hresult());
    assertEquals(
        failedLogons, audited("logon failed").size(), "an expired token is no failed logon");
  }
}
