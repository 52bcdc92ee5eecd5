package org.authhost.plugins.bearer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The token in what the host hands the plug-in: the {@code Authorization: Bearer} header's token as
 * it is, or (API 1.4, when the operator names a query parameter in {@code
 * plugins.settings.bearer.urlCredentials}, RFC 6750 §2.3) that parameter as {@code name=value}, its
 * value still percent-encoded. A JWT never contains {@code =} (base64url without padding, parts
 * joined by {@code .}), so a {@code =} says which of the two it is.
 *
 * @param token the compact JWT, or null when {@code problem} says why there is none
 * @param problem why the blob carries no usable token (the client's {@code error_description})
 */
record PresentedToken(String token, String problem) {

  static PresentedToken of(String blob) {
    if (blob.indexOf('=') < 0) {
      return new PresentedToken(blob, null);
    }
    // name=value pairs joined by '&': one per parameter the URL carries (see UrlCredentials).
    if (blob.indexOf('&') >= 0) {
      return new PresentedToken(null, "the URL carries more than one token parameter");
    }
    String value = blob.substring(blob.indexOf('=') + 1);
    String decoded = percentDecoded(value);
    if (decoded == null) {
      return new PresentedToken(null, "the token parameter is not percent-encoded correctly");
    }
    if (decoded.isBlank()) {
      return new PresentedToken(null, "the token parameter is empty");
    }
    return new PresentedToken(decoded.strip(), null);
  }

  /** RFC 3986 percent-decoding ({@code +} stays a plus); null for a broken escape or non-UTF-8. */
  private static String percentDecoded(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '%') {
        bytes.write(c);
        continue;
      }
      if (i + 2 >= value.length()) {
        return null;
      }
      int hi = Character.digit(value.charAt(i + 1), 16);
      int lo = Character.digit(value.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
