package org.authhost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiTypesTest {

  // --- AuthenticationFlags (WMS_AUTHENTICATION_FLAGS) ---

  @Test
  void authenticationFlagValues() {
    assertEquals(1, AuthenticationFlags.TEXT_CHALLENGE);
    assertEquals(2, AuthenticationFlags.CLIENT_SHOWS_UI);
    assertEquals(4, AuthenticationFlags.ANONYMOUS);
    assertEquals(8, AuthenticationFlags.CHALLENGE_FIRST);
  }

  @Test
  void authenticationFlagsToString() {
    assertEquals("TEXT_CHALLENGE|CHALLENGE_FIRST", AuthenticationFlags.toString(9));
    assertEquals("ANONYMOUS", AuthenticationFlags.toString(4));
    assertEquals("0", AuthenticationFlags.toString(0));
    assertEquals(
        "TEXT_CHALLENGE|CONNECTION_BOUND|SENDS_PASSWORD|AUTHENTICATION_INFO|COMPLETES_IN_ONE_LEG",
        AuthenticationFlags.toString(0x1 | 0x100 | 0x200 | 0x400 | 0x800));
    assertEquals("CONNECTION_BOUND|BROWSER_ANSWERS", AuthenticationFlags.toString(0x100 | 0x1000));
    assertEquals("ANONYMOUS|REUSABLE_CONTEXT", AuthenticationFlags.toString(0x4 | 0x2000));
    assertEquals("TEXT_CHALLENGE|REVERIFYING_CONTEXT", AuthenticationFlags.toString(0x1 | 0x4000));
    assertEquals("CONNECTION_BOUND|0x8000", AuthenticationFlags.toString(0x100 | 0x8000));
  }

  @Test
  void aPasswordCredentialNeverShowsItsPassword() {
    PasswordCredential c = new PasswordCredential("alice", "s3cret");
    assertFalse(c.toString().contains("s3cret"), c.toString());
    assertThrows(IllegalArgumentException.class, () -> new PasswordCredential("alice", null));
  }

  @Test
  void authenticationFlagsHas() {
    int flags = AuthenticationFlags.TEXT_CHALLENGE | AuthenticationFlags.CHALLENGE_FIRST;
    assertTrue(AuthenticationFlags.has(flags, AuthenticationFlags.TEXT_CHALLENGE));
    assertTrue(AuthenticationFlags.has(flags, AuthenticationFlags.CHALLENGE_FIRST));
    assertFalse(AuthenticationFlags.has(flags, AuthenticationFlags.ANONYMOUS));
    assertFalse(
        AuthenticationFlags.has(
            flags, AuthenticationFlags.ANONYMOUS | AuthenticationFlags.TEXT_CHALLENGE));
  }

  // --- AuthenticationResult (WMS_AUTHENTICATION_RESULT) ---

  @Test
  void authenticationResultValues() {
    assertEquals(1, AuthenticationResult.SUCCESS.value());
    assertEquals(2, AuthenticationResult.DENIED.value());
    assertEquals(3, AuthenticationResult.CONTINUE.value());
    assertEquals(4, AuthenticationResult.ERROR.value());
    assertEquals(4, AuthenticationResult.values().length);
  }

  // --- EventLevel (WMS_EVENT_LOG_LEVEL) ---

  @Test
  void eventLevelValues() {
    assertEquals(1, EventLevel.ERROR.value());
    assertEquals(2, EventLevel.WARNING.value());
    assertEquals(4, EventLevel.INFORMATION.value());
  }

  @Test
  void eventLevelOfKnownValues() {
    assertSame(EventLevel.ERROR, EventLevel.of(1));
    assertSame(EventLevel.WARNING, EventLevel.of(2));
    assertSame(EventLevel.INFORMATION, EventLevel.of(4));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3, 5, -1})
  void eventLevelOfUnknownValueThrows(int value) {
    assertThrows(IllegalArgumentException.class, () -> EventLevel.of(value));
  }

  // --- Sid ---

  @ParameterizedTest
  @ValueSource(strings = {"S-1", "X-1-5", "S-1-", "S-2-5-32-544", "s-1-5-32-544", "S-1-5--1", ""})
  void sidRejectsMalformed(String text) {
    assertThrows(IllegalArgumentException.class, () -> new Sid(text));
  }

  @Test
  void sidRejectsNull() {
    assertThrows(IllegalArgumentException.class, () -> new Sid(null));
  }

  @Test
  void sidAcceptsWellFormed() {
    assertEquals("S-1-5-21-1-2-3-500", new Sid("S-1-5-21-1-2-3-500").value());
    assertEquals("S-1-5-21-1-2-3-500", new Sid("S-1-5-21-1-2-3-500").toString());
    assertEquals(new Sid("S-1-5-32-544"), Sid.ADMINISTRATORS);
  }

  @Test
  void wellKnownSids() {
    assertEquals("S-1-1-0", Sid.EVERYONE.value());
    assertEquals("S-1-5-7", Sid.ANONYMOUS_LOGON.value());
    assertEquals("S-1-5-11", Sid.AUTHENTICATED_USERS.value());
    assertEquals("S-1-5-32-544", Sid.ADMINISTRATORS.value());
    assertEquals("S-1-5-32-545", Sid.USERS.value());
    assertEquals("S-1-5-32-546", Sid.GUESTS.value());
  }

  // --- Out ---

  @Test
  void outStartsUnset() {
    Out<String> out = new Out<>();
    assertFalse(out.isSet());
    assertNull(out.get());
  }

  @Test
  void inOutKeepsInitialValueAndIsNotSet() {
    Out<Long> out = new Out<>(30L);
    assertFalse(out.isSet());
    assertEquals(30L, out.get());
    out.set(60L);
    assertTrue(out.isSet());
    assertEquals(60L, out.get());
  }

  @Test
  void settingNullStillCountsAsSet() {
    Out<String> out = new Out<>("x");
    out.set(null);
    assertTrue(out.isSet());
    assertNull(out.get());
  }

  // --- PluginException ---

  @Test
  void pluginExceptionRefusesSuccessHResult() {
    assertThrows(IllegalArgumentException.class, () -> new PluginException(HResult.S_OK, "ok"));
    assertThrows(
        IllegalArgumentException.class, () -> new PluginException(HResult.S_FALSE, "false"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PluginException(HResult.SEC_I_CONTINUE_NEEDED, "continue"));
    assertThrows(IllegalArgumentException.class, () -> new PluginException(null, "null"));
  }

  @Test
  void pluginExceptionCarriesFailureHResult() {
    PluginException e = new PluginException(HResult.NS_E_PLUGIN_ERROR_REPORTED, "already logged");
    assertEquals(HResult.NS_E_PLUGIN_ERROR_REPORTED, e.hresult());
    assertEquals("already logged", e.getMessage());
  }

  // --- AccessToken (api record used by the token service) ---

  @Test
  void accessTokenCopiesGroups() {
    List<Sid> groups = new ArrayList<>(Arrays.asList(Sid.EVERYONE));
    AccessToken token =
        new AccessToken(new Sid("S-1-5-21-1-2-3-501"), groups, "D\\Guest", "Test", Instant.EPOCH);
    groups.add(Sid.ADMINISTRATORS);
    assertFalse(token.hasSid(Sid.ADMINISTRATORS));
    assertTrue(token.hasSid(Sid.EVERYONE));
    assertTrue(token.hasSid(new Sid("S-1-5-21-1-2-3-501")));
  }

  @Test
  void aLocalAccountsTokenIsShownByItsNameAndNeverExpires() {
    AccessToken token =
        new AccessToken(
            new Sid("S-1-5-21-1-2-3-501"), List.of(), "D\\Guest", "Test", Instant.EPOCH);
    assertEquals("D\\Guest", token.displayName());
    assertEquals(Instant.MAX, token.expiresAt());
    assertFalse(token.hasExpired(Instant.parse("9999-12-31T23:59:59Z")));
  }

  @Test
  void aTokenHasExpiredFromItsExpiryOn() {
    Instant end = Instant.parse("2026-01-01T00:00:00Z");
    AccessToken token =
        new AccessToken(new Sid("S-1-9-1-2-3-4"), List.of(), "p:i|s", "T", Instant.EPOCH, "S", end);
    assertFalse(token.hasExpired(end.minusNanos(1)));
    assertTrue(token.hasExpired(end));
  }

  // --- PrincipalLogon (TokenService.logonPrincipal) ---

  @Test
  void aPrincipalLogonIsCheckedWhenMadeAndCopiesItsGroups() {
    Instant exp = Instant.parse("2026-01-01T00:00:00Z");
    List<String> groups = new ArrayList<>(List.of("Viewers"));
    PrincipalLogon logon = new PrincipalLogon("https://idp", "sub", null, groups, exp);
    groups.add("Administrators");
    assertEquals(List.of("Viewers"), logon.groups());
    assertEquals("sub", logon.displayName(), "no display name: the subject");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PrincipalLogon("https://idp", "", "x", List.of(), exp));
    assertTrue(e.getMessage().contains("subject"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new PrincipalLogon("https://idp", "s", null, List.of(), null));
  }

  @Test
  void whatTheIdentityProviderSaysIsMadeSafeNotRefused() {
    Instant exp = Instant.parse("2026-01-01T00:00:00Z");
    // Controls (C0, C1) and bidirectional overrides become '?'; a backslash is just a character.
    PrincipalLogon hostile =
        new PrincipalLogon(
            "https://idp",
            "s",
            "CONTOSO\\mallory\tx\u0085y\u202Egnp.exe",
            Arrays.asList("Viewers", "", " ", null, " Users "),
            exp);
    assertEquals("CONTOSO\\mallory?x?y?gnp.exe", hostile.displayName());
    assertEquals(List.of("Viewers", "Users"), hostile.groups(), "blank group names left out");
    assertEquals(
        PrincipalLogon.MAX_LENGTH,
        new PrincipalLogon("https://idp", "s", "n".repeat(1000), null, exp).displayName().length());
    assertEquals(
        "?", new PrincipalLogon("https://idp", "s", "\u200E ", null, exp).displayName(), "seen");
    assertEquals("s", new PrincipalLogon("https://idp", "s", " \t", null, exp).displayName());
    assertEquals(List.of(), new PrincipalLogon("https://idp", "s", null, null, exp).groups());
  }

  @Test
  void theIssuerCannotHoldTheSeparatorOfTheAccountName() {
    Instant exp = Instant.parse("2026-01-01T00:00:00Z");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PrincipalLogon("https://idp|a", "b", null, List.of(), exp));
    assertTrue(e.getMessage().contains("issuer"), e.getMessage());
    // The subject may hold it: the issuer's first '|' ends the issuer.
    assertEquals("a|b", new PrincipalLogon("https://idp", "a|b", null, null, exp).subject());
  }

  @Test
  void ofAnswersEmptyWhereTheConstructorWouldThrow() {
    Instant exp = Instant.parse("2026-01-01T00:00:00Z");
    assertEquals(Optional.empty(), PrincipalLogon.of("https://idp", "CONTOSO\\x", null, null, exp));
    assertEquals(Optional.empty(), PrincipalLogon.of("https://idp", "s", null, null, null));
    assertEquals(Optional.empty(), PrincipalLogon.of(null, "s", null, null, exp));
    assertEquals(
        "s", PrincipalLogon.of("https://idp", "s", null, null, exp).orElseThrow().displayName());
  }

  // --- AuthenticationCallback.onAuthenticateRefused ---

  @Test
  void aCallbackThatPredatesTheBenignRefusalHearsAPlainDenied() {
    List<AuthenticationResult> heard = new ArrayList<>();
    AuthenticationCallback old =
        (result, blob, context) -> {
          heard.add(result);
          assertEquals("again", new String(blob, java.nio.charset.StandardCharsets.US_ASCII));
          return HResult.S_OK;
        };
    assertEquals(
        HResult.S_OK,
        old.onAuthenticateRefused(
            "again".getBytes(java.nio.charset.StandardCharsets.US_ASCII), this));
    assertEquals(List.of(AuthenticationResult.DENIED), heard);
  }

  // --- AuthenticationCallback.onAuthenticateForbidden (API 1.4) ---

  @Test
  void aCallbackThatPredatesTheForbiddenRefusalHearsAPlainDeniedWithoutABlob() {
    List<AuthenticationResult> heard = new ArrayList<>();
    List<byte[]> blobs = new ArrayList<>();
    AuthenticationCallback old =
        (result, blob, context) -> {
          heard.add(result);
          blobs.add(blob);
          return HResult.S_OK;
        };
    assertEquals(HResult.S_OK, old.onAuthenticateForbidden("expired", this));
    assertEquals(List.of(AuthenticationResult.DENIED), heard);
    assertEquals(null, blobs.get(0), "no challenge: the reason is never sent to the client");
    assertTrue(AuthHostApi.MINOR >= 4, "a 1.4 callback's default holds in every later 1.x");
  }

  @Test
  void theApiIs17() {
    // 1.5 added ServerContext.guestAccount (the host's accounts.guestAccount); 1.6 the flag
    // REUSABLE_CONTEXT; 1.7 the flag REVERIFYING_CONTEXT.
    assertEquals("1.7", AuthHostApi.VERSION);
  }
}
