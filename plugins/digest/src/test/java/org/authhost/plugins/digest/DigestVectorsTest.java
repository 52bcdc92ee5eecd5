package org.authhost.plugins.digest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every Digest vector in {@code auth-protocols.md} §3: the published ones (RFC 2617 §3.5, RFC 7616
 * §3.9.1 and §3.9.2) and the derived table (§3.4), through {@link DigestMath} and, where the RFC
 * prints the header, through the parser too.
 */
class DigestVectorsTest {
  private static final DigestAlgorithm MD5 = DigestAlgorithm.MD5;

  private static String ha1(DigestAlgorithm a, String user, String realm, String password) {
    return a.hash((user + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  // --- RFC 2617 §3.5: MD5, qop=auth, password "Circle Of Life" (capital O) ---

  private static final String RFC2617_NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  private static final String RFC2617_HA1 = "939e7578ed9e3c518a452acee763bce9";

  @Test
  void rfc2617Section35() throws Exception {
    assertEquals(RFC2617_HA1, ha1(MD5, "Mufasa", "testrealm@host.com", "Circle Of Life"));
    String ha2 = DigestMath.ha2(MD5, "auth", "GET", "/dir/index.html", null);
    assertEquals("39aff3a2bab6126f332b942af96d3366", ha2);
    assertEquals(
        "6629fae49393a05397450978507c4ef1",
        DigestMath.response(MD5, RFC2617_HA1, RFC2617_NONCE, "00000001", "0a4f113b", "auth", ha2));

    // The header as RFC 2617 §3.5 prints it (its line breaks unfolded) gives the same inputs.
    DigestCredentials c =
        DigestCredentials.parse(
            "username=\"Mufasa\","
                + " realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\","
                + " qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\","
                + " opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    assertEquals(
        c.response(),
        DigestMath.response(
            c.algorithm(),
            RFC2617_HA1,
            c.nonce(),
            c.nc(),
            c.cnonce(),
            c.qop(),
            DigestMath.ha2(c.algorithm(), c.qop(), "GET", c.uri(), null)));
  }

  @Test
  void rfc2617DerivedValues() {
    String ha2 = DigestMath.ha2(MD5, null, "GET", "/dir/index.html", null);
    assertEquals(
        "670fd8c2df070c60b045671b8b24ff02",
        DigestMath.response(MD5, RFC2617_HA1, RFC2617_NONCE, null, null, null, ha2),
        "RFC 2069 form");
    assertEquals(
        "376602cfd2f4e8e5e78b948a85263e85",
        DigestMath.rspauth(
            MD5, RFC2617_HA1, RFC2617_NONCE, "00000001", "0a4f113b", "/dir/index.html"),
        "rspauth");
    // The RFC 7616 spelling of the password gives another response: the two RFCs disagree.
    String lowerO = ha1(MD5, "Mufasa", "testrealm@host.com", "Circle of Life");
    assertEquals(
        "20ae5530a92d6c35dc4a63a4c1affcac",
        DigestMath.response(
            MD5,
            lowerO,
            RFC2617_NONCE,
            "00000001",
            "0a4f113b",
            "auth",
            DigestMath.ha2(MD5, "auth", "GET", "/dir/index.html", null)));
    String noSpaces = ha1(MD5, "Mufasa", "testrealm@host.com", "CircleOfLife");
    assertEquals(
        "1949323746fe6a43ef61f9606e7febea",
        DigestMath.response(MD5, noSpaces, RFC2617_NONCE, null, null, null, ha2),
        "RFC 2069 form, CircleOfLife");
  }

  // --- RFC 7616 §3.9.1: MD5 and SHA-256, password "Circle of Life" (erratum 4495) ---

  private static final String REALM = "http-auth@example.org";
  private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

  @ParameterizedTest
  @CsvSource({
    "MD5, 3d78807defe7de2157e2b0b6573a855f, 39aff3a2bab6126f332b942af96d3366, 8ca523f5e9506fed4657c9700eebdbec",
    "SHA-256, 7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232,"
        + " 9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04,"
        + " 753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
  })
  void rfc7616Section391(String algorithm, String ha1, String ha2, String response)
      throws Exception {
    DigestAlgorithm a = DigestAlgorithm.forToken(algorithm).orElseThrow();
    assertEquals(ha1, ha1(a, "Mufasa", REALM, "Circle of Life"));
    assertEquals(ha2, DigestMath.ha2(a, "auth", "GET", "/dir/index.html", null));
    // The RFC's header, with its quoting, through the parser.
    DigestCredentials c =
        DigestCredentials.parse(
            "username=\"Mufasa\", realm=\"http-auth@example.org\","
                + " uri=\"/dir/index.html\", algorithm="
                + algorithm
                + ", nonce=\""
                + NONCE
                + "\", nc=00000001,"
                + " cnonce=\""
                + CNONCE
                + "\", qop=auth, response=\""
                + response
                + "\","
                + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
    assertEquals(a, c.algorithm());
    assertEquals(
        response, DigestMath.response(a, ha1, c.nonce(), c.nc(), c.cnonce(), c.qop(), ha2));
    assertEquals(response, c.response());
  }

  // --- RFC 7616 §3.9.2: SHA-512-256, charset, userhash ---

  /**
   * The values printed in RFC 7616 §3.9.2 are wrong: they are SHA-512 truncated to 64 hex digits,
   * not SHA-512/256 (erratum 4897). The correct values are FIPS 180-4 SHA-512/256, which JCA's
   * "SHA-512/256" computes; the printed ones are kept as negatives.
   */
  @Test
  void rfc7616Section392WithTheCorrectedValues() throws Exception {
    DigestAlgorithm a = DigestAlgorithm.SHA_512_256;
    String user = "J\u00e4s\u00f8n Doe";
    String realm = "api@example.org";
    String nonce = "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK";
    String cnonce = "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v";
    assertEquals(
        "4a c3a4 73 c3b8 6e 20 44 6f 65".replace(" ", ""),
        HexFormat.of().formatHex(user.getBytes(StandardCharsets.UTF_8)));
    // Primitive sanity check: FIPS 180-4 SHA-512/256("abc").
    assertEquals(
        "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
        a.hash("abc".getBytes(StandardCharsets.US_ASCII)));

    String userhash = a.hash((user + ":" + realm).getBytes(StandardCharsets.UTF_8));
    assertEquals("793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", userhash);
    assertNotEquals(
        "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec",
        userhash,
        "the userhash printed in RFC 7616 is truncated SHA-512, not SHA-512/256");

    String ha1 = ha1(a, user, realm, "Secret, or not?");
    assertEquals("2d3d9f12c9f3d30011259dc5fecee005ae24de40e3e1f61806d03e65f1e6024f", ha1);
    String ha2 = DigestMath.ha2(a, "auth", "GET", "/doe.json", null);
    assertEquals("1734b070bafdeb53ae52f93659427bb4bc545e2ef4d5e74ba247dad4861b4634", ha2);
    String response = DigestMath.response(a, ha1, nonce, "00000001", cnonce, "auth", ha2);
    assertEquals("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5", response);
    assertNotEquals(
        "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd",
        response,
        "the response printed in RFC 7616 is truncated SHA-512, not SHA-512/256");

    // The same request with userhash and with username*: the response does not change, because
    // HA1 always uses the real name; both headers parse to what the formulas need.
    String tail =
        ", realm=\"api@example.org\", uri=\"/doe.json\", algorithm=SHA-512-256, nonce=\""
            + nonce
            + "\", nc=00000001, cnonce=\""
            + cnonce
            + "\", qop=auth, response=\""
            + response
            + "\","
            + " opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\"";
    DigestCredentials hashed =
        DigestCredentials.parse("username=\"" + userhash + "\", userhash=true" + tail);
    assertEquals(userhash, hashed.username());
    assertEquals(true, hashed.userhash());
    DigestCredentials extended =
        DigestCredentials.parse("username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, userhash=false" + tail);
    assertEquals(user, extended.username());
    assertEquals(response, extended.response());
  }

  // --- auth-protocols.md §3.4: derived from the §3.9.1 inputs ---

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "MD5, 3d78807defe7de2157e2b0b6573a855f, 8ca523f5e9506fed4657c9700eebdbec, 9b712497bc9f91499fbcca1dfc5f09a5,"
        + " e783283f46242139c486a698fec7211d, 8804a53d3640a40a4f73cea12c5ba451, 4b5d595ecf2db9df612ea5b45cd97101,"
        + " 7b2cc3b30e75b4777ea31027084363fd",
    "SHA-256, 7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232,"
        + " 753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1,"
        + " 86d3b25618d41854ca5039a5d7e53ff6355d5134a9b1fb088a78ac3c462195a0,"
        + " 2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7,"
        + " 8bdf6f15638e260831e905028de5450562816d093c9bfc5c13d3a46adcdde940,"
        + " 8c8db27f49ff1c202f9fb49fa9d2e9eabf078dcc93db40dfd6527010091d1c8e,"
        + " a1306b0595a6c7fe96c448631fb5cfbd5107bd1fe1da729d978dd7446b812363",
    "SHA-512-256, fb174f5c3c7802721517cae13b98e2b8dae2e0118cb705d94ee29946319204ce,"
        + " 430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0,"
        + " c8f9593a4f49b95ce2c483cc3222ecd360a5c6ec52ca24a530b0aac18478de8c,"
        + " 3f2a34f923c38b0fb26dce2fdfc2ce326c23cecf86fbb1444f3e51fbbc2cb92e,"
        + " 38244c4d345d09bb0000b355be27d2a55003ee188df9821c54df70a63aa0c1ca,"
        + " c70be613fc833a6fd44d48f13b0ae4431b234f5a5c232c4f817c08d99be9485e,"
        + " 93e9122020ea0624d2ca801426d5bfbeb93d10ff4cc24cb410af3920fa4730e7",
  })
  void derivedTable(
      String algorithm,
      String ha1,
      String response,
      String rspauth,
      String sess,
      String authInt,
      String nc2,
      String noQop) {
    DigestAlgorithm a = DigestAlgorithm.forToken(algorithm).orElseThrow();
    String uri = "/dir/index.html";
    assertEquals(ha1, ha1(a, "Mufasa", REALM, "Circle of Life"));
    String ha2 = DigestMath.ha2(a, "auth", "GET", uri, null);
    if (a == DigestAlgorithm.SHA_512_256) {
      assertEquals("c2cc924c647b13c41e0fb8825bdaa97d0a1f2a7afb15e1e03c994229b20e1c92", ha2);
    }
    assertEquals(
        response, DigestMath.response(a, ha1, NONCE, "00000001", CNONCE, "auth", ha2), "response");
    assertEquals(rspauth, DigestMath.rspauth(a, ha1, NONCE, "00000001", CNONCE, uri), "rspauth");

    DigestAlgorithm session = DigestAlgorithm.forToken(algorithm + "-sess").orElseThrow();
    String sessionHa1 = DigestMath.sessionHa1(session, ha1, NONCE, CNONCE);
    assertEquals(
        sess,
        DigestMath.response(
            session,
            sessionHa1,
            NONCE,
            "00000001",
            CNONCE,
            "auth",
            DigestMath.ha2(session, "auth", "GET", uri, null)),
        "-sess");

    String emptyBody = a.hash(new byte[0]);
    assertEquals(
        authInt,
        DigestMath.response(
            a,
            ha1,
            NONCE,
            "00000001",
            CNONCE,
            "auth-int",
            DigestMath.ha2(a, "auth-int", "GET", uri, emptyBody)),
        "auth-int, empty body");
    assertEquals(
        nc2, DigestMath.response(a, ha1, NONCE, "00000002", CNONCE, "auth", ha2), "nc=00000002");
    assertEquals(
        noQop,
        DigestMath.response(
            a, ha1, NONCE, null, null, null, DigestMath.ha2(a, null, "GET", uri, null)),
        "no qop (RFC 2069)");
  }
}
