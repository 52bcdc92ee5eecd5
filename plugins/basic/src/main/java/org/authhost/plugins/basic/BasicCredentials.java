package org.authhost.plugins.basic;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Base64;

/**
 * The user-id and password of a Basic response (RFC 7617 §2): base64 of {@code user-id ":"
 * password}, split on the first colon, decoded as UTF-8 (the challenge says {@code
 * charset="UTF-8"}) and normalized to NFC as §2.1 asks.
 *
 * @param userId the user-id, never containing a colon
 * @param password the password, which may
 */
record BasicCredentials(String userId, String password) {

  /** Why a response is not Basic credentials; the text goes into the audit event. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  static BasicCredentials parse(byte[] token68) throws Malformed {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(token68);
    } catch (IllegalArgumentException e) {
      throw new Malformed("the credentials are not base64");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(decoded))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Malformed("the credentials are not UTF-8");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new Malformed("the credentials have no ':' between user-id and password");
    }
    String userId = Normalizer.normalize(text.substring(0, colon), Normalizer.Form.NFC);
    if (userId.isEmpty()) {
      throw new Malformed("the user-id is empty");
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw new Malformed("the credentials contain a control character");
      }
    }
    return new BasicCredentials(
        userId, Normalizer.normalize(text.substring(colon + 1), Normalizer.Form.NFC));
  }

  @Override
  public String toString() {
    return "BasicCredentials[" + userId + ", password hidden]";
  }
}
