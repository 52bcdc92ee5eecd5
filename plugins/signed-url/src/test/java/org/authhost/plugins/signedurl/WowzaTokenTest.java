package org.authhost.plugins.signedurl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Wowza SecureToken version 2 (SHA-256) as Wowza's documentation builds one: its example's hash
 * input, made here by hand, is what {@link WowzaToken} hashes, and a URL hashed that way is served
 * for the stream's playlist and segments.
 */
class WowzaTokenTest {
  private static final String PREFIX = "myTokenPrefix";
  private static final String SECRET = "mySharedSecret";
  private static final Instant NOW = Instant.ofEpochSecond(1_400_000_000L);

  /** The hash a platform computes (Wowza's PHP example: base64 with +/ as -_, padded). */
  static String wowzaHash(String input) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
    return Base64.getEncoder().encodeToString(digest).replace('+', '-').replace('/', '_');
  }

  /** The documented example: client address, secret and parameters sorted after the path. */
  static final String DOCUMENTED_INPUT =
      "vod/_definst_/sample.mp4?192.168.1.2&mySharedSecret&myTokenPrefixCustomParameter=abcdef"
          + "&myTokenPrefixendtime=1500000000&myTokenPrefixstarttime=1395230400";

  static String query(String hash) {
    return PREFIX
        + "starttime=1395230400&"
        + PREFIX
        + "endtime=1500000000&"
        + PREFIX
        + "CustomParameter=abcdef&"
        + PREFIX
        + "hash="
        + hash;
  }

  static Map<String, byte[]> keys(String... namesAndSecrets) {
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (int i = 0; i + 1 < namesAndSecrets.length; i += 2) {
      keys.put(namesAndSecrets[i], namesAndSecrets[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return keys;
  }

  @Test
  void theHashInputIsWowzasDocumentedOne() throws Exception {
    WowzaToken.Claim claim = WowzaToken.parse(query(wowzaHash(DOCUMENTED_INPUT)), PREFIX);
    List<String> items = new java.util.ArrayList<>(claim.items());
    items.add(SECRET);
    items.add("192.168.1.2");
    assertEquals(DOCUMENTED_INPUT, WowzaToken.hashInput("vod/_definst_/sample.mp4", items));
  }

  @Test
  void aStreamsHashCoversItsPlaylistAndSegmentsAndNothingBeside() throws Exception {
    String blob = query(wowzaHash(DOCUMENTED_INPUT));
    assertTrue(WowzaToken.carries(blob, PREFIX));
    assertFalse(WowzaToken.carries(blob, "wowzatoken"));
    WowzaToken.Claim claim = WowzaToken.parse(blob, PREFIX);
    Map<String, byte[]> keys = keys("old", "anotherSharedSecret", "wowza", SECRET);
    for (String target :
        List.of(
            "/vod/_definst_/sample.mp4/playlist.m3u8?" + blob,
            "/vod/_definst_/sample.mp4/chunklist_w1.m3u8",
            "/vod/_definst_/sample.mp4/media_w1_7.ts",
            "/vod/sample.mp4/playlist.m3u8",
            "rtsp://media.example:554/vod/_definst_/sample.mp4")) {
      assertEquals(
          "wowza",
          WowzaToken.verify(claim, target, "192.168.1.2", true, NOW, keys),
          "the secret that made the hash: " + target);
    }
    assertEquals(
        "bad SecureToken hash (no configured secret, path, client address and parameters give it)",
        assertThrows(
                SignedUrl.Refused.class,
                () ->
                    WowzaToken.verify(
                        claim,
                        "/vod/_definst_/other.mp4/playlist.m3u8",
                        "192.168.1.2",
                        true,
                        NOW,
                        keys))
            .getMessage());
    assertThrows(
        SignedUrl.Refused.class,
        () ->
            WowzaToken.verify(
                claim, "/vod/_definst_/sample.mp4/playlist.m3u8", "192.168.1.3", true, NOW, keys),
        "another client address");
    assertThrows(
        SignedUrl.Refused.class,
        () ->
            WowzaToken.verify(
                claim, "/vod/_definst_/sample.mp4/playlist.m3u8", "192.168.1.2", false, NOW, keys),
        "a server that does not hash the address in");
    assertThrows(
        SignedUrl.Refused.class,
        () ->
            WowzaToken.verify(
                WowzaToken.parse(blob.replace("abcdef", "abcdeg"), PREFIX),
                "/vod/_definst_/sample.mp4/playlist.m3u8",
                "192.168.1.2",
                true,
                NOW,
                keys),
        "a tampered custom parameter");
  }

  @Test
  void itIsValidFromStartTimeUntilEndTime() throws Exception {
    WowzaToken.Claim claim = WowzaToken.parse(query(wowzaHash(DOCUMENTED_INPUT)), PREFIX);
    Map<String, byte[]> keys = keys("wowza", SECRET);
    String target = "/vod/_definst_/sample.mp4/playlist.m3u8";
    assertTrue(
        refusal(claim, target, Instant.ofEpochSecond(1395230399L), keys)
            .startsWith("not valid before"));
    assertTrue(
        refusal(claim, target, Instant.ofEpochSecond(1500000000L), keys).startsWith("expired at"));
  }

  /** Why {@code claim} is refused for {@code target} from 192.168.1.2 (hashed in) at {@code at}. */
  private static String refusal(
      WowzaToken.Claim claim, String target, Instant at, Map<String, byte[]> keys) {
    return assertThrows(
            SignedUrl.Refused.class,
            () -> WowzaToken.verify(claim, target, "192.168.1.2", true, at, keys))
        .getMessage();
  }

  @Test
  void missingRepeatedStrayAndMalformedParametersAreRefusedWithoutTheHash() throws Exception {
    String hash = wowzaHash(DOCUMENTED_INPUT);
    for (String blob :
        List.of(
            PREFIX + "starttime=1&" + PREFIX + "hash=" + hash,
            query(hash) + "&" + PREFIX + "endtime=1500000000",
            query(hash) + "&other=1",
            query(hash).replace("endtime=1500000000", "endtime=soon"),
            query("not!base64"),
            query("AAAA"),
            query(hash) + "&" + PREFIX + "x",
            query(hash).replace("abcdef", "a%26b"))) {
      SignedUrl.Refused refused =
          assertThrows(SignedUrl.Refused.class, () -> WowzaToken.parse(blob, PREFIX), blob);
      assertFalse(refused.getMessage().contains(hash.substring(0, 12)), refused.getMessage());
    }
  }
}
