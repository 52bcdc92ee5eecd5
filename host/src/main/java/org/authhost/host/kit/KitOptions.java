package org.authhost.host.kit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the kit runs a plug-in.
 *
 * @param callTimeout the host's limit for one call into the plug-in ({@code callTimeoutMillis})
 * @param callbackTimeout the host's limit for {@code OnAuthenticateComplete} after {@code
 *     Authenticate} returned ({@code callbackTimeoutMillis})
 * @param blobs how many malformed and random client blobs to send
 * @param seed the seed of those blobs; the report prints it so a failure can be repeated
 * @param properties the plug-in's named values (its {@code properties} in host.json)
 * @param accounts accounts the kit's throwaway account store holds (name to password), besides the
 *     built-in Administrator and Guest
 * @param client the protocol client that reaches {@code SUCCESS}, or null
 * @param otherClient a client of another account that reaches {@code SUCCESS}, or null: for a
 *     plug-in that declares {@code REVERIFYING_CONTEXT} (API 1.7), its credentials on the first
 *     account's SUCCESS context must never get the first account's token
 * @param cleanupBudget how long leftover threads may take to end and the class loader to be
 *     collected after shutdown; the garbage collector is asked again and again within it
 */
public record KitOptions(
    Duration callTimeout,
    Duration callbackTimeout,
    int blobs,
    long seed,
    Map<String, String> properties,
    Map<String, String> accounts,
    ContractClient client,
    ContractClient otherClient,
    Duration cleanupBudget) {

  /** The seed when none is given: fixed, so two runs send the same blobs. */
  public static final long DEFAULT_SEED = 0x5EED_2026L;

  public KitOptions {
    properties = Map.copyOf(properties);
    accounts = Map.copyOf(accounts);
    if (blobs < 0) {
      throw new IllegalArgumentException("blobs must be >= 0");
    }
  }

  /** Limits of 5 s, 2000 blobs, the default seed, no properties, no client. */
  public static KitOptions defaults() {
    return new KitOptions(
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        2000,
        DEFAULT_SEED,
        Map.of(),
        Map.of(),
        null,
        null,
        Duration.ofSeconds(20));
  }

  public KitOptions withTimeouts(Duration call, Duration callback) {
    return new KitOptions(
        call, callback, blobs, seed, properties, accounts, client, otherClient, cleanupBudget);
  }

  public KitOptions withBlobs(int count) {
    return new KitOptions(
        callTimeout,
        callbackTimeout,
        count,
        seed,
        properties,
        accounts,
        client,
        otherClient,
        cleanupBudget);
  }

  public KitOptions withSeed(long newSeed) {
    return new KitOptions(
        callTimeout,
        callbackTimeout,
        blobs,
        newSeed,
        properties,
        accounts,
        client,
        otherClient,
        cleanupBudget);
  }

  public KitOptions withProperty(String name, String value) {
    Map<String, String> p = new LinkedHashMap<>(properties);
    p.put(name, value);
    return new KitOptions(
        callTimeout, callbackTimeout, blobs, seed, p, accounts, client, otherClient, cleanupBudget);
  }

  public KitOptions withAccount(String name, String password) {
    Map<String, String> a = new LinkedHashMap<>(accounts);
    a.put(name, password);
    return new KitOptions(
        callTimeout,
        callbackTimeout,
        blobs,
        seed,
        properties,
        a,
        client,
        otherClient,
        cleanupBudget);
  }

  public KitOptions withClient(ContractClient protocolClient) {
    return new KitOptions(
        callTimeout,
        callbackTimeout,
        blobs,
        seed,
        properties,
        accounts,
        protocolClient,
        otherClient,
        cleanupBudget);
  }

  /**
   * A client that sends {@code legs} in order, whatever the challenge (leg 0 first), and nothing
   * after the last: for protocols whose successful exchange does not depend on the challenge.
   */
  public KitOptions withResponses(List<byte[]> legs) {
    return withClient(new FixedResponses(legs));
  }

  /**
   * A client of another account than {@link #client}'s (give that account with {@link #withAccount}
   * too), for the rule of {@code REVERIFYING_CONTEXT}: without it that part is not exercised.
   */
  public KitOptions withOtherClient(ContractClient protocolClient) {
    return new KitOptions(
        callTimeout,
        callbackTimeout,
        blobs,
        seed,
        properties,
        accounts,
        client,
        protocolClient,
        cleanupBudget);
  }

  public KitOptions withCleanupBudget(Duration budget) {
    return new KitOptions(
        callTimeout,
        callbackTimeout,
        blobs,
        seed,
        properties,
        accounts,
        client,
        otherClient,
        budget);
  }
}
