package org.authhost.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one "did you mean" of the configuration: typing slips, transposed letters among them. */
class MisspellingTest {
  private static final List<String> RTSP =
      List.of("port", "bindAddress", "tls", "maxSessions", "idleTimeoutMillis");

  @Test
  void twoLettersSwappedAreOneSlip() {
    assertEquals("port", Misspelling.intended("prot", RTSP));
    assertEquals("maxSessions", Misspelling.intended("maxSessoins", RTSP));
    // Levenshtein counts two for the swap; two swaps are two slips, too many for a short key.
    assertEquals(1, Misspelling.editDistance("prot", "port"));
    assertEquals(2, Misspelling.editDistance("rpot", "port"));
    assertNull(Misspelling.intended("rpot", RTSP));
  }

  @Test
  void theEarlierSuggestionsStand() {
    assertEquals("bindAddress", Misspelling.intended("bindAdress", List.of("bindAddress", "port")));
    assertEquals(
        "threshold", Misspelling.intended("treshold", List.of("threshold", "addressThreshold")));
    assertEquals("origin", Misspelling.intended("orgin", List.of("name", "prefix", "origin")));
    assertEquals("algorithms", Misspelling.intended("algorithm", List.of("realm", "algorithms")));
    assertEquals("port", Misspelling.intended("PORT", RTSP), "case alone is no edit");
  }

  @Test
  void whatResemblesNothingGetsNoSuggestion() {
    assertNull(Misspelling.intended("pr", RTSP), "two letters resemble too much");
    assertNull(Misspelling.intended("colour", RTSP));
    assertNull(Misspelling.intended("sessions", List.of()));
  }
}
