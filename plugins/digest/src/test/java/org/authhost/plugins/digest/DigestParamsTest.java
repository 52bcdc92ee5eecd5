package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The auth-param parser: what real clients send is accepted, garbage is refused with a reason. */
class DigestParamsTest {

  private static String reason(String text) {
    return assertThrows(Malformed.class, () -> DigestParams.parse(text)).getMessage();
  }

  @Test
  void quotedAndUnquotedValuesAreTheSame() throws Exception {
    // curl: algorithm, qop and nc unquoted (RFC 7616 §3.4).
    Map<String, String> curl = DigestParams.parse("algorithm=MD5, qop=auth, nc=00000001");
    // Python urllib quotes algorithm; ffmpeg quotes qop; some clients quote nc.
    Map<String, String> quoted =
        DigestParams.parse("algorithm=\"MD5\", qop=\"auth\", nc=\"00000001\"");
    assertEquals(Map.of("algorithm", "MD5", "qop", "auth", "nc", "00000001"), curl);
    assertEquals(curl, quoted);
  }

  @Test
  void backslashEscapesInsideQuotes() throws Exception {
    assertEquals("a\"b\\c", DigestParams.parse("realm=\"a\\\"b\\\\c\"").get("realm"));
    assertEquals(
        "xy",
        DigestParams.parse("cnonce=\"\\x\\y\"").get("cnonce"),
        "any character may be escaped");
    assertEquals(
        "a, b=c",
        DigestParams.parse("realm=\"a, b=c\"").get("realm"),
        "commas and = inside quotes");
  }

  @Test
  void whitespaceAndEmptyListElements() throws Exception {
    Map<String, String> p =
        DigestParams.parse(" ,\t, realm \t=\t \"r\" ,,, nc= 00000001\t,  qop =auth , ");
    assertEquals(List.of("realm", "nc", "qop"), List.copyOf(p.keySet()));
    assertEquals("r", p.get("realm"));
    assertEquals("00000001", p.get("nc"));
  }

  @Test
  void namesAreCaseInsensitiveAndUnknownOnesAreKept() throws Exception {
    Map<String, String> p = DigestParams.parse("UserName=\"bob\", X-Future=\"1\", Realm=r");
    assertEquals(Map.of("username", "bob", "x-future", "1", "realm", "r"), p);
  }

  @Test
  void duplicatesAreRefusedWhateverTheirCase() {
    assertEquals("parameter 'nc' appears twice", reason("nc=00000001, nc=00000002"));
    assertEquals("parameter 'realm' appears twice", reason("realm=a, REALM=\"a\""));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''| no parameters",
        "' , ,'| no parameters",
        "=x| expected a parameter name at offset 0, found '='",
        "realm| parameter 'realm' has no '=' (offset 5)",
        "realm \"x\"| parameter 'realm' has no '=' (offset 6)",
        "realm=| parameter 'realm' has an empty value",
        "realm=,nonce=1| parameter 'realm' has an empty value",
        "realm=\"open| the quoted value of parameter 'realm' starting at offset 6 is not closed",
        "realm=\"open\\| the quoted value of parameter 'realm' starting at offset 6 is not closed",
        "realm=a b=c| expected ',' after parameter 'realm' at offset 8, found 'b'",
        "realm=\"a\"b| expected ',' after parameter 'realm' at offset 9, found 'b'",
        "realm=a\"b| the unquoted value of parameter 'realm' contains '\"' at offset 7",
        "realm=a\\b| the unquoted value of parameter 'realm' contains '\\' at offset 7",
        "Digest realm=a| parameter 'digest' has no '=' (offset 7)",
        "r\u00e9alm=a| parameter 'r' has no '=' (offset 1)",
      })
  void garbageIsRefusedWithTheReason(String text, String reason) {
    assertEquals(reason, reason(text));
  }

  @Test
  void controlCharactersAreRefused() {
    assertEquals(
        "parameter 'realm' contains a control character (0xa) at offset 8",
        reason("realm=\"a\nb\""));
    assertEquals(
        "the unquoted value of parameter 'realm' contains 0x00 at offset 7", reason("realm=a\0"));
    assertEquals(
        "a\tb", assertDoesNotThrow("realm=\"a\tb\"").get("realm"), "tab is allowed in quotes");
    assertEquals(
        "parameter 'realm' contains a control character (0x7f) at offset 9",
        reason("realm=\"ab\u007fc\""),
        "DEL in a value whose closing quote was found at once");
    assertEquals(
        "parameter 'realm' contains a control character (0x1f) at offset 10",
        reason("realm=\"a\\\"\u001f\""),
        "after an escaped quote");
  }

  @Test
  void tooManyParameters() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i <= DigestParams.MAX_PARAMETERS; i++) {
      b.append("p").append(i).append("=1,");
    }
    assertEquals("more than 64 parameters", reason(b.toString()));
  }

  @Test
  void noInputMakesItThrowAnythingButMalformed() {
    Random random = new Random(7616);
    String alphabet = "aZ09=,\"\\ \t*-_/.%'\u00e9\u00ff\0\n";
    for (int i = 0; i < 200_000; i++) {
      char[] chars = new char[random.nextInt(40)];
      for (int j = 0; j < chars.length; j++) {
        chars[j] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      try {
        DigestCredentials.parse(new String(chars));
      } catch (Malformed expected) {
        // a reason, as it should be
      }
    }
  }

  private static Map<String, String> assertDoesNotThrow(String text) {
    return Assertions.assertDoesNotThrow(() -> DigestParams.parse(text));
  }
}
