package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The client side of Digest, written independently of the plug-in's formulas (only the hash
 * primitive is shared), so that the end-to-end tests check the server against a second opinion.
 */
final class TestClient {
  final Map<String, String> challenge;
  final String user;
  String password;
  String cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  boolean userhash;
  boolean usernameStar;

  /** Parameters to replace in the header (a {@code null} value removes one). */
  final Map<String, String> overrides = new LinkedHashMap<>();

  TestClient(String challengeLine, String user, String password) {
    try {
      this.challenge = DigestParams.parse(challengeLine);
    } catch (Malformed e) {
      throw new AssertionError("the plug-in's own challenge does not parse: " + e.getMessage(), e);
    }
    this.user = user;
    this.password = password;
  }

  String algorithmToken() {
    return challenge.getOrDefault("algorithm", "MD5");
  }

  private String h(String text) {
    return DigestAlgorithm.forToken(algorithmToken())
        .orElseThrow()
        .hash(text.getBytes(StandardCharsets.UTF_8));
  }

  private String ha1() {
    String ha1 = h(user + ":" + challenge.get("realm") + ":" + password);
    if (algorithmToken().toLowerCase().endsWith("-sess")) {
      ha1 = h(ha1 + ":" + challenge.get("nonce") + ":" + cnonce);
    }
    return ha1;
  }

  /** The header text after "Digest " for one request; {@code qop == null} is the RFC 2069 form. */
  String header(String method, String uri, String qop, long nc) {
    String ncText = String.format("%08x", nc);
    String ha2 =
        "auth-int".equals(qop) ? h(method + ":" + uri + ":" + h("")) : h(method + ":" + uri);
    String nonce = challenge.get("nonce");
    String response =
        qop == null
            ? h(ha1() + ":" + nonce + ":" + ha2)
            : h(ha1() + ":" + nonce + ":" + ncText + ":" + cnonce + ":" + qop + ":" + ha2);
    Map<String, String> p = new LinkedHashMap<>();
    if (userhash) {
      p.put("username", q(h(user + ":" + challenge.get("realm"))));
      p.put("userhash", "true");
    } else if (usernameStar) {
      p.put("username*", "UTF-8''" + percentEncode(user));
    } else {
      // Raw UTF-8 octets, as curl sends them; the host hands them over one char per octet.
      p.put(
          "username",
          q(new String(user.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
    }
    p.put("realm", q(challenge.get("realm")));
    p.put("nonce", q(nonce));
    p.put("uri", q(uri));
    p.put("algorithm", algorithmToken());
    if (qop != null) {
      p.put("qop", qop);
      p.put("nc", ncText);
      p.put("cnonce", q(cnonce));
    }
    p.put("response", q(response));
    p.put("opaque", q(challenge.get("opaque")));
    p.putAll(overrides);
    StringJoiner j = new StringJoiner(", ");
    p.forEach(
        (k, v) -> {
          if (v != null) {
            j.add(k + "=" + v);
          }
        });
    return j.toString();
  }

  /** The rspauth the server must send for a qop=auth request. */
  String expectedRspauth(String uri, long nc) {
    return h(
        ha1()
            + ":"
            + challenge.get("nonce")
            + ":"
            + String.format("%08x", nc)
            + ":"
            + cnonce
            + ":auth:"
            + h(":" + uri));
  }

  static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String percentEncode(String s) {
    StringBuilder b = new StringBuilder();
    for (byte octet : s.getBytes(StandardCharsets.UTF_8)) {
      int c = octet & 0xFF;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        b.append((char) c);
      } else {
        b.append(String.format("%%%02X", c));
      }
    }
    return b.toString();
  }
}
