package org.authhost.plugins.signedurl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The format on its own: what is signed, what is refused, and that a reason never shows a sig. */
class SignedUrlTest {
  private static final byte[] K1 =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final byte[] K2 =
      "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, byte[]> KEYS = Map.of("k1", K1, "k2", K2);
  private static final Instant NOW = Instant.parse("2026-12-05T04:00:00Z");
  private static final long LATER = NOW.getEpochSecond() + 600;

  @Test
  void theSignatureIsTheDocumentedHmacOverPrefixExpiryAndAddress() {
    // The README's shell example, computed by openssl for these very inputs:
    // printf '%s\n%s\n%s' /vod/show/ 1767225600 '' \
    //   | openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef -binary \
    //   | basenc --base64url | tr -d '='
    assertEquals(
        "tYp548kYmZ-CYYhIBeXSFusGGL7phfrYP_0QYOqENqA",
        SignedUrl.signature(K1, "/vod/show/", 1767225600L, null));
  }

  @Test
  void oneSignatureCoversAWholeRenditionAndNothingBeside() throws Exception {
    String q = SignedUrl.query("k1", K1, "/vod/show/720p/", LATER, null);
    for (String path : new String[] {"/vod/show/720p/index.m3u8", "/vod/show/720p/seg-00001.ts"}) {
      SignedUrl.verify(SignedUrl.parse(q), path + "?" + q, "192.0.2.7", NOW, KEYS);
    }
    SignedUrl.Refused other =
        assertThrows(
            SignedUrl.Refused.class,
            () ->
                SignedUrl.verify(
                    SignedUrl.parse(q), "/vod/show/1080p/index.m3u8", "192.0.2.7", NOW, KEYS));
    assertTrue(other.getMessage().contains("not for this path"), other.getMessage());
    assertTrue(SignedUrl.covers("/vod/show", "/vod/show/a.ts"));
    assertFalse(SignedUrl.covers("/vod/show", "/vod/showcase/a.ts"));
  }

  @Test
  void anAbsoluteTargetsPathEndsItsAuthorityAtTheQueryToo() {
    assertEquals("/", SignedUrl.path("http://h?ah_exp=1&ah_prefix=/vod/"));
    assertEquals("/", SignedUrl.path("rtsp://h:554#/vod/"));
    assertEquals("/vod/a.ts", SignedUrl.path("rtsp://h:554/vod/a.ts?ah_prefix=/x/"));
  }

  @Test
  void twoKeysAreValidAtOnceForARotation() throws Exception {
    for (String name : new String[] {"k1", "k2"}) {
      String q = SignedUrl.query(name, KEYS.get(name), "/vod/", LATER, null);
      SignedUrl.verify(SignedUrl.parse(q), "/vod/a.mp4", "192.0.2.7", NOW, KEYS);
    }
    String retired = SignedUrl.query("k0", K1, "/vod/", LATER, null);
    assertRefused(retired, "/vod/a.mp4", "192.0.2.7", "key 'k0', which is not configured");
    // Signed with k2's secret but naming k1: the names do not stand in for the secrets.
    String swapped = SignedUrl.query("k1", K2, "/vod/", LATER, null);
    assertRefused(swapped, "/vod/a.mp4", "192.0.2.7", "bad signature");
  }

  @Test
  void expiredWrongAddressAndTamperedUrlsAreRefusedWithoutTheSignature() throws Exception {
    String expired = SignedUrl.query("k1", K1, "/vod/", NOW.getEpochSecond(), null);
    assertRefused(expired, "/vod/a.mp4", "192.0.2.7", "expired at 2026-12-05T04:00:00Z");

    String bound = SignedUrl.query("k1", K1, "/vod/", LATER, "192.0.2.7");
    SignedUrl.verify(SignedUrl.parse(bound), "/vod/a.mp4", "192.0.2.7", NOW, KEYS);
    assertRefused(bound, "/vod/a.mp4", "198.51.100.1", "signed for client address 192.0.2.7");
    String v6 = SignedUrl.query("k1", K1, "/vod/", LATER, "2001:db8::1");
    SignedUrl.verify(SignedUrl.parse(v6), "/vod/a.mp4", "2001:db8:0:0:0:0:0:1", NOW, KEYS);

    // A longer life or a wider prefix than was signed: the signature no longer fits.
    assertRefused(
        bound.replace("ah_exp=" + LATER, "ah_exp=" + (LATER + 1)), "/vod/a", "192.0.2.7", "bad");
    assertRefused(bound.replace("ah_prefix=/vod/", "ah_prefix=/"), "/vod/a", "192.0.2.7", "bad");
    assertRefused(bound.replace("&ah_ip=192.0.2.7", ""), "/vod/a", "198.51.100.1", "bad");
  }

  @Test
  void truncatedRepeatedAndMalformedParametersAreRefusedBeforeAnyKeyIsUsed() {
    String q = SignedUrl.query("k1", K1, "/vod/", LATER, null);
    String sig = q.substring(q.indexOf("ah_sig=") + 7);
    String[][] cases = {
      {"", "no signature"},
      {q.substring(0, q.indexOf("&ah_sig")), "ah_sig is missing"},
      {q.replace("ah_exp=" + LATER + "&", ""), "ah_exp is missing"},
      {q + "&ah_sig=" + sig, "ah_sig is repeated"},
      {q + "&ah_exp=1", "ah_exp is repeated"},
      {q.replace("ah_sig=" + sig, "ah_sig=" + sig.substring(0, 20)), "not an HMAC-SHA256"},
      {q.replace("ah_sig=" + sig, "ah_sig=***"), "not base64url"},
      {q.replace("ah_exp=" + LATER, "ah_exp=-5"), "not a number"},
      {q.replace("ah_prefix=/vod/", "ah_prefix=/vod/../"), "without . or .."},
      {q.replace("ah_prefix=/vod/", "ah_prefix=%zz"), "not percent-encoded"},
      {q + "&ah_ip=example.org", "not an IP address"},
      {q + "&other=1", "unknown parameter"},
      {q.replace("ah_key=k1", "ah_key"), "has no value"},
    };
    for (String[] c : cases) {
      SignedUrl.Refused e =
          assertThrows(SignedUrl.Refused.class, () -> SignedUrl.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
      assertFalse(e.getMessage().contains(sig), "the reason never shows the signature");
    }
  }

  @Test
  void aRequestPathThatIsNotCleanIsNeverCovered() throws Exception {
    String q = SignedUrl.query("k1", K1, "/vod/", LATER, null);
    assertRefused(q, "/vod/%2e%2e/private/a.mp4", "192.0.2.7", "not a clean absolute path");
    assertRefused(q, "/vod%2Fa.mp4", "192.0.2.7", "not a clean absolute path");
    SignedUrl.verify(SignedUrl.parse(q), "rtsp://cam:554/vod/live", "192.0.2.7", NOW, KEYS);
    SignedUrl.verify(SignedUrl.parse(q), "/vod/caf%C3%A9.mp4", "192.0.2.7", NOW, KEYS);
  }

  private static void assertRefused(String query, String target, String address, String reason)
      throws Exception {
    SignedUrl.Claim claim = SignedUrl.parse(query);
    SignedUrl.Refused e =
        assertThrows(
            SignedUrl.Refused.class, () -> SignedUrl.verify(claim, target, address, NOW, KEYS));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    String sig = query.substring(query.indexOf("ah_sig=") + 7);
    assertFalse(e.getMessage().contains(sig), "the reason never shows the signature");
  }
}
