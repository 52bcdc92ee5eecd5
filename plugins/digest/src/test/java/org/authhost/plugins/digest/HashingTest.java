package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The octets a request hashes: what the string formulas would have hashed, whatever the length. */
class HashingTest {
  private static String expected(String jca, byte[] octets) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(jca).digest(octets));
  }

  @Test
  void textIsHashedAsItsIso88591OctetsAtAnyLength() throws Exception {
    String uri = "/media/" + "seg\u00e9-".repeat(400) + ".ts";
    assertEquals(
        expected("MD5", ("GET:" + uri).getBytes(StandardCharsets.ISO_8859_1)),
        Hashing.of(DigestAlgorithm.MD5).text("GET").colon().text(uri).digestHex(),
        "a URI longer than the buffer");
    assertEquals(
        expected("SHA-256", "a?b".getBytes(StandardCharsets.ISO_8859_1)),
        Hashing.of(DigestAlgorithm.SHA_256).text("a\u20acb").digestHex(),
        "a char no header carries becomes '?', as getBytes(ISO_8859_1) makes it");
    assertEquals(
        expected("MD5", "short".getBytes(StandardCharsets.ISO_8859_1)),
        Hashing.of(DigestAlgorithm.MD5).text("short").digestHex(),
        "the grown buffer starts empty again");
  }

  @Test
  void innerHashesAreWrittenAsLowerCaseHex() throws Exception {
    byte[] inner = MessageDigest.getInstance("MD5").digest(new byte[] {1, 2, 3});
    String hex = HexFormat.of().formatHex(inner);
    assertEquals(
        expected("MD5", (hex + ":n").getBytes(StandardCharsets.US_ASCII)),
        Hashing.of(DigestAlgorithm.MD5).hex(inner).colon().text("n").digestHex());
  }

  @Test
  void theComparisonIsOfTheWholeHexValue() throws Exception {
    String right = expected("SHA-256", "x".getBytes(StandardCharsets.US_ASCII));
    assertTrue(Hashing.of(DigestAlgorithm.SHA_256).text("x").digestEqualsHex(right));
    assertFalse(
        Hashing.of(DigestAlgorithm.SHA_256)
            .text("x")
            .digestEqualsHex(right.substring(0, 63) + (right.endsWith("0") ? "1" : "0")));
    assertFalse(Hashing.of(DigestAlgorithm.SHA_256).text("x").digestEqualsHex(right.substring(2)));
    assertFalse(
        Hashing.of(DigestAlgorithm.SHA_256).text("x").digestEqualsHex(right.toUpperCase()),
        "the client's response is lower-cased before it gets here");
  }

  @Test
  void theRememberedA2sAreThoseOfTheMethodUriAndAlgorithmAsked() throws Exception {
    // Each call changes one part of the key; a memory keyed by less would answer with the
    // previous request's A2.
    String[][] asks = {
      {"MD5", "GET", "/a"},
      {"MD5", "GET", "/a"},
      {"MD5", "HEAD", "/a"},
      {"MD5", "HEAD", "/b"},
      {"SHA-256", "HEAD", "/b"},
      {"MD5", "HEAD", "/b"},
    };
    for (String[] ask : asks) {
      DigestAlgorithm algorithm =
          ask[0].equals("MD5") ? DigestAlgorithm.MD5 : DigestAlgorithm.SHA_256;
      Hashing h = Hashing.of(algorithm);
      String what = String.join(" ", ask);
      assertEquals(
          expected(ask[0], (ask[1] + ":" + ask[2]).getBytes(StandardCharsets.ISO_8859_1)),
          HexFormat.of().formatHex(h.requestA2(ask[1], ask[2])),
          what);
      assertEquals(
          expected(ask[0], (":" + ask[2]).getBytes(StandardCharsets.ISO_8859_1)),
          HexFormat.of().formatHex(h.rspauthA2(ask[1], ask[2])),
          what);
      assertEquals(
          expected(ask[0], "x".getBytes(StandardCharsets.US_ASCII)),
          h.text("x").digestHex(),
          "the buffer is empty after a remembered A2: " + what);
    }
  }

  @Test
  void theResponseAndRspauthShareTheirInputUpToHa2AndAnA2IsNeverHashedAfterIt() throws Exception {
    Hashing h = Hashing.of(DigestAlgorithm.MD5);
    byte[] ha1 = MessageDigest.getInstance("MD5").digest("u:r:p".getBytes(StandardCharsets.UTF_8));
    byte[] ha2 = h.requestA2("GET", "/shared");
    byte[] rspauthA2 = h.rspauthA2("GET", "/shared");
    int shared = DigestMath.responsePrefix(h, ha1, "n", "00000001", "c", "auth").length();
    byte[] response = h.hex(ha2).digestKeeping(shared);
    byte[] rspauth = h.hex(rspauthA2).digest();
    assertEquals(
        DigestMath.response(
            DigestAlgorithm.MD5,
            HexFormat.of().formatHex(ha1),
            "n",
            "00000001",
            "c",
            "auth",
            HexFormat.of().formatHex(ha2)),
        HexFormat.of().formatHex(response));
    assertEquals(
        DigestMath.rspauth(
            DigestAlgorithm.MD5, HexFormat.of().formatHex(ha1), "n", "00000001", "c", "/shared"),
        HexFormat.of().formatHex(rspauth));

    Hashing written = Hashing.of(DigestAlgorithm.MD5);
    written.text("half a response:");
    assertThrows(IllegalStateException.class, () -> written.requestA2("GET", "/another"));
  }
}
