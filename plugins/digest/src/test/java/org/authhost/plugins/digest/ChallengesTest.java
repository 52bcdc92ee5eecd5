package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text the plug-in sends back reads as the client meant it. */
class ChallengesTest {

  @Test
  void quotingRoundTripsThroughTheParser() throws Exception {
    for (String value : new String[] {"", "plain", "a\"b", "\\", "x\\\"y\"\\", "\"\""}) {
      assertEquals(value, DigestParams.parse("v=" + Challenges.quote(value)).get("v"), value);
    }
  }

  @Test
  void authenticationInfoEchoesTheClientsCnonceSafely() throws Exception {
    DigestCredentials c =
        DigestCredentials.parse(
            "username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                + "response=\""
                + "0".repeat(32)
                + "\", qop=auth, nc=0000000a, cnonce=\"c\\\"n, x=\\\\\"");
    String info = Challenges.authenticationInfo("ab", c, "next");
    assertEquals(
        "rspauth=\"ab\", qop=auth, cnonce=\"c\\\"n, x=\\\\\", nc=0000000a, nextnonce=\"next\"",
        info);
    Map<String, String> read = DigestParams.parse(info);
    assertEquals("c\"n, x=\\", read.get("cnonce"));
    assertEquals("next", read.get("nextnonce"));
  }

  @Test
  void withoutRspauthOnlyTheNextNonceIsSaid() {
    assertEquals("nextnonce=\"n2\"", Challenges.authenticationInfo(null, null, "n2"));
    assertEquals("", Challenges.authenticationInfo(null, null, null));
  }
}
