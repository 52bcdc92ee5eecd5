package org.authhost.host.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ControlCharactersTest {
  @Test
  void everyControlCharacterBecomesAVisibleEscapeAndOtherTextIsKept() {
    assertEquals(
        "Bad\\r\\nX-Injected: 1\\t\\u001b[2J\\u007f\\u0085\\u2028 café",
        ControlCharacters.escape("Bad\r\nX-Injected: 1\t\u001b[2J\u007f\u0085\u2028 café"));
    String clean = "plug-in 'x' failed: 100% — done";
    assertSame(clean, ControlCharacters.escape(clean), "clean text is not copied");
    assertNull(ControlCharacters.escape(null));
    assertTrue(ControlCharacters.hasAny("a\u0000b"));
    assertFalse(ControlCharacters.hasAny(clean));
  }
}
