package org.authhost.testplugins.oneproof;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The client side of {@link OneProofPlugin}: a fresh one-time proof for its account on every
 * exchange, as the command line's {@code --client CLASS=ACCOUNT} and JUnit's {@code withClient}
 * take it (the kit calls it concurrently, hence no state but the account).
 */
public final class ProofClient {
  private final String account;

  public ProofClient(String account) {
    this.account = account;
  }

  public byte[] respond(int leg, byte[] challenge) {
    return leg == 0
        ? (account + ":" + UUID.randomUUID()).getBytes(StandardCharsets.ISO_8859_1)
        : null;
  }
}
