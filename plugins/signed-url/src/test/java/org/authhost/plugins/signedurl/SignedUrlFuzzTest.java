package org.authhost.plugins.signedurl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of what a client puts in a signed URL: the input is the request target, a
 * line break, then the blob the host hands over (the URL's {@code ah_*} parameters).
 *
 * <p>The oracle: nothing but a {@link SignedUrl.Refused} ever comes out (no exception reaches the
 * host, so never ERROR or 5xx); a reason never holds the signature's text; and a URL is accepted
 * only when an independent reading agrees: the key is configured, the signature is its HMAC, the
 * time is before the expiry and the path is under the prefix. Seeds: {@code
 * src/test/resources/.../SignedUrlFuzzTestInputs/blobs/} (truncated and repeated parameters).
 */
class SignedUrlFuzzTest {
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final Map<String, byte[]> KEYS = Map.of("k1", SECRET);
  static final Instant NOW = Instant.ofEpochSecond(1_767_225_000L);

  @FuzzTest(maxDuration = "")
  void blobs(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    int nl = text.indexOf('\n');
    String target = nl < 0 ? "/vod/show/a.ts" : text.substring(0, nl);
    String blob = nl < 0 ? text : text.substring(nl + 1);
    SignedUrl.Claim claim;
    try {
      claim = SignedUrl.parse(blob);
      SignedUrl.verify(claim, target, "192.0.2.7", NOW, KEYS);
    } catch (SignedUrl.Refused e) {
      int at = blob.indexOf("ah_sig=");
      if (at >= 0) {
        int end = blob.indexOf('&', at);
        String sig = blob.substring(at + 7, end < 0 ? blob.length() : end);
        assertTrue(
            sig.length() < 8 || !e.getMessage().contains(sig), "the reason shows the signature");
      }
      assertFalse(e.getMessage().isBlank());
      return;
    }
    // Accepted: every claim must hold as an independent reading sees it.
    assertEquals(
        SignedUrl.signature(SECRET, claim.prefix(), claim.expires(), claim.address()),
        java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(claim.signature()));
    assertTrue(NOW.getEpochSecond() < claim.expires());
    String path = SignedUrl.path(target);
    assertTrue(path != null && path.startsWith(claim.prefix()), target);
  }

  /**
   * The same input read as a Wowza SecureToken URL (prefix {@code wt}): only {@link
   * SignedUrl.Refused} comes out, a reason never holds the hash's text, and an accepted URL's hash
   * is SHA-256 over the path (or a parent) and the sorted items with the secret, as read here.
   */
  @FuzzTest(maxDuration = "")
  void wowzaBlobs(byte[] input) throws Exception {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    // A leading '!' fuzzes a server that does not hash the client's address in.
    boolean withAddress = !text.startsWith("!");
    text = withAddress ? text : text.substring(1);
    int nl = text.indexOf('\n');
    String target = nl < 0 ? "/vod/s.mp4/playlist.m3u8" : text.substring(0, nl);
    String blob = nl < 0 ? text : text.substring(nl + 1);
    WowzaToken.Claim claim;
    try {
      claim = WowzaToken.parse(blob, "wt");
      assertEquals("k1", WowzaToken.verify(claim, target, "192.0.2.7", withAddress, NOW, KEYS));
    } catch (SignedUrl.Refused e) {
      int at = blob.indexOf("wthash=");
      if (at >= 0) {
        int end = blob.indexOf('&', at);
        String hash = blob.substring(at + 7, end < 0 ? blob.length() : end);
        assertTrue(hash.length() < 8 || !e.getMessage().contains(hash), "the reason shows it");
      }
      assertFalse(e.getMessage().isBlank());
      return;
    }
    assertTrue(NOW.getEpochSecond() < claim.end());
    assertTrue(claim.start() < 0 || NOW.getEpochSecond() >= claim.start());
    java.util.List<String> items = new java.util.ArrayList<>(claim.items());
    items.add(new String(SECRET, StandardCharsets.UTF_8));
    if (withAddress) {
      items.add("192.0.2.7");
    }
    String path = SignedUrl.path(target);
    assertTrue(path != null, target);
    boolean found = false;
    String joined = String.join("&", new java.util.TreeSet<>(items));
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    for (String p = path.substring(1); !p.isEmpty() && !found; ) {
      List<String> forms = new java.util.ArrayList<>(List.of(p));
      String[] segments = p.split("/", -1);
      if (segments.length > 1 && !segments[1].equals("_definst_")) {
        forms.add(segments[0] + "/_definst_" + p.substring(segments[0].length()));
      }
      for (String form : forms) {
        found |=
            java.security.MessageDigest.isEqual(
                sha.digest((form + "?" + joined).getBytes(StandardCharsets.UTF_8)), claim.hash());
      }
      p = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "";
    }
    assertTrue(found, "accepted without a hash over its path: " + target);
  }
}
