package org.authhost.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the kit runs your plug-in: what it needs to reach {@code SUCCESS} (a client, accounts in the
 * kit's account store), the plug-in's properties, and the kit's limits. Immutable; each {@code
 * with...} returns a new one. WMS counterpart: the plug-in's registration ({@code IWMSNamedValues}
 * properties) and the test accounts of a Windows Media server.
 */
public final class KitOptions {
  /** The seed of the random client blobs when none is given: fixed, so two runs send the same. */
  public static final long DEFAULT_SEED = org.authhost.host.kit.KitOptions.DEFAULT_SEED;

  private final org.authhost.host.kit.KitOptions host;

  private KitOptions(org.authhost.host.kit.KitOptions host) {
    this.host = host;
  }

  /** Limits of 5 s per call and callback, 2000 blobs, the default seed, no client. */
  public static KitOptions defaults() {
    return new KitOptions(org.authhost.host.kit.KitOptions.defaults());
  }

  /** An account (name and password) in the kit's throwaway account store. */
  public KitOptions withAccount(String name, String password) {
    return new KitOptions(host.withAccount(name, password));
  }

  /**
   * The client's response for each leg, leg 0 first, whatever the challenge, the same for every
   * exchange: for protocols whose successful exchange does not depend on it and may be sent again
   * (Basic, an API key). With one-time proofs, what the kit cannot ask with them (a kept context's
   * next proof, service failures behind the replay check) is reported NOT_EXERCISED: use {@link
   * #withClient}.
   */
  public KitOptions withResponses(List<byte[]> legs) {
    return new KitOptions(host.withResponses(legs));
  }

  /** Your protocol's client, for challenge/response protocols (Digest, NTLM, ...). */
  public KitOptions withClient(ContractClient client) {
    return new KitOptions(host.withClient(client::respond));
  }

  /**
   * A client of another account (give it with {@link #withAccount} too), for a plug-in that
   * declares {@code REVERIFYING_CONTEXT} (API 1.7): its exchange on the first account's SUCCESS
   * context must never get the first account's token. Without it that part is NOT_EXERCISED; a
   * client proving {@link #withClient}'s account makes the check throw IllegalArgumentException
   * naming the account.
   */
  public KitOptions withOtherClient(ContractClient client) {
    return new KitOptions(host.withOtherClient(client::respond));
  }

  /** A named value of the plug-in (its {@code properties} in host.json). */
  public KitOptions withProperty(String name, String value) {
    return new KitOptions(host.withProperty(name, value));
  }

  /** How many malformed and random client blobs to send (default 2000). */
  public KitOptions withBlobs(int count) {
    return new KitOptions(host.withBlobs(count));
  }

  /** The seed of the random blobs; every report prints it, so a failure can be repeated. */
  public KitOptions withSeed(long seed) {
    return new KitOptions(host.withSeed(seed));
  }

  /** The host's limits for one call into the plug-in and for its callback after Authenticate. */
  public KitOptions withTimeouts(Duration call, Duration callback) {
    return new KitOptions(host.withTimeouts(call, callback));
  }

  /** How long threads may take to end and the class loader to be collected after shutdown. */
  public KitOptions withCleanupBudget(Duration budget) {
    return new KitOptions(host.withCleanupBudget(budget));
  }

  public Duration callTimeout() {
    return host.callTimeout();
  }

  public Duration callbackTimeout() {
    return host.callbackTimeout();
  }

  public int blobs() {
    return host.blobs();
  }

  public long seed() {
    return host.seed();
  }

  public Map<String, String> properties() {
    return host.properties();
  }

  public Map<String, String> accounts() {
    return host.accounts();
  }

  public Duration cleanupBudget() {
    return host.cleanupBudget();
  }

  org.authhost.host.kit.KitOptions toHost() {
    return host;
  }

  @Override
  public String toString() {
    return "KitOptions{blobs="
        + blobs()
        + ", seed="
        + seed()
        + ", accounts="
        + accounts().keySet()
        + ", properties="
        + properties().keySet()
        + ", client="
        + (host.client() != null)
        + ", otherClient="
        + (host.otherClient() != null)
        + "}";
  }
}
