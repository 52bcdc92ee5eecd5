package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
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
    String info = text(Challenges.authenticationInfoOctets(new byte[] {(byte) 0xab}, c, "next"));
    assertEquals(
        "rspauth=\"ab\", qop=auth, cnonce=\"c\\\"n, x=\\\\\", nc=0000000a, nextnonce=\"next\"",
        info);
    Map<String, String> read = DigestParams.parse(info);
    assertEquals("c\"n, x=\\", read.get("cnonce"));
    assertEquals("next", read.get("nextnonce"));
  }

  @Test
  void withoutRspauthOnlyTheNextNonceIsSaid() {
    assertEquals("nextnonce=\"n2\"", text(Challenges.authenticationInfoOctets(null, null, "n2")));
    assertEquals("", text(Challenges.authenticationInfoOctets(null, null, null)));
  }

  @Test
  void theAnswersOctetsAreExactlyItsValueWhateverItSays() throws Exception {
    DigestCredentials c =
        DigestCredentials.parse(
            "username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", algorithm=SHA-256, response=\""
                + "0".repeat(64)
                + "\", qop=auth, nc=00000001, cnonce=\"a\\\\b\"");
    byte[] proof = new byte[32];
    proof[0] = (byte) 0xfe;
    proof[31] = 0x01;
    String said =
        "rspauth=\""
            + HexFormat.of().formatHex(proof)
            + "\", qop=auth, cnonce=\"a\\\\b\", nc=00000001";
    assertEquals(said, text(Challenges.authenticationInfoOctets(proof, c, null)));
    assertEquals(
        said + ", nextnonce=\"n\\\"2\"",
        text(Challenges.authenticationInfoOctets(proof, c, "n\"2")));
    assertEquals(0, Challenges.authenticationInfoOctets(null, c, null).length);
  }

  @Test
  void aCharPastLatin1IsAQuestionMarkNeverAnotherOctet() {
    // U+010A would be a line feed if only its low byte were kept.
    DigestCredentials c =
        new DigestCredentials(
            "u",
            false,
            "r",
            "n",
            "/",
            "0".repeat(32),
            DigestAlgorithm.MD5,
            "auth",
            "00000001",
            1,
            "a\u010Ab",
            null);
    assertEquals(
        "rspauth=\"ab\", qop=auth, cnonce=\"a?b\", nc=00000001, nextnonce=\"n?\"",
        text(Challenges.authenticationInfoOctets(new byte[] {(byte) 0xab}, c, "n\u010D")));
  }

  private static String text(byte[] octets) {
    return new String(octets, StandardCharsets.ISO_8859_1);
  }
}
