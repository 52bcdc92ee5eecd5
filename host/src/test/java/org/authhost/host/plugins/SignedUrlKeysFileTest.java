package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.AuthHost;
import org.authhost.host.authn.Audit;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.testing.FakeTime;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.authhost.host.testing.TestHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed-URL plug-in's keys file deleted, emptied or made unreadable while the host runs: the
 * operator means the keys to stop working, so at the next check (the plug-in's heartbeat, on the
 * host's fake clock) every signed URL is refused with 403, one WARNING names the file and the fix,
 * and the keys are back once the file holds them again.
 */
class SignedUrlKeysFileTest {
  private static final String K1 = "k1-0123456789abcdef0123456789abcdef";
  private static final String K2 = "k2-fedcba9876543210fedcba9876543210";
  private static final String PLUGIN = "signed-url";

  @TempDir Path root;
  final MutableClock clock = new MutableClock();
  AuthHost host;
  Path keys;
  int port;

  @BeforeEach
  void start() throws Exception {
    keys = root.resolve("signed-url.keys");
    Files.writeString(keys, "k1=" + K1 + "\n");
    host =
        TestHosts.startServing(
            root,
            "authhost-plugin-signed-url.jar",
            "signed content\n",
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "settings": {
                "signed-url": { "capabilities": ["token-without-credential"],
                  "properties": { "account": "alice", "keysFile": "%s",
                    "keysCheckSeconds": "1" } } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "publishingPoints": [
                { "name": "vod", "prefix": "/vod/", "directory": "../media",
                  "plugins": ["signed-url"],
                  "acl": [ { "principal": "alice", "rights": ["read"] } ] }
              ]
            }
            """
                .formatted(keys.toString().replace("\\", "\\\\")),
            FakeTime.of(clock));
    port = host.http().plainPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  /** Moves the clock past one keys check and waits for that heartbeat to return. */
  void nextKeysCheck() throws Exception {
    clock.advance(Duration.ofSeconds(1));
    CompletableFuture<HResult> beat = host.plugins().hosted(PLUGIN).heartbeatInFlight();
    assertTrue(beat != null, "the keys check ran");
    assertEquals(HResult.S_OK, beat.get(30, TimeUnit.SECONDS));
  }

  int fetchSigned() throws Exception {
    return fetchSigned("k1", K1);
  }

  int fetchSigned(String keyName, String secret) throws Exception {
    long expires = clock.instant().getEpochSecond() + 600;
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String sig =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                mac.doFinal(("/vod/\n" + expires + "\n").getBytes(StandardCharsets.UTF_8)));
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      RawHttpConnection.Response r =
          c.get(
              "/vod/hello.txt?ah_prefix=/vod/&ah_exp="
                  + expires
                  + "&ah_key="
                  + keyName
                  + "&ah_sig="
                  + sig,
              null);
      if (r.status() == 403) {
        assertTrue(r.values("WWW-Authenticate").isEmpty(), "no challenge: " + r.headers());
      } else {
        assertEquals("signed content\n", r.bodyText());
      }
      return r.status();
    }
  }

  List<EventRecord> warningsAboutTheFile() {
    return host.eventLog().query(EventQuery.all().withLevel(EventLevel.WARNING)).stream()
        .filter(e -> e.text().contains(keys.toString()))
        .toList();
  }

  @Test
  void deletingTheKeysFileRevokesEveryKeyUntilItComesBack() throws Exception {
    assertEquals(200, fetchSigned());

    Files.delete(keys);
    nextKeysCheck();
    assertEquals(403, fetchSigned(), "a deleted keys file leaves no key in force");
    assertEquals(403, fetchSigned());
    List<String> refused =
        host.eventLog().query(EventQuery.all().withSource(Audit.SOURCE)).stream()
            .map(EventRecord::text)
            .filter(t -> t.contains("no signing key is in force"))
            .toList();
    assertEquals(2, refused.size(), refused.toString());
    nextKeysCheck();
    nextKeysCheck();
    List<EventRecord> warnings = warningsAboutTheFile();
    assertEquals(1, warnings.size(), "one WARNING per change, not per check: " + warnings);
    String text = warnings.get(0).text();
    assertTrue(text.contains("cannot read the signing keys file " + keys), text);
    assertTrue(text.contains("openssl rand -hex 32"), "the fix: " + text);
    assertTrue(text.contains("every signed URL is refused"), text);
    assertFalse(text.contains(K1), text);

    Files.writeString(keys, "k1=" + K1 + "\n");
    nextKeysCheck();
    assertEquals(200, fetchSigned(), "the keys are back with the file");
    assertEquals(1, warningsAboutTheFile().size());
  }

  @Test
  void anEmptiedOrUnreadableKeysFileRevokesTooAndABadLineDoesNot() throws Exception {
    Files.writeString(keys, "# every key retired\n");
    Files.setLastModifiedTime(keys, FileTime.from(clock.instant().plusSeconds(1)));
    nextKeysCheck();
    assertEquals(403, fetchSigned(), "an emptied file leaves no key in force");
    assertTrue(warningsAboutTheFile().get(0).text().contains("holds no key"));

    Files.delete(keys);
    Files.createDirectory(keys); // a file that cannot be read, whoever runs the test
    nextKeysCheck();
    assertEquals(403, fetchSigned());
    assertEquals(2, warningsAboutTheFile().size(), warningsAboutTheFile().toString());

    Files.delete(keys);
    Files.writeString(keys, "k1=" + K1 + "\n");
    Files.setLastModifiedTime(keys, FileTime.from(clock.instant().plusSeconds(30)));
    nextKeysCheck();
    assertEquals(200, fetchSigned());

    Files.writeString(keys, "k1=" + K1 + "\nk2\n");
    Files.setLastModifiedTime(keys, FileTime.from(clock.instant().plusSeconds(60)));
    nextKeysCheck();
    assertEquals(200, fetchSigned(), "a bad line beside k1 (a rewrite caught half-way) keeps k1");
    assertTrue(
        warningsAboutTheFile().get(2).text().contains("still lists are in force: k1"),
        warningsAboutTheFile().toString());
  }

  /**
   * A leaked key's line removed in an edit that breaks another line: the removed key is revoked at
   * once; the keys the file still lists as before stay.
   */
  @Test
  void aKeyWhoseLineWasRemovedIsRevokedEvenIfTheEditBrokeAnotherLine() throws Exception {
    Files.writeString(keys, "k1=" + K1 + "\nk2=" + K2 + "\n");
    Files.setLastModifiedTime(keys, FileTime.from(clock.instant().plusSeconds(10)));
    nextKeysCheck();
    assertEquals(200, fetchSigned("k1", K1));
    assertEquals(200, fetchSigned("k2", K2));

    Files.writeString(keys, "k2=" + K2 + "\nk3=too-short\n");
    Files.setLastModifiedTime(keys, FileTime.from(clock.instant().plusSeconds(20)));
    nextKeysCheck();
    assertEquals(403, fetchSigned("k1", K1), "k1's line was removed: revoked");
    assertEquals(200, fetchSigned("k2", K2), "k2 is listed as before: kept");
    List<EventRecord> warnings = warningsAboutTheFile();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(
        warnings.get(0).text().contains("line 2: the secret of key 'k3'"), warnings.toString());
    assertFalse(warnings.get(0).text().contains("too-short"), "never a secret");
  }
}
