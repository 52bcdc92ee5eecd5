package org.authhost.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 7616 Digest, the client side: answers the plug-in's challenge for one account. */
final class DigestClient implements ContractClient {
  private static final Pattern PARAM =
      Pattern.compile("([A-Za-z0-9*-]+)\\s*=\\s*(\"([^\"]*)\"|[^,\\s]+)");
  private final String user;
  private final String password;

  DigestClient(String user, String password) {
    this.user = user;
    this.password = password;
  }

  @Override
  public byte[] respond(int leg, byte[] challenge) {
    if (leg == 0) {
      return new byte[0];
    }
    if (leg > 1) {
      return null;
    }
    String text = new String(challenge, StandardCharsets.ISO_8859_1);
    if (text.regionMatches(true, 0, "Digest ", 0, 7)) {
      text = text.substring(7);
    }
    Map<String, String> c = new HashMap<>();
    Matcher m = PARAM.matcher(text);
    while (m.find()) {
      c.put(m.group(1).toLowerCase(Locale.ROOT), m.group(3) != null ? m.group(3) : m.group(2));
    }
    String nonce = c.get("nonce");
    assertNotNull(nonce, "a Digest challenge with a nonce: " + text);
    String algorithm = c.getOrDefault("algorithm", "MD5");
    String uri = "/vod/kit.wmv";
    String cnonce = "0a4f113b";
    String nc = "00000001";
    String ha1 = h(algorithm, user + ":" + c.get("realm") + ":" + password);
    String ha2 = h(algorithm, "GET:" + uri);
    String response = h(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
    String answer =
        "username=\""
            + user
            + "\", realm=\""
            + c.get("realm")
            + "\", nonce=\""
            + nonce
            + "\", uri=\""
            + uri
            + "\", algorithm="
            + algorithm
            + ", qop=auth, nc="
            + nc
            + ", cnonce=\""
            + cnonce
            + "\", response=\""
            + response
            + "\""
            + (c.containsKey("opaque") ? ", opaque=\"" + c.get("opaque") + "\"" : "");
    return answer.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String h(String algorithm, String text) {
    try {
      MessageDigest md =
          MessageDigest.getInstance(algorithm.equalsIgnoreCase("SHA-256") ? "SHA-256" : "MD5");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
