package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DigestAlgorithmTest {
  @Test
  void aTokenIsFoundAsWrittenAndInAnyOtherCaseAndNothingElseIs() {
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      assertEquals(Optional.of(a), DigestAlgorithm.forToken(a.token()));
    }
    // RFC 7616 §3.3: case-insensitive.
    assertEquals(Optional.of(DigestAlgorithm.MD5), DigestAlgorithm.forToken("md5"));
    assertEquals(Optional.of(DigestAlgorithm.SHA_256), DigestAlgorithm.forToken("sha-256"));
    assertEquals(
        Optional.of(DigestAlgorithm.SHA_512_256_SESS),
        DigestAlgorithm.forToken("SHA-512-256-SESS"));
    assertTrue(DigestAlgorithm.forToken("SHA-256-").isEmpty());
    assertTrue(DigestAlgorithm.forToken("MD5 ").isEmpty());
    assertTrue(DigestAlgorithm.forToken("").isEmpty());
  }
}
