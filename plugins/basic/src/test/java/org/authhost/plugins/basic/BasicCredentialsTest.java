package org.authhost.plugins.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** RFC 7617 parsing, with the vectors from the RFC and from curl. */
class BasicCredentialsTest {
  private static BasicCredentials parse(String token) throws BasicCredentials.Malformed {
    return BasicCredentials.parse(token.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void theRfcExampleSplitsOnTheFirstColon() throws Exception {
    assertEquals(
        new BasicCredentials("Aladdin", "open sesame"), parse("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
  }

  @Test
  void utf8IsTheCharset() throws Exception {
    // RFC 7617 §2.1: test / 123£ in UTF-8.
    assertEquals(new BasicCredentials("test", "123£"), parse("dGVzdDoxMjPCow=="));
    // curl in a UTF-8 shell: Jäsøn Doe / Secret, or not?
    assertEquals(
        new BasicCredentials("Jäsøn Doe", "Secret, or not?"),
        parse("SsOkc8O4biBEb2U6U2VjcmV0LCBvciBub3Q/"));
  }

  @Test
  void aPasswordMayContainColons() throws Exception {
    String token = Base64.getEncoder().encodeToString("bob:a:b:c".getBytes(StandardCharsets.UTF_8));
    assertEquals(new BasicCredentials("bob", "a:b:c"), parse(token));
  }

  @Test
  void malformedCredentialsSayWhy() {
    assertEquals(
        "the credentials are not base64",
        assertThrows(BasicCredentials.Malformed.class, () -> parse("!!!")).getMessage());
    // Latin-1 "123£" is not UTF-8.
    assertEquals(
        "the credentials are not UTF-8",
        assertThrows(BasicCredentials.Malformed.class, () -> parse("dGVzdDoxMjOj")).getMessage());
    assertEquals(
        "the credentials have no ':' between user-id and password",
        assertThrows(BasicCredentials.Malformed.class, () -> parse("Ym9i")).getMessage());
    assertEquals(
        "the user-id is empty",
        assertThrows(BasicCredentials.Malformed.class, () -> parse("OnB3")).getMessage());
  }

  @Test
  void theDecompositionOfAnAccentIsNormalizedToNfc() throws Exception {
    String decomposed = "Jo\u0065\u0301l:pw";
    String token = Base64.getEncoder().encodeToString(decomposed.getBytes(StandardCharsets.UTF_8));
    assertEquals("Jo\u00e9l", parse(token).userId());
  }
}
