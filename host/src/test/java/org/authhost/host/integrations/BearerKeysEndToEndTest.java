package org.authhost.host.integrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.host.AuthHost;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.events.EventQuery;
import org.authhost.host.events.EventRecord;
import org.authhost.host.plugins.PluginStatus;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.OidcProvider;
import org.authhost.host.testing.RawHttpConnection.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's keys and time through a running host, each test with a host and a real provider of
 * its own: rotation (a token signed with a new key fetches the keys again), expiry on the host's
 * fake clock (a benign refusal, not a failed logon) and a provider that cannot be reached before
 * any key was fetched (503, one event, and service again once it answers).
 */
class BearerKeysEndToEndTest {
  static final Duration TTL = Duration.ofSeconds(600);
  static final Duration REFETCH = Duration.ofSeconds(30);
  static final OidcProvider.Client ALICE =
      new OidcProvider.Client("player-alice", "alice-secret", "{\"preferred_username\":\"alice\"}");

  @TempDir Path root;
  final MutableClock clock = new MutableClock(Instant.now());
  OidcProvider provider;
  AuthHost host;
  int port;

  @AfterEach
  void stop() throws Exception {
    Teardown.inOrder(
        Teardown.ifStarted(host, AuthHost::stop),
        Teardown.ifStarted(provider, OidcProvider::close));
  }

  void startHost(int providerPort) throws Exception {
    startHost(providerPort, "", "{ \"principal\": \"alice\", \"rights\": [\"read\"] }");
  }

  void startHost(int providerPort, String properties, String acl) throws Exception {
    host =
        BearerHost.start(
            root,
            """
            { "capabilities": ["token-without-credential", "principal-token"],
              "properties": { "realm": "media", "issuer": "http://127.0.0.1:%d",
                "audience": "%s", "refetchIntervalSeconds": "%d", "clockSkewSeconds": "5"%s } }
            """
                .formatted(providerPort, OidcProvider.AUDIENCE, REFETCH.toSeconds(), properties),
            """
            "security": { "lockout": { "threshold": 50, "addressThreshold": 500 } },
            "publishingPoints": [
              { "name": "b", "prefix": "/b/", "directory": "../media", "plugins": ["bearer"],
                "acl": [ %s ] }
            ]
            """
                .formatted(acl),
            clock);
    port = host.http().plainPort();
  }

  Response get(String token) throws Exception {
    return BearerHost.get(port, "/b/hello.txt", "Bearer " + token);
  }

  List<EventRecord> events(String source, EventLevel level) throws Exception {
    return host.eventLog().query(EventQuery.all().withSource(source).withLevel(level));
  }

  @Test
  void aTokenSignedWithARotatedKeyIsVerifiedAfterOneRefetch() throws Exception {
    int providerPort = OidcProvider.freePort();
    OidcProvider.Key k1 = OidcProvider.rsaKey("k1");
    OidcProvider.Key k2 = OidcProvider.rsaKey("k2");
    provider = OidcProvider.start(root, providerPort, List.of(k1), TTL, List.of(ALICE));
    startHost(providerPort);
    String old = provider.token(ALICE);
    assertEquals(200, get(old).status());

    provider.close(); // the provider rotates: k2 signs from now on, k1 is still published
    provider = OidcProvider.start(root, providerPort, List.of(k2, k1), TTL, List.of(ALICE));
    String rotated = provider.token(ALICE);
    assertTrue(
        new String(
                java.util.Base64.getUrlDecoder().decode(rotated.substring(0, rotated.indexOf('.'))),
                java.nio.charset.StandardCharsets.UTF_8)
            .contains("\"kid\":\"k2\""),
        "the provider signs with the new key");
    Response tooSoon = get(rotated);
    assertEquals(401, tooSoon.status(), "within the refetch interval the kid stays unknown");
    assertTrue(
        tooSoon.values("WWW-Authenticate").get(0).contains("signing key is unknown"),
        tooSoon.values("WWW-Authenticate").toString());
    clock.advance(REFETCH);
    assertEquals(200, get(rotated).status(), "the keys were fetched again");
    assertEquals(200, get(old).status(), "the old key still verifies");
  }

