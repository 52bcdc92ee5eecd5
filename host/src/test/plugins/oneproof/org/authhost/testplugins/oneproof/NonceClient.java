package org.authhost.testplugins.oneproof;

import java.nio.charset.StandardCharsets;

/**
 * The client side of {@link OneProofPlugin} with {@code challenge=nonce}: an empty leg 0, then a
 * proof for its account on the nonce of the plug-in's challenge, as {@code --client CLASS=ACCOUNT}
 * and {@code withClient} take it.
 */
public final class NonceClient {
  private final String account;

  public NonceClient(String account) {
    this.account = account;
  }

  public byte[] respond(int leg, byte[] challenge) {
    if (leg == 0) {
      return new byte[0];
    }
    String nonce = new String(challenge, StandardCharsets.ISO_8859_1);
    return leg == 1 && nonce.startsWith("nonce=")
        ? (account + ":" + nonce.substring("nonce=".length())).getBytes(StandardCharsets.ISO_8859_1)
        : null;
  }
}
