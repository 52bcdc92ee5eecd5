package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fields of a response: presence, form and agreement with each other. */
class DigestCredentialsTest {
  private static final String MD5_RESPONSE = "6629fae49393a05397450978507c4ef1";
  private static final String BASE =
      "realm=\"r\", nonce=\"n\", uri=\"/\", response=\"" + MD5_RESPONSE + "\"";

  private static DigestCredentials parse(String text) throws Malformed {
    return DigestCredentials.parse(text);
  }

  private static String reason(String text) {
    return assertThrows(Malformed.class, () -> parse(text)).getMessage();
  }

  @Test
  void aMinimalQopResponse() throws Exception {
    DigestCredentials c =
        parse("username=\"bob\", " + BASE + ", qop=auth, nc=0000000A, cnonce=\"c\"");
    assertEquals(DigestAlgorithm.MD5, c.algorithm(), "no algorithm means MD5");
    assertEquals("0000000A", c.nc(), "nc is kept as sent: the client hashed it so");
    assertEquals(10, c.ncValue());
    assertNull(c.opaque());
  }

  @Test
  void valuesThisServerExpectsAreItsOwnStringsAndAnyOtherIsReadAsSent() throws Exception {
    String realm = new String("Z\u00fcrich");
    String opaque = new String("op");
    String ok =
        "username=\"bob\", realm=\"Z\u00fcrich\", nonce=\"n\", uri=\"/\", response=\""
            + MD5_RESPONSE
            + "\", qop=\"auth\", nc=00000001, cnonce=\"c\", opaque=op, algorithm=md5, userhash=FALSE";
    DigestCredentials c =
        DigestCredentials.parse(ok.getBytes(StandardCharsets.ISO_8859_1), realm, opaque);
    assertSame(realm, c.realm(), "an ISO-8859-1 octet compares as its char");
    assertSame(opaque, c.opaque());
    assertSame(DigestMath.AUTH, c.qop());
    assertEquals(DigestAlgorithm.MD5, c.algorithm(), "in any case");
    assertFalse(c.userhash());

    String other =
        ok.replace("Z\u00fcrich", "Zurich")
            .replace("opaque=op", "opaque=\"o\\p\"")
            .replace("\"auth\"", "\"auth-int\"");
    c = DigestCredentials.parse(other.getBytes(StandardCharsets.ISO_8859_1), realm, opaque);
    assertEquals("Zurich", c.realm());
    assertEquals("op", c.opaque(), "escaped: unescaped, equal, yet read as sent");
    assertNotSame(opaque, c.opaque());
    assertSame(DigestMath.AUTH_INT, c.qop());
    String utf8Realm =
        new String("Z\u00fcrich".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    c =
        DigestCredentials.parse(
            ok.replace("Z\u00fcrich", utf8Realm).getBytes(StandardCharsets.ISO_8859_1),
            realm,
            opaque);
    assertEquals(utf8Realm, c.realm(), "the UTF-8 octets are another realm");
    assertEquals(
        "unknown qop 'AUTH' (expected auth or auth-int)",
        assertThrows(
                Malformed.class,
                () ->
                    DigestCredentials.parse(
                        ok.replace("\"auth\"", "AUTH").getBytes(StandardCharsets.ISO_8859_1),
                        realm,
                        opaque))
            .getMessage(),
        "qop is hashed as sent: only its exact spelling is one of ours");
    assertEquals("unknown algorithm 'MD6'", reason(ok.replace("algorithm=md5", "algorithm=MD6")));
    assertEquals(
        "userhash is 'FALSY' (expected true or false)",
        reason(ok.replace("userhash=FALSE", "userhash=FALSY")));
  }

  @Test
  void namesAreReadInAnyCaseAndEachOnlyOnce() throws Exception {
    DigestCredentials c =
        parse(
            "UserName=\"bob\", REALM=\"r\", Nonce=\"n\", URI=\"/\", Response=\""
                + MD5_RESPONSE
                + "\", QOP=auth, NC=00000002, CNonce=\"c\", Opaque=\"o\", X-Future=1, x-other=2");
    assertEquals("bob", c.username());
    assertEquals("o", c.opaque());
    assertEquals(2, c.ncValue());
    assertEquals(
        "parameter 'nonce' appears twice", reason("username=\"bob\", " + BASE + ", NONCE=n"));
    assertEquals(
        "parameter 'userhash' appears twice",
        reason("username=\"bob\", " + BASE + ", userhash=false, UserHash=false"));
    assertEquals(
        "parameter 'x-future' appears twice",
        reason("username=\"bob\", " + BASE + ", x-future=1, X-Future=1"),
        "an unknown parameter is ignored, but not twice");
    assertEquals(
        "both username and username*",
        reason("username=\"bob\", " + BASE + ", USERNAME*=UTF-8''bob"));
    // Names of the same length and first letter as ours are still other names.
    DigestCredentials shaped =
        parse(
            "usernamf=\"eve\", username=\"bob\", userhasf=true, realq=x, noncf=y, nd=1, "
                + BASE
                + ", Responsf=z, opaquf=\"p\", cnoncf=w, algorithx=SHA-256, usernamf*=q");
    assertEquals("bob", shaped.username());
    assertFalse(shaped.userhash());
    assertEquals("r", shaped.realm());
    assertEquals("n", shaped.nonce());
    assertEquals(MD5_RESPONSE, shaped.response());
    assertEquals(DigestAlgorithm.MD5, shaped.algorithm());
    assertNull(shaped.opaque());
    assertEquals(
        "parameter 'username' appears twice",
        reason("username=\"bob\", " + BASE + ", USERNAME=\"eve\""));
  }

  @Test
  void theRfc2069FormHasNoQopNcOrCnonce() throws Exception {
    DigestCredentials c = parse("username=\"bob\", " + BASE);
    assertNull(c.qop());
    assertNull(c.nc());
    assertEquals("nc without qop", reason("username=\"bob\", " + BASE + ", nc=00000001"));
    assertEquals("cnonce without qop", reason("username=\"bob\", " + BASE + ", cnonce=\"x\""));
    assertEquals(
        "algorithm MD5-sess without qop: a session key needs a cnonce",
        reason("username=\"bob\", " + BASE + ", algorithm=MD5-sess"));
  }

  @Test
  void usernameStarIsDecodedAsUtf8() throws Exception {
    assertEquals(
        "J\u00e4s\u00f8n Doe", parse("username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, " + BASE).username());
    assertEquals(
        "J\u00e4s\u00f8n Doe",
        parse("username*=utf-8'de'J%c3%a4s%c3%b8n%20Doe, " + BASE).username(),
        "charset is case-insensitive, the language is ignored");
    assertEquals(
        "username* uses charset 'ISO-8859-1' (only UTF-8 is accepted)",
        reason("username*=ISO-8859-1''J%E4son, " + BASE));
    assertEquals("username* is not UTF-8", reason("username*=UTF-8''J%E4son, " + BASE));
    assertEquals(
        "username* has a bad percent-encoding at position 8",
        reason("username*=UTF-8''J%C, " + BASE));
    assertEquals(
        "username* is not charset'language'value", reason("username*=J%C3%A4son, " + BASE));
  }

  @Test
  void usernameAndUsernameStarTogetherAreRefused() {
    assertEquals(
        "both username and username*", reason("username=\"a\", username*=UTF-8''a, " + BASE));
    assertEquals("no username", reason(BASE));
    assertEquals("empty username", reason("username=\"\", " + BASE));
  }

  @Test
  void rawUtf8UsernamesAreDecodedAndNormalized() throws Exception {
    // curl sends the octets of its UTF-8 locale; the host gives them one char per octet.
    String decomposed = "Jo\u0301se"; // J o COMBINING-ACUTE s e
    String octets =
        new String(decomposed.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertEquals("J\u00f3se", parse("username=\"" + octets + "\", " + BASE).username(), "NFC");
    assertEquals(
        "username is not UTF-8", reason("username=\"J\u00f3se\", " + BASE), "Latin-1 octet F3");
  }

  @Test
  void hashesAndCountsAreHexToTheirLastDigit() throws Exception {
    String upper = MD5_RESPONSE.toUpperCase();
    String base = "username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"";
    assertEquals(MD5_RESPONSE, parse(base + upper + "\"").response(), "lower-cased");
    assertEquals(
        MD5_RESPONSE,
        parse(base + MD5_RESPONSE.substring(0, 31) + upper.substring(31) + "\"").response(),
        "an upper-case digit at the end");
    assertEquals(
        "response is not 32 hex digits (algorithm MD5)",
        reason(base + MD5_RESPONSE.substring(0, 31) + "g\""));
    assertEquals(
        "response is not 32 hex digits (algorithm MD5)",
        reason(base + MD5_RESPONSE.substring(0, 31) + "G\""));
    String qop = base + MD5_RESPONSE + "\", qop=auth, cnonce=\"c\", nc=";
    assertEquals(0xFFFFFFFFL, parse(qop + "FFFFFFFF").ncValue());
    assertEquals(0xabcdef01L, parse(qop + "abcdef01").ncValue());
    assertEquals("nc 'abcdef0g' is not 8 hex digits", reason(qop + "abcdef0g"));
    assertEquals("nc '+0000001' is not 8 hex digits", reason(qop + "+0000001"));
  }

  @Test
  void userhash() throws Exception {
    String hash = "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b";
    String sha =
        "realm=\"r\", nonce=\"n\", uri=\"/\", algorithm=SHA-512-256, response=\"" + hash + "\"";
    DigestCredentials c = parse("username=\"" + hash.toUpperCase() + "\", userhash=TRUE, " + sha);
    assertTrue(c.userhash());
    assertEquals(hash, c.username(), "lower-cased");
    assertFalse(parse("username=\"x\", userhash=false, " + BASE).userhash());
    assertEquals(
        "userhash is 'yes' (expected true or false)",
        reason("username=\"x\", userhash=yes, " + BASE));
    assertEquals(
        "userhash username is not 64 hex digits (algorithm SHA-512-256)",
        reason("username=\"bob\", userhash=true, " + sha));
    assertEquals(
        "userhash=true with username*: a hashed name is plain hex",
        reason("username*=UTF-8''" + hash + ", userhash=true, " + sha));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "qop=auth, cnonce=\"c\"| qop without nc",
        "qop=auth, nc=1, cnonce=\"c\"| nc '1' is not 8 hex digits",
        "qop=auth, nc=0000000g, cnonce=\"c\"| nc '0000000g' is not 8 hex digits",
        "qop=auth, nc=000000001, cnonce=\"c\"| nc '000000001' is not 8 hex digits",
        "qop=auth, nc=00000000, cnonce=\"c\"| nc 00000000: the count starts at 1",
        "qop=auth, nc=00000001| qop=auth without a cnonce",
        "qop=auth, nc=00000001, cnonce=\"\"| qop=auth without a cnonce",
        "qop=auth-conf, nc=00000001, cnonce=\"c\"| unknown qop 'auth-conf' (expected auth or auth-int)",
        "qop=AUTH, nc=00000001, cnonce=\"c\"| unknown qop 'AUTH' (expected auth or auth-int)",
        "algorithm=SHA-1| unknown algorithm 'SHA-1'",
        "algorithm=SHA-256| response is not 64 hex digits (algorithm SHA-256)",
      })
  void inconsistentFieldsAreRefused(String extra, String reason) {
    assertEquals(reason, reason("username=\"bob\", " + BASE + ", " + extra));
  }

  @Test
  void requiredFields() {
    assertEquals(
        "no realm",
        reason("username=\"bob\", nonce=\"n\", uri=\"/\", response=\"" + MD5_RESPONSE + "\""));
    assertEquals(
        "no nonce",
        reason("username=\"bob\", realm=\"r\", uri=\"/\", response=\"" + MD5_RESPONSE + "\""));
    assertEquals(
        "empty uri",
        reason("username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"\", response=\"x\""));
    assertEquals("no response", reason("username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"/\""));
    assertEquals(
        "response is not 32 hex digits (algorithm MD5)",
        reason(
            "username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"\u0661"
                + MD5_RESPONSE.substring(1)
                + "\""));
  }

  @Test
  void algorithmNamesAreCaseInsensitive() throws Exception {
    assertEquals(
        DigestAlgorithm.SHA_256_SESS,
        parse(
                "username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"/\","
                    + " algorithm=\"sha-256-SESS\", qop=auth, nc=00000001, cnonce=\"c\", response=\""
                    + "0".repeat(64)
                    + "\"")
            .algorithm());
  }
}
