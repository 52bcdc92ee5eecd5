package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kerberos principal to local account. */
class PrincipalMappingTest {
  private final PrincipalMapping strip =
      new PrincipalMapping(
          PrincipalMapping.Rule.STRIP_REALM,
          Set.of("TEST.LOCAL", "CORP.EXAMPLE"),
          Map.of("ops/admin@TEST.LOCAL", "Administrator"));

  private static String account(PrincipalMapping.Result r) {
    return assertInstanceOf(PrincipalMapping.Result.Account.class, r).name();
  }

  private static boolean checksCase(PrincipalMapping.Result r) {
    return assertInstanceOf(PrincipalMapping.Result.Account.class, r).checkCase();
  }

  private static String refusal(PrincipalMapping.Result r) {
    return assertInstanceOf(PrincipalMapping.Result.Refused.class, r).reason();
  }

  @Test
  void stripRealmForListedRealmsOnly() {
    assertEquals("alice", account(strip.map("alice@TEST.LOCAL")));
    assertEquals("bob", account(strip.map("bob@CORP.EXAMPLE")));
    assertTrue(
        refusal(strip.map("alice@EVIL.EXAMPLE"))
            .contains("realm EVIL.EXAMPLE, not one of CORP.EXAMPLE, " + "TEST.LOCAL"));
    assertTrue(
        refusal(strip.map("alice@test.local")).contains("realm test.local"),
        "realms are case-sensitive");
  }

  @Test
  void instancesAndNamesWithoutRealmAreNotStripped() {
    assertTrue(refusal(strip.map("HTTP/localhost@TEST.LOCAL")).contains("map it explicitly"));
    assertTrue(refusal(strip.map("alice")).contains("no realm"));
    assertTrue(refusal(strip.map("alice@")).contains("no realm"));
    assertTrue(refusal(strip.map("@TEST.LOCAL")).contains("no realm"));
    // An escaped '@' belongs to the name, so the realm is what follows the last plain one.
    assertTrue(refusal(strip.map("a\\@b@TEST.LOCAL")).contains("escape"));
  }

  @Test
  void explicitEntriesWinAndSkipTheCaseCheck() {
    assertEquals("Administrator", account(strip.map("ops/admin@TEST.LOCAL")));
    assertEquals(false, checksCase(strip.map("ops/admin@TEST.LOCAL")));
    assertEquals(
        true,
        checksCase(strip.map("alice@TEST.LOCAL")),
        "the rule's names must match the account's case");
  }

  @Test
  void theRuleNeverReachesTheBuiltInAccounts() {
    for (String name :
        List.of("Administrator", "ADMINISTRATOR", "administrator", "Guest", "GUEST", "guest")) {
      String reason = refusal(strip.map(name + "@TEST.LOCAL"));
      assertTrue(
          reason.contains("built-in account")
              && reason.contains("map." + name + "@TEST.LOCAL=" + name),
          reason);
    }
    PrincipalMapping explicit =
        new PrincipalMapping(
            PrincipalMapping.Rule.STRIP_REALM,
            Set.of("TEST.LOCAL"),
            Map.of("Administrator@TEST.LOCAL", "Administrator"));
    assertEquals(
        "Administrator",
        account(explicit.map("Administrator@TEST.LOCAL")),
        "an explicit entry may");
    assertTrue(
        refusal(explicit.map("ADMINISTRATOR@TEST.LOCAL")).contains("built-in"),
        "entries are exact");
  }

  @Test
  void keepIsNoLongerARule() {
    assertNull(PrincipalMapping.Rule.of("keep"));
    assertEquals(PrincipalMapping.Rule.STRIP_REALM, PrincipalMapping.Rule.of(" Strip-Realm "));
    assertEquals("strip-realm", PrincipalMapping.Rule.allowed());
  }
}
