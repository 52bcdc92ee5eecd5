package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiVersionTest {

  @Test
  void parsesMajorDotMinorOnlyAndOrdersByNumberNotText() {
    assertEquals(Optional.of(new ApiVersion(1, 2)), ApiVersion.parse("1.2"));
    for (String bad : List.of("", "1", "1.", ".3", "1.2.3", "v1.3", "1.x", "1234567890.1")) {
      assertEquals(Optional.empty(), ApiVersion.parse(bad), bad);
    }
    assertEquals(Optional.empty(), ApiVersion.parse(null));
    assertThrows(IllegalArgumentException.class, () -> ApiVersion.of("1"));
    // As numbers: 1.10 is after 1.3, which text order would put before it.
    assertTrue(ApiVersion.of("1.3").isBefore(ApiVersion.of("1.10")));
    assertTrue(ApiVersion.of("1.2").isBefore(ApiVersion.V1_3));
    assertFalse(ApiVersion.V1_3.isBefore(ApiVersion.of("1.3")));
    assertTrue(ApiVersion.of("0.9").isBefore(ApiVersion.of("1.0")));
    assertEquals("1.3", ApiVersion.V1_3.toString());
  }

  @Test
  void aHostProvidesItsOwnMajorUpToItsMinor() {
    assertTrue(ApiVersion.of("1.0").isProvided());
    assertTrue(ApiVersion.CURRENT.isProvided());
    assertFalse(new ApiVersion(1, ApiVersion.CURRENT.minor() + 1).isProvided());
    assertFalse(ApiVersion.of("2.0").isProvided());
    assertFalse(ApiVersion.of("0.9").isProvided());
  }
}