  @Test
  void principalModeServesByMappedGroupWithoutALocalAccount() throws Exception {
    int providerPort = OidcProvider.freePort();
    OidcProvider.Client bob =
        new OidcProvider.Client(
            "player-bob",
            "bob-secret",
            "{\"preferred_username\":\"bob\",\"groups\":[\"viewers\",\"admins\"]}");
    OidcProvider.Client eve =
        new OidcProvider.Client(
            "player-eve", "eve-secret", "{\"preferred_username\":\"eve\",\"groups\":[]}");
    provider =
        OidcProvider.start(
            root, providerPort, List.of(OidcProvider.rsaKey("k1")), TTL, List.of(bob, eve));
    startHost(
        providerPort,
        ", \"identity\": \"principal\", \"groupMap\": \"viewers=Users\"",
        "{ \"principal\": \"Users\", \"rights\": [\"read\"] }");
    assertEquals(200, get(provider.token(bob)).status(), "bob has no account; viewers are Users");
    assertEquals(403, get(provider.token(eve)).status(), "verified, but in no mapped group");
    assertTrue(
        events(HostEvents.AUDIT, EventLevel.INFORMATION).stream()
                .anyMatch(
                    e ->
                        e.text().contains("logon succeeded")
                            && e.text()
                                .contains(
                                    "bearer:http://127.0.0.1:" + providerPort + "|player-bob"))
            || host.eventLog().query(EventQuery.all().withSource(HostEvents.AUDIT)).stream()
                .anyMatch(e -> e.text().contains("|player-bob")),
        "the principal is <plug-in id>:<issuer>|<subject>");
  }

  @Test
  void anExpiredTokenIsABenignRefusalWithInvalidToken() throws Exception {
    int providerPort = OidcProvider.freePort();
    provider =
        OidcProvider.start(
            root, providerPort, List.of(OidcProvider.rsaKey("k1")), TTL, List.of(ALICE));
    startHost(providerPort);
    String token = provider.token(ALICE);
    assertEquals(200, get(token).status());
    clock.advance(TTL.plusSeconds(60));
    Response r = get(token);
    assertEquals(401, r.status());
    assertEquals(
        List.of(
            "Bearer realm=\"media\", error=\"invalid_token\","
                + " error_description=\"the token expired\""),
        r.values("WWW-Authenticate"));
    assertTrue(
        events(HostEvents.AUDIT, EventLevel.INFORMATION).stream()
            .anyMatch(e -> e.text().contains("refused 401") && e.text().contains("bearer")),
        "audited as a refusal");
    assertTrue(
        events(HostEvents.AUDIT, EventLevel.WARNING).stream()
            .noneMatch(e -> e.text().contains("logon failed")),
        "not a failed logon: " + events(HostEvents.AUDIT, EventLevel.WARNING));
  }

  @Test
  void anUnreachableProviderWithoutKeysIs503WithOneEventAndRecoversByItself() throws Exception {
    int providerPort = OidcProvider.freePort();
    OidcProvider.Key k1 = OidcProvider.rsaKey("k1");
    // A token from the real provider, then the provider is gone before the host ever asked it.
    provider = OidcProvider.start(root, providerPort, List.of(k1), TTL, List.of(ALICE));
    String token = provider.token(ALICE);
    provider.close();
    provider = null;
    startHost(providerPort);
    for (int i = 0; i < 5; i++) {
      Response r = get(token);
      assertEquals(503, r.status(), "fail closed, never an unverified token");
    }
    List<EventRecord> errors = events("bearer", EventLevel.ERROR);
    assertEquals(1, errors.size(), "one ERROR for the outage, not one per request: " + errors);
    assertTrue(
        errors.get(0).text().contains("cannot fetch the provider's keys"), errors.toString());
    assertTrue(events("bearer", EventLevel.WARNING).isEmpty());
    assertEquals(
        PluginStatus.LOADED | PluginStatus.ENABLED,
        host.plugins().plugin("bearer").orElseThrow().status(),
        "the outage ERROR leaves the plug-in in service");

    provider = OidcProvider.start(root, providerPort, List.of(k1), TTL, List.of(ALICE));
    assertEquals(503, get(token).status(), "no refetch before the interval: no fetch storm");
    clock.advance(REFETCH);
    assertEquals(200, get(token).status(), "back in service by itself");
    assertEquals(1, events("bearer", EventLevel.ERROR).size());
    assertTrue(
        events("bearer", EventLevel.INFORMATION).stream()
            .anyMatch(e -> e.text().contains("fetched again")),
        "the outage's end is told");
  }
}
