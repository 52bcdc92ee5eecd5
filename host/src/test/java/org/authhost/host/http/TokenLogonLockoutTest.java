package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.authhost.host.AuthHost;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.RawHttpConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The account lockout protects passwords: wrong Basic passwords for the account signed links log on
 * as lock Basic out, not the links, whose proof is a signature no password guess reaches.
 */
class TokenLogonLockoutTest {
  private static final String K1 = "k1-0123456789abcdef0123456789abcdef";

  @TempDir Path root;
  final MutableClock clock = new MutableClock();
  AuthHost host;
  int port;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(root.resolve("keys"), "k1=" + K1 + "\n");
    Path config =
        StreamServerHosts.configFolder(
            root,
            """
            {
              "serverName": "testhost",
              "dataDirectory": "../var",
              "plugins": { "directory": "../plugins", "requireGrants": true, "settings": {
                "signed-url": { "capabilities": ["token-without-credential"],
                  "properties": { "account": "carol", "keysFile": "%s" } },
                "basic": { "capabilities": ["password-check"] } } },
              "eventLog": { "auditSummarySeconds": 0 },
              "http": { "port": 0 },
              "security": { "lockout": { "threshold": 3, "addressThreshold": 100 } },
              "publishingPoints": [
                { "name": "mixed", "prefix": "/mixed/", "directory": "../media",
                  "plugins": ["basic", "signed-url"],
                  "acl": [ { "principal": "Users", "rights": ["read"] } ] }
              ]
            }
            """
                .formatted(root.resolve("keys").toString().replace("\\", "\\\\")),
            List.of("authhost-plugin-signed-url.jar", "authhost-plugin-basic.jar"));
    host = StreamServerHosts.start(config, clock);
    port = host.http().plainPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (host != null) {
      host.stop();
    }
  }

  String signed(String prefix) throws Exception {
    long exp = clock.instant().getEpochSecond() + 600;
    String message = prefix + "\n" + exp + "\n";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(K1.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String sig =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    return "ah_prefix=" + prefix + "&ah_exp=" + exp + "&ah_key=k1&ah_sig=" + sig;
  }

  int get(String target, String authorization) throws Exception {
    try (RawHttpConnection c = new RawHttpConnection("127.0.0.1", port)) {
      return c.get(target, authorization).status();
    }
  }

  static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void wrongBasicPasswordsForTheSharedAccountDoNotStopItsSignedLinks() throws Exception {
    String link = "/mixed/hello.txt?" + signed("/mixed/");
    assertEquals(200, get(link, null));
    for (int i = 0; i < 3; i++) {
      assertEquals(401, get("/mixed/hello.txt", basic("carol", "wrong")));
    }
    assertEquals(429, get("/mixed/hello.txt", basic("carol", "pw-carol")), "Basic is locked");
    assertEquals(200, get(link, null), "the signed link is not a password: still served");
    assertEquals(
        429, get("/mixed/hello.txt", basic("carol", "pw-carol")), "nor does it lift the lock");
  }
}
