package org.authhost.host.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed-URL queries in the signed-url plug-in's own format, as the README's Java example signs.
 */
public final class SignedLinks {
  private SignedLinks() {}

  /** The base64url HMAC-SHA256 of prefix, expiry and address ({@code null}: not bound). */
  public static String signature(String secret, String prefix, long expires, String address)
      throws Exception {
    String message = prefix + "\n" + expires + "\n" + (address == null ? "" : address);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
  }

  /** The query a platform appends to the link. */
  public static String query(String key, String secret, String prefix, long expires, String address)
      throws Exception {
    return "ah_prefix="
        + prefix
        + "&ah_exp="
        + expires
        + (address == null ? "" : "&ah_ip=" + address)
        + "&ah_key="
        + key
        + "&ah_sig="
        + signature(secret, prefix, expires, address);
  }
}
