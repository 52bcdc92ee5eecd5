package org.authhost.testkit;

/**
 * Your protocol's client side, so the kit can reach {@code SUCCESS} and check the token rules and
 * the host-service failures on the success path; the kit itself knows no protocol. WMS counterpart:
 * the player answering the server's {@code ChallengeBlob} ({@code IWMSAuthenticationContext::
 * Authenticate}, ms746178).
 */
@FunctionalInterface
public interface ContractClient {
  /**
   * The client's next response blob, or null to stop.
   *
   * @param leg 0 for the first leg, then 1, 2, ...
   * @param challenge the plug-in's last challenge (empty on the first leg)
   */
  byte[] respond(int leg, byte[] challenge);
}
