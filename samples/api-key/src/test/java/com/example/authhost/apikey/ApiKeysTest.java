package com.example.authhost.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private static final String KEY = "k3y-for-the-encoder";

  @Test
  void aKnownKeyLogsOnAsItsAccountAndNothingElseDoes() {
    ApiKeys keys = ApiKeys.parse(" encoder1 = " + ApiKeys.sha256(KEY).toUpperCase() + " , ");
    assertEquals(Optional.of("encoder1"), keys.accountFor(KEY));
    assertTrue(keys.accountFor("k3y-for-the-encodeR").isEmpty());
    assertTrue(keys.accountFor("").isEmpty());
    assertTrue(keys.accountFor("x".repeat(ApiKeys.MAX_KEY_LENGTH + 1)).isEmpty());
  }

  @Test
  void onlyVisibleAsciiUpToTheLimitCanBeAKey() {
    assertTrue(ApiKeys.isWellFormed("x".repeat(ApiKeys.MAX_KEY_LENGTH)));
    assertTrue(ApiKeys.isWellFormed("aGVsbG8+/w=="));
    assertFalse(ApiKeys.isWellFormed(""));
    assertFalse(ApiKeys.isWellFormed("x".repeat(ApiKeys.MAX_KEY_LENGTH + 1)));
    assertFalse(ApiKeys.isWellFormed("two words"));
    assertFalse(ApiKeys.isWellFormed("caf\u00e9"));
    assertFalse(ApiKeys.isWellFormed("tab\tkey"));
  }

  @Test
  void aWrongEntryIsNamedWithTheWayToWriteIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("encoder1=" + KEY));
    assertTrue(e.getMessage().contains("entry 'encoder1=" + KEY + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("sha256sum"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse(""));
    String h = ApiKeys.sha256(KEY);
    assertThrows(IllegalArgumentException.class, () -> ApiKeys.parse("a=" + h + ",b=" + h));
  }
}
