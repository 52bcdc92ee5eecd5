package org.authhost.host.kit;

/**
 * The author's client side of the plug-in's protocol, so the kit can reach {@code SUCCESS} and
 * check the token rules on the success path; the kit itself knows no protocol. WMS counterpart: the
 * player answering the server's {@code ChallengeBlob}.
 */
@FunctionalInterface
public interface ContractClient {
  /**
   * The client's next response blob.
   *
   * @param leg 0 for the first leg, then 1, 2, ...
   * @param challenge the plug-in's last challenge (empty on the first leg)
   */
  byte[] respond(int leg, byte[] challenge);
}
