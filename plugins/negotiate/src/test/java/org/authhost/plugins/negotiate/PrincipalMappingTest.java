package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kerberos principal to local account. */
class PrincipalMappingTest {
  private final PrincipalMapping strip = new PrincipalMapping(PrincipalMapping.Rule.STRIP_REALM,
      Set.of("TEST.LOCAL", "CORP.EXAMPLE"), Map.of("ops/admin@TEST.LOCAL", "Administrator"));

  private static String account(PrincipalMapping.Result r) {
    return assertInstanceOf(PrincipalMapping.Result.Account.class, r).name();
  }

  private static String refusal(PrincipalMapping.Result r) {
    return assertInstanceOf(PrincipalMapping.Result.Refused.class, r).reason();
  }

  @Test
  void stripRealmForListedRealmsOnly() {
    assertEquals("alice", account(strip.map("alice@TEST.LOCAL")));
    assertEquals("bob", account(strip.map("bob@CORP.EXAMPLE")));
    assertTrue(refusal(strip.map("alice@EVIL.EXAMPLE")).contains("realm EVIL.EXAMPLE, not one of CORP.EXAMPLE, "
        + "TEST.LOCAL"));
    assertTrue(refusal(strip.map("alice@test.local")).contains("realm test.local"), "realms are case-sensitive");
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
  void explicitEntriesWin() {
    assertEquals("Administrator", account(strip.map("ops/admin@TEST.LOCAL")));
    PrincipalMapping keep = new PrincipalMapping(PrincipalMapping.Rule.KEEP, Set.of("TEST.LOCAL"),
        Map.of("alice@TEST.LOCAL", "alice"));
    assertEquals("alice", account(keep.map("alice@TEST.LOCAL")));
    assertEquals("bob@OTHER", account(keep.map("bob@OTHER")));
  }
}
