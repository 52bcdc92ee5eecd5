package org.authhost.host.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.authhost.api.AccessToken;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PrincipalLogon;
import org.authhost.api.Sid;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenTableTest {
  private static final Instant NOW = Instant.parse("2024-03-01T12:34:56Z");
  private static final String PACKAGE = "TestPackage";

  @TempDir Path dataDir;

  private BuiltinAccounts accounts;
  private TokenTable table;
  private String machineSid;

  @BeforeEach
  void setUp() throws Exception {
    accounts = BuiltinAccounts.load("authhost", dataDir);
    table = new TokenTable(accounts, Clock.fixed(NOW, ZoneOffset.UTC));
    machineSid = BuiltinAccounts.machineSid(dataDir).value();
  }

  private TokenHandle logon(String account) {
    Out<TokenHandle> handle = new Out<>();
    assertEquals(HResult.S_OK, table.logonUser(account, PACKAGE, handle), account);
    assertTrue(handle.isSet(), "handle set for " + account);
    return handle.get();
  }

  private AccessToken query(TokenHandle handle) {
    Out<AccessToken> token = new Out<>();
    assertEquals(HResult.S_OK, table.queryToken(handle, token));
    assertTrue(token.isSet());
    return token.get();
  }

  @Test
  void machineSidHasTheWindowsForm() {
    assertTrue(machineSid.matches("S-1-5-21-\\d+-\\d+-\\d+"), machineSid);
  }

  @Test
  void guestLogonIssuesTheGuestToken() {
    AccessToken token = query(logon("Guest"));
    assertEquals(new Sid(machineSid + "-501"), token.user());
    assertTrue(token.groups().contains(Sid.EVERYONE), token.groups().toString());
    assertTrue(token.groups().contains(Sid.GUESTS), token.groups().toString());
    assertFalse(token.groups().contains(Sid.ADMINISTRATORS), token.groups().toString());
    assertEquals("AUTHHOST\\Guest", token.accountName());
    assertEquals(PACKAGE, token.authenticationPackage());
    assertEquals(NOW, token.logonTime());
  }

  @Test
  void administratorLogonIssuesTheAdministratorToken() {
    AccessToken token = query(logon("Administrator"));
    assertEquals(new Sid(machineSid + "-500"), token.user());
    assertTrue(token.hasSid(Sid.ADMINISTRATORS));
    assertTrue(token.hasSid(Sid.EVERYONE));
    assertFalse(token.hasSid(Sid.GUESTS));
    assertEquals("AUTHHOST\\Administrator", token.accountName());
  }

  @Test
  void logonTimeComesFromTheClock() {
    Instant other = Instant.parse("2030-01-01T00:00:00Z");
    TokenTable later = new TokenTable(accounts, Clock.fixed(other, ZoneOffset.UTC));
    Out<TokenHandle> handle = new Out<>();
    assertEquals(HResult.S_OK, later.logonUser("Guest", "Other", handle));
    Out<AccessToken> token = new Out<>();
    assertEquals(HResult.S_OK, later.queryToken(handle.get(), token));
    assertEquals(other, token.get().logonTime());
    assertEquals("Other", token.get().authenticationPackage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Guest",
        "guest",
        "GUEST",
        "AUTHHOST\\guest",
        "authhost\\Guest",
        "guest@authhost",
        "Guest@AUTHHOST",
        ".\\Guest"
      })
  void guestNameFormsResolve(String name) {
    AccessToken token = query(logon(name));
    assertEquals(new Sid(machineSid + "-501"), token.user());
    assertEquals("AUTHHOST\\Guest", token.accountName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nobody", "OTHER\\Guest", "Guest@other", "Guests", "Gues", ""})
  void unknownAccountOrWrongDomainIsLogonFailure(String name) {
    Out<TokenHandle> handle = new Out<>();
    int before = table.openHandles();
    assertEquals(HResult.E_LOGON_FAILURE, table.logonUser(name, PACKAGE, handle));
    assertFalse(handle.isSet());
    assertEquals(before, table.openHandles());
  }

  @Test
  void disabledAccountIsLogonFailure() {
    Account disabled =
        new Account("bob", "AUTHHOST", new Sid("S-1-5-21-1-2-3-1001"), List.of(), true);
    TokenTable t = new TokenTable(name -> Optional.of(disabled), Clock.systemUTC());
    Out<TokenHandle> handle = new Out<>();
    assertEquals(HResult.E_LOGON_FAILURE, t.logonUser("bob", PACKAGE, handle));
    assertFalse(handle.isSet());
    assertEquals(0, t.openHandles());
  }

  @Test
  void nullArgumentsAreInvalidArg() {
    assertEquals(HResult.E_INVALIDARG, table.logonUser(null, PACKAGE, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, table.logonUser("Guest", null, new Out<>()));
    assertEquals(HResult.E_INVALIDARG, table.logonUser("Guest", PACKAGE, null));
    assertEquals(0, table.openHandles());
  }

  @Test
  void closedHandleIsInvalidEverywhere() {
    TokenHandle handle = logon("Guest");
    assertTrue(table.isOpen(handle));
    assertEquals(HResult.S_OK, table.closeHandle(handle));
    assertFalse(table.isOpen(handle));

    Out<AccessToken> token = new Out<>();
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.queryToken(handle, token));
    assertFalse(token.isSet());
    assertNull(token.get());
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.closeHandle(handle));
    InvalidHandleException e =
        assertThrows(InvalidHandleException.class, () -> table.impersonate(handle));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, e.hresult());
    assertEquals(Optional.empty(), Impersonation.current());
  }

  @Test
  void neverIssuedHandleIsInvalid() {
    logon("Guest"); // the table is not empty
    TokenHandle bogus = new TokenHandle(12345);
    assertFalse(table.isOpen(bogus));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.queryToken(bogus, new Out<>()));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.closeHandle(bogus));
    assertEquals(
        HResult.SEC_E_INVALID_HANDLE,
        assertThrows(InvalidHandleException.class, () -> table.impersonate(bogus)).hresult());
    assertEquals(1, table.openHandles());
  }

  @Test
  void nullHandleIsInvalid() {
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.queryToken(null, new Out<>()));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.closeHandle(null));
    assertThrows(InvalidHandleException.class, () -> table.impersonate(null));
  }

  @Test
  void handleFromAnotherTableIsInvalid() {
    TokenTable other = new TokenTable(accounts, Clock.systemUTC());
    TokenHandle handle = logon("Guest");
    assertEquals(0, other.openHandles());
    assertEquals(HResult.SEC_E_INVALID_HANDLE, other.queryToken(handle, new Out<>()));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, other.closeHandle(handle));
    assertTrue(table.isOpen(handle));
  }

  @Test
  void handlesAreNeverReused() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      TokenHandle handle = logon(i % 2 == 0 ? "Guest" : "Administrator");
      assertTrue(seen.add(handle.value()), "handle reused: " + handle + " at cycle " + i);
      assertEquals(HResult.S_OK, table.closeHandle(handle));
    }
    assertEquals(0, table.openHandles());
  }

  @Test
  void closedHandleStaysInvalidAfterLaterLogons() {
    TokenHandle guest = logon("Guest");
    assertEquals(HResult.S_OK, table.closeHandle(guest));
    for (int i = 0; i < 100; i++) {
      logon("Administrator");
    }
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.queryToken(guest, new Out<>()));
  }

  @Test
  void openHandlesCounts() {
    assertEquals(0, table.openHandles());
    TokenHandle a = logon("Guest");
    TokenHandle b = logon("Guest");
    TokenHandle c = logon("Administrator");
    assertEquals(3, table.openHandles());
    assertNotEquals(a, b);
    assertEquals(HResult.S_OK, table.closeHandle(b));
    assertEquals(2, table.openHandles());
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.closeHandle(b));
    assertEquals(2, table.openHandles());
    assertEquals(HResult.S_OK, table.closeHandle(a));
    assertEquals(HResult.S_OK, table.closeHandle(c));
    assertEquals(0, table.openHandles());
  }

  @Test
  void twoLogonsOfTheSameUserGiveIndependentHandles() {
    TokenHandle a = logon("Guest");
    TokenHandle b = logon("Guest");
    assertEquals(HResult.S_OK, table.closeHandle(a));
    AccessToken token = query(b);
    assertEquals(new Sid(machineSid + "-501"), token.user());
  }

  @Test
  void queryWithNullOutIsPointerError() {
    TokenHandle handle = logon("Guest");
    assertEquals(HResult.E_POINTER, table.queryToken(handle, null));
  }

  @Test
  void tokenGroupsCannotBeChanged() {
    TokenHandle handle = logon("Guest");
    AccessToken token = query(handle);
    assertThrows(UnsupportedOperationException.class, () -> token.groups().add(Sid.ADMINISTRATORS));
    assertFalse(query(handle).hasSid(Sid.ADMINISTRATORS));
  }

  @Test
  void aPluginCanUseOnlyTheHandlesItIssued() {
    var alpha = table.serviceFor("alpha");
    var beta = table.serviceFor("beta");
    Out<TokenHandle> issued = new Out<>();
    assertEquals(HResult.S_OK, alpha.logonUser("Guest", PACKAGE, issued));
    TokenHandle handle = issued.get();

    assertEquals(HResult.SEC_E_INVALID_HANDLE, beta.queryToken(handle, new Out<>()));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, beta.closeHandle(handle));
    assertTrue(table.isOpen(handle), "another plug-in's close must not close it");
    assertEquals(HResult.S_OK, alpha.queryToken(handle, new Out<>()));
    assertEquals(HResult.S_OK, table.queryToken("alpha", handle, new Out<>()));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, table.queryToken("beta", handle, new Out<>()));
    assertEquals(HResult.S_OK, table.queryToken(handle, new Out<>()), "the host sees every handle");
    assertEquals(HResult.S_OK, alpha.closeHandle(handle));
    assertFalse(table.isOpen(handle));
  }

  @Test
  void unloadingAPluginClosesTheHandlesItStillHolds() {
    var alpha = table.serviceFor("alpha");
    Out<TokenHandle> a1 = new Out<>();
    Out<TokenHandle> a2 = new Out<>();
    alpha.logonUser("Guest", PACKAGE, a1);
    alpha.logonUser("Administrator", PACKAGE, a2);
    TokenHandle mine = logon("Guest");

    assertEquals(2, table.closeAllOwnedBy("alpha"));

    assertFalse(table.isOpen(a1.get()));
    assertFalse(table.isOpen(a2.get()));
    assertTrue(table.isOpen(mine));
    assertEquals(1, table.openHandles());
  }

  /** A directory with the built-in accounts and one local group, Viewers. */
  private static final class WithViewers implements AccountDirectory {
    static final Sid VIEWERS = new Sid("S-1-5-21-1-2-3-1001");
    private final AccountDirectory accounts;

    WithViewers(AccountDirectory accounts) {
      this.accounts = accounts;
    }

    @Override
    public Optional<Account> find(String accountName) {
      return accounts.find(accountName);
    }

    @Override
    public Optional<Sid> findGroupSid(String name) {
      if ("Administrators".equalsIgnoreCase(name)) {
        return Optional.of(Sid.ADMINISTRATORS);
      }
      return "Viewers".equalsIgnoreCase(name) ? Optional.of(VIEWERS) : Optional.empty();
    }
  }

  private static final String IDP = "https://idp.example/realms/media";
  private static final Instant EXPIRES = NOW.plusSeconds(300);

  private static PrincipalLogon principal(String subject, List<String> groups) {
    return new PrincipalLogon(IDP, subject, null, groups, EXPIRES);
  }

  @Test
  void aPrincipalWithoutAnAccountGetsAStableSidAndOnlyItsMappedLocalGroups() {
    TokenTable t = new TokenTable(new WithViewers(accounts), Clock.fixed(NOW, ZoneOffset.UTC));
    TokenService oidc = t.serviceFor("oidc");
    Out<TokenHandle> first = new Out<>();
    assertEquals(
        HResult.S_OK,
        oidc.logonPrincipal(
            new PrincipalLogon(IDP, "248289761001", "Alice Liddell", List.of("Viewers"), EXPIRES),
            "OIDC",
            first));
    Out<AccessToken> about = new Out<>();
    assertEquals(HResult.S_OK, oidc.queryToken(first.get(), about));
    AccessToken token = about.get();
    assertEquals("oidc:" + IDP + "|248289761001", token.accountName(), "never a local account's");
    assertEquals("Alice Liddell", token.displayName());
    assertEquals(EXPIRES, token.expiresAt());
    assertTrue(token.user().value().startsWith("S-1-9-"), token.user().value());
    assertEquals(
        List.of(Sid.EVERYONE, Sid.AUTHENTICATED_USERS, WithViewers.VIEWERS), token.groups());

    Out<TokenHandle> again = new Out<>();
    oidc.logonPrincipal(principal("248289761001", List.of()), "another package", again);
    oidc.queryToken(again.get(), about);
    assertEquals(token.user(), about.get().user(), "the same principal, the same SID");
    assertEquals("248289761001", about.get().displayName(), "no display name: the subject");
    oidc.logonPrincipal(principal("bob", List.of()), "OIDC", again);
    oidc.queryToken(again.get(), about);
    assertNotEquals(token.user(), about.get().user());
    oidc.logonPrincipal(
        new PrincipalLogon("https://other.example", "248289761001", null, List.of(), EXPIRES),
        "OIDC",
        again);
    oidc.queryToken(again.get(), about);
    assertNotEquals(token.user(), about.get().user(), "the same subject of another issuer");
    TokenService other = t.serviceFor("other-idp");
    other.logonPrincipal(principal("248289761001", List.of()), "OIDC", again);
    other.queryToken(again.get(), about);
    assertNotEquals(token.user(), about.get().user(), "another plug-in's alice is someone else");
    // Stable across restarts: a new table (a new host) derives the same SID.
    TokenTable restarted =
        new TokenTable(new WithViewers(accounts), Clock.fixed(NOW, ZoneOffset.UTC));
    restarted
        .serviceFor("oidc")
        .logonPrincipal(principal("248289761001", List.of()), "OIDC", again);
    restarted.queryToken(again.get(), about);
    assertEquals(token.user(), about.get().user());
  }

  @Test
  void unknownGroupsAreLeftOutButAdministratorsRefusesTheLogon() {
    TokenTable t = new TokenTable(new WithViewers(accounts), Clock.fixed(NOW, ZoneOffset.UTC));
    Out<TokenHandle> handle = new Out<>();
    Out<AccessToken> about = new Out<>();
    assertEquals(
        HResult.S_OK,
        t.logonPrincipal(
            principal("m", List.of("Administrator", "Nope", "Viewers")), "OIDC", handle),
        "an account's name or a group this host lacks grants nothing, and refuses nothing");
    t.queryToken(handle.get(), about);
    assertEquals(
        List.of(Sid.EVERYONE, Sid.AUTHENTICATED_USERS, WithViewers.VIEWERS), about.get().groups());
    assertEquals(
        List.of("Administrator", "Nope"),
        t.unmappedGroups(handle.get()),
        "what granted nothing, for the audit of the logon");
    t.closeHandle(handle.get());
    assertEquals(List.of(), t.unmappedGroups(handle.get()), "closed");
    Out<TokenHandle> admin = new Out<>();
    assertEquals(
        HResult.E_ACCESSDENIED,
        t.logonPrincipal(principal("m", List.of("Viewers", "Administrators")), "OIDC", admin),
        "another party's proof never makes an administrator");
    assertEquals(HResult.E_INVALIDARG, t.logonPrincipal(null, "OIDC", admin));
    assertFalse(admin.isSet());
    assertEquals(0, t.openHandles());
  }

  @Test
  void aPrincipalLogonChecksItsFieldsWhenItIsMade() {
    for (String bad : List.of(" ", "a\\b", "a\nb", "x".repeat(257))) {
      assertThrows(
          IllegalArgumentException.class,
          () -> new PrincipalLogon(IDP, bad, null, List.of(), EXPIRES),
          bad);
      assertThrows(
          IllegalArgumentException.class,
          () -> new PrincipalLogon(bad, "sub", null, List.of(), EXPIRES),
          bad);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new PrincipalLogon("https://idp|x", "s", null, List.of(), EXPIRES),
        "the issuer's '|' would make the account name ambiguous");
    // Groups are the IdP's to say: none, or null and blank names among them, are no reason to
    // refuse (a thrown exception inside Authenticate disables the plug-in for everybody).
    assertEquals(List.of(), new PrincipalLogon(IDP, "s", null, null, EXPIRES).groups());
    assertEquals(
        List.of("Viewers"),
        new PrincipalLogon(IDP, "s", null, java.util.Arrays.asList("Viewers", null, " "), EXPIRES)
            .groups());
    IllegalArgumentException noExpiry =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PrincipalLogon(IDP, "s", null, List.of(), null));
    assertTrue(noExpiry.getMessage().contains("expiresAt"), noExpiry.getMessage());
  }

  @Test
  void aPrincipalsTokenExpiresOnTheHostsClock() {
    MutableClock clock = new MutableClock(NOW);
    TokenTable t = new TokenTable(new WithViewers(accounts), clock);
    Out<TokenHandle> handle = new Out<>();
    assertEquals(HResult.S_OK, t.logonPrincipal(principal("alice", List.of()), "OIDC", handle));
    try (Impersonation ignored = t.impersonate(handle.get())) {
      assertEquals("alice", Impersonation.current().orElseThrow().displayName());
    }
    clock.advance(java.time.Duration.ofSeconds(299));
    t.impersonate(handle.get()).close();
    clock.advance(java.time.Duration.ofSeconds(1));
    ExpiredTokenException expired =
        assertThrows(ExpiredTokenException.class, () -> t.impersonate(handle.get()));
    assertEquals(HResult.SEC_E_CONTEXT_EXPIRED, expired.hresult());
    assertTrue(Impersonation.current().isEmpty(), "nothing impersonated");
    assertTrue(t.isOpen(handle.get()), "still the context's to close");
    Out<TokenHandle> late = new Out<>();
    assertEquals(
        HResult.SEC_E_CONTEXT_EXPIRED,
        t.logonPrincipal(principal("alice", List.of()), "OIDC", late),
        "a proof that has already ended gives no token");
    assertFalse(late.isSet());
    // A local account's token never expires.
    Out<TokenHandle> guest = new Out<>();
    assertEquals(HResult.S_OK, t.logonUser("Guest", PACKAGE, guest));
    clock.advance(java.time.Duration.ofDays(3650));
    t.impersonate(guest.get()).close();
  }

  @Test
  void anAccountsTokenWithAnEndExpiresOnTheHostsClockAndAsNowKeepsTheEnd() {
    MutableClock clock = new MutableClock(NOW);
    TokenTable t = new TokenTable(accounts, clock);
    Instant end = NOW.plusSeconds(300);
    Out<TokenHandle> handle = new Out<>();
    assertEquals(HResult.S_OK, t.serviceFor("signed-url").logonUser("Guest", PACKAGE, end, handle));
    AccessToken issued = query(t, handle.get());
    assertEquals(end, issued.expiresAt());
    assertEquals("AUTHHOST\\Guest", issued.displayName());
    assertEquals(new Sid(machineSid + "-501"), issued.user());
    // Reauthorized with the account's groups as they are now, the logon still ends with its proof.
    AccessToken otherGroups =
        new AccessToken(
            issued.user(),
            List.of(Sid.EVERYONE),
            issued.accountName(),
            PACKAGE,
            NOW,
            issued.accountName(),
            end);
    AccessToken now = t.asNow(otherGroups).orElseThrow();
    assertEquals(issued.groups(), now.groups());
    assertEquals(end, now.expiresAt());
    clock.advance(java.time.Duration.ofSeconds(299));
    t.impersonate(handle.get()).close();
    clock.advance(java.time.Duration.ofSeconds(1));
    assertThrows(ExpiredTokenException.class, () -> t.impersonate(handle.get()));
    assertTrue(t.asNow(issued).orElseThrow().hasExpired(clock.instant()));
  }

  @Test
  void anAccountLogonWhoseEndHasPassedGivesNoToken() {
    Out<TokenHandle> late = new Out<>();
    assertEquals(HResult.SEC_E_CONTEXT_EXPIRED, table.logonUser("Guest", PACKAGE, NOW, late));
    assertEquals(
        HResult.SEC_E_CONTEXT_EXPIRED,
        table.serviceFor("p").logonUser("Guest", PACKAGE, NOW.minusSeconds(1), late));
    assertFalse(late.isSet());
    assertEquals(0, table.openHandles());
    assertEquals(HResult.E_INVALIDARG, table.logonUser("Guest", PACKAGE, (Instant) null, late));
    assertEquals(
        HResult.E_LOGON_FAILURE, table.logonUser("nobody", PACKAGE, NOW.plusSeconds(1), late));
    // Without an end, as before: never expires.
    assertEquals(Instant.MAX, query(logon("Guest")).expiresAt());
  }

  private static AccessToken query(TokenTable t, TokenHandle handle) {
    Out<AccessToken> token = new Out<>();
    assertEquals(HResult.S_OK, t.queryToken(handle, token));
    return token.get();
  }

  @Test
  void aPluginsPrincipalTokenIsItsOwnAsAnyOther() {
    TokenTable t = new TokenTable(new WithViewers(accounts), Clock.fixed(NOW, ZoneOffset.UTC));
    TokenService mine = t.serviceFor("oidc");
    Out<TokenHandle> handle = new Out<>();
    assertEquals(HResult.S_OK, mine.logonPrincipal(principal("alice", List.of()), "OIDC", handle));
    assertEquals(HResult.SEC_E_INVALID_HANDLE, t.serviceFor("other").closeHandle(handle.get()));
    assertEquals(HResult.S_OK, mine.closeHandle(handle.get()));
  }
}
