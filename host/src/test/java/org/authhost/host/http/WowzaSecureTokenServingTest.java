package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.authhost.host.AuthHost;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed-URL plug-in's Wowza SecureToken (SHA-256) mode in a running host: the operator names
 * the prefix ({@code wowzaPrefix}) and lists the Wowza parameters beside AuthHost's own in {@code
 * urlCredentials}; a URL hashed as Wowza's documentation says is served for the stream's playlist
 * and segments, a tampered or expired one is 403 without a challenge, AuthHost's own format still
 * works, and the audit never shows a hash.
 */
class WowzaSecureTokenServingTest {
  private static final String SECRET = "wowza-0123456789abcdef";
  private static final String K1 = "k1-0123456789abcdef0123456789abcdef";

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock();
  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(root.resolve("keys"), "wowza=" + SECRET + "\nk1=" + K1 + "\n");
    Path config =
        StreamServerHosts.configFolder(
            root,
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": {
                "signed-url": { "capabilities": ["token-without-credential"],
                  "urlCredentials": ["ah_prefix", "ah_exp", "ah_key", "ah_sig",
                    "wowzatokenstarttime", "wowzatokenendtime", "wowzatokenCustomParameter",
                    "wowzatokenhash"],
                  "properties": { "account": "carol", "keysFile": "%s",
                    "wowzaPrefix": "wowzatoken", "wowzaKeys": "wowza" } } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "publishingPoints": [
                { "name": "vod", "prefix": "/vod/", "directory": "../media",
                  "plugins": ["signed-url"],
                  "acl": [ { "principal": "carol", "rights": ["read"] } ] }
              ]
            }
            """
                .formatted(root.resolve("keys").toString().replace("\\", "\\\\")),
            List.of("authhost-plugin-signed-url.jar"));
    Path stream = Files.createDirectories(root.resolve("media/_definst_/sample.mp4"));
    Files.writeString(stream.resolve("playlist.m3u8"), "#EXTM3U\n");
    Files.writeString(stream.resolve("media_w1_0.ts"), "segment\n");
    Files.writeString(root.resolve("media/other.txt"), "other\n");
    host = StreamServerHosts.start(config, clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** A Wowza query for {@code contentPath}, hashed as Wowza's PHP example does. */
  static String wowza(String contentPath, long end) throws Exception {
    return wowzaWith(SECRET, contentPath, end);
  }

  static String wowzaWith(String secret, String contentPath, long end) throws Exception {
    long start = clock.instant().getEpochSecond() - 10;
    String input =
        contentPath
            + "?"
            + secret
            + "&wowzatokenCustomParameter=viewer42&wowzatokenendtime="
            + end
            + "&wowzatokenstarttime="
            + start;
    String hash =
        Base64.getEncoder()
            .encodeToString(
                MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8)))
            .replace('+', '-')
            .replace('/', '_');
    return "wowzatokenstarttime="
        + start
        + "&wowzatokenendtime="
        + end
        + "&wowzatokenCustomParameter=viewer42&wowzatokenhash="
        + hash;
  }

  static RawHttpConnection.Response get(String target) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.get(target, null);
    }
  }

  @Test
  void aWowzaHashedUrlServesTheStreamAndNothingBeside() throws Exception {
    long end = clock.instant().getEpochSecond() + 600;
    String query = wowza("vod/_definst_/sample.mp4", end);
    RawHttpConnection.Response playlist = get("/vod/_definst_/sample.mp4/playlist.m3u8?" + query);
    assertEquals(200, playlist.status());
    assertEquals("#EXTM3U\n", playlist.bodyText());
    assertEquals(200, get("/vod/_definst_/sample.mp4/media_w1_0.ts?" + query).status());

    RawHttpConnection.Response beside = get("/vod/other.txt?" + query);
    assertEquals(403, beside.status());
    assertTrue(beside.values("WWW-Authenticate").isEmpty(), beside.headers().toString());
    assertEquals(
        403,
        get("/vod/_definst_/sample.mp4/playlist.m3u8?" + query.replace("viewer42", "viewer43"))
            .status(),
        "a tampered custom parameter");
    String hash = query.substring(query.indexOf("wowzatokenhash=") + 15);
    assertTrue(
        StreamServerHosts.audited(host, "logon succeeded", "carol", "signed-url key wowza").size()
            >= 2,
        String.valueOf(StreamServerHosts.audited(host, "carol")));
    assertFalse(
        host.eventLog().query(EventQuery.all()).stream()
            .anyMatch(e -> e.text().contains(hash.substring(0, 20))),
        "no event shows the hash");
  }

  @Test
  void anExpiredWowzaUrlIsRefusedAndAuthHostsOwnFormatStillWorks() throws Exception {
    long end = clock.instant().getEpochSecond() + 5;
    String query = wowza("vod/_definst_/sample.mp4", end);
    clock.advance(java.time.Duration.ofSeconds(5));
    assertEquals(403, get("/vod/_definst_/sample.mp4/playlist.m3u8?" + query).status());
    assertFalse(
        StreamServerHosts.audited(host, "refused 403", "expired at").isEmpty(),
        String.valueOf(StreamServerHosts.audited(host, "refused")));

    long exp = clock.instant().getEpochSecond() + 600;
    assertEquals(200, get("/vod/other.txt?" + own("k1", K1, exp, null)).status());
  }

  /** The AuthHost-format query, as the README's Java example signs it. */
  static String own(String keyName, String secret, long exp, String address) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String message = "/vod/\n" + exp + "\n" + (address == null ? "" : address);
    String sig =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    return "ah_prefix=/vod/&ah_exp="
        + exp
        + (address == null ? "" : "&ah_ip=" + address)
        + "&ah_key="
        + keyName
        + "&ah_sig="
        + sig;
  }

  /**
   * The Wowza secret ({@code wowzaKeys}) signs no AuthHost link, nor an AuthHost key a Wowza hash;
   * and with the four Wowza names listed, {@code ah_ip} is not a URL credential here, so a link
   * bound to an address is refused (the trade-off the README states).
   */
  @Test
  void theWowzaSecretAndAuthHostsKeysStayApartAndAhIpIsNotRoutedHere() throws Exception {
    long exp = clock.instant().getEpochSecond() + 600;
    assertEquals(403, get("/vod/other.txt?" + own("wowza", SECRET, exp, null)).status());
    assertFalse(
        StreamServerHosts.audited(host, "refused 403", "a Wowza SecureToken secret").isEmpty(),
        String.valueOf(StreamServerHosts.audited(host, "refused")));
    String byK1 = wowzaWith(K1, "vod/_definst_/sample.mp4", exp);
    assertEquals(403, get("/vod/_definst_/sample.mp4/playlist.m3u8?" + byK1).status());
    assertEquals(
        403, get("/vod/other.txt?" + own("k1", K1, exp, "127.0.0.1")).status(), "ah_ip unrouted");
  }
}
