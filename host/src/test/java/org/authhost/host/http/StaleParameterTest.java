package org.authhost.host.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Only a real {@code stale=true} parameter makes a refusal harmless, never text inside a value. */
class StaleParameterTest {
  private static boolean stale(String blob) {
    return AuthenticationDriver.saysStale(blob.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void theParameterCountsInAnyLineAndAnySpelling() {
    assertTrue(stale("realm=\"AuthHost\", nonce=\"abc\", stale=true, algorithm=SHA-256"));
    assertTrue(stale("realm=\"a\", nonce=\"b\"\nrealm=\"a\", nonce=\"b\", STALE = \"TRUE\""));
  }

  @Test
  void textInsideQuotedValuesDoesNot() {
    assertFalse(stale("realm=\"x stale=true\", nonce=\"abc\""));
    assertFalse(stale("realm=\"x\\\", stale=true\", nonce=\"abc\""));
    assertFalse(stale("realm=\"AuthHost\", stale=false"));
    assertFalse(stale(""));
  }
}
