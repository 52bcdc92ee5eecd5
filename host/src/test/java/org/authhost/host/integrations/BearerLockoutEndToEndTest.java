package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.authhost.host.AuthHost;
import org.authhost.host.events.EventQuery;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OidcProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens under the host's lockout, as passwords are (issue 15: "the same ACLs, audit and
 * lockout as passwords"), with tokens from a real OpenID provider: a forgery (a bad signature with
 * a key the provider publishes) is a failed logon that counts towards the address's lockout, after
 * which even a valid token from that address is refused; refusals a client did not guess (another
 * audience, garbage) never count, however many.
 */
class BearerLockoutEndToEndTest {
  static final OidcProvider.Client ALICE =
      new OidcProvider.Client("lock-alice", "alice-secret", "{\"preferred_username\":\"alice\"}");

  @TempDir static Path root;
  static final MutableClock clock = new MutableClock(Instant.now());
  static OidcProvider provider;
  static AuthHost host;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    provider = BearerHost.provider(root, ALICE);
    host =
        BearerHost.start(
            root,
            """
            { "capabilities": ["token-without-credential"],
              "properties": { "realm": "media", "issuer": "%s", "audience": "%s" } }
            """
                .formatted(provider.issuer(), OidcProvider.AUDIENCE),
            """
            "security": { "lockout": { "threshold": 50, "addressThreshold": 3 } },
            "publishingPoints": [
              { "name": "b", "prefix": "/b/", "directory": "../media", "plugins": ["bearer"],
                "acl": [ { "principal": "alice", "rights": ["read"] } ] }
            ]
            """,
            clock);
    port = host.http().plainPort();
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(host, AuthHost::stop),
        Teardown.ifStarted(provider, OidcProvider::close));
  }

  static int get(String token) throws Exception {
    return BearerHost.get(port, "/b/hello.txt", "Bearer " + token).status();
  }

  /** The provider's token with one bit of its signature flipped: a guess at the provider's key. */
  static String forged(String token) {
    int dot = token.lastIndexOf('.');
    byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    signature[signature.length / 2] ^= 1;
    return token.substring(0, dot + 1)
        + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
  }

  @Test
  void forgeriesLockTheAddressOutAndBenignRefusalsNever() throws Exception {
    String token = provider.token(ALICE);
    String otherAudience = provider.token(ALICE, "urn:another:api");
    for (int i = 0; i < 5; i++) {
      assertEquals(401, get(otherAudience), "another audience: a benign refusal");
      assertEquals(401, get("not.a.jwt"), "garbage: a benign refusal");
    }
    assertEquals(200, get(token), "ten benign refusals lock nothing out");

    for (int i = 0; i < 3; i++) {
      assertEquals(401, get(forged(token)));
    }
    assertEquals(
        3,
        BearerHost.audited(host, "logon failed").size(),
        "each forgery is a failed logon in the audit");
    int locked = get(token);
    assertEquals(429, locked, "a valid token from a locked-out address is refused too");
    assertFalse(
        host.eventLog().query(EventQuery.all()).stream()
            .anyMatch(e -> e.text().contains(token.substring(token.lastIndexOf('.') + 1))),
        "no event shows the token");
  }
}
