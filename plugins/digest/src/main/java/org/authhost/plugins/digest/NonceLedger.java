package org.authhost.plugins.digest;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;

/**
 * What the plug-in remembers about its nonces, kept in the host's {@link StateService} rather than
 * in the plug-in's objects, so that a new version of the plug-in (or another node on a shared
 * store) accepts the nonces this one issued and refuses the counts it already accepted.
 *
 * <p>Each check is one atomic operation of the store, never a read followed by a write, so that two
 * requests racing on two threads, versions or hosts cannot both win:
 *
 * <ul>
 *   <li>a count of a qop response: {@code claimInWindow("nc/<nonce>", count, 1024)}, first caller
 *       only: one entry per nonce, however many counts its client uses (a count that falls {@link
 *       #NC_WINDOW} or more below the highest is {@link Use#TOO_OLD}); the RFC 2069 form over HTTP,
 *       which has no count, uses count 1, so its nonce is good once;
 *   <li>an RFC 2069 nonce over RTSP: {@code getOrPut("conn/<nonce>", binding)}, where the binding
 *       names the connection and the account; the first use binds it, every later use must bring
 *       the same binding ({@link #bind});
 *   <li>the same nonce and an RTSP {@code Session}: {@code getOrPut("session/<nonce>", session)};
 *   <li>one {@code nextnonce} per nonce: {@code claim("next/<nonce>")}.
 * </ul>
 *
 * <p>Every entry lives until the nonce's lifetime is over ({@link NonceService#remembrance}), after
 * which the nonce itself is refused as expired: nothing is kept longer than needed and nothing is
 * forgotten while it still matters. A store that fails answers {@link Use#FAILED}: the plug-in
 * answers ERROR, never accepts what it could not record.
 *
 * <p>Thread-safe: it holds no state of its own. Uses the asynchronous operations, since the plug-in
 * is {@code non-blocking} and a shared store is a network round trip.
 */
final class NonceLedger {
  /** The key of the nonce secret and epoch. */
  static final String SECRETS_KEY = "nonce-key";

  /**
   * How long the secret is kept: as long as the store allows in practice. When it does expire the
   * next enable writes a new epoch, so outstanding nonces earn {@code stale=true}: safe, and rare.
   */
  static final Duration SECRETS_TTL = Duration.ofDays(3650);

  /**
   * How many counts up to the highest the window of a nonce knows. Any count not yet seen inside it
   * is accepted, in any order: a client that spreads one nonce over parallel keep-alive connections
   * (a player fetching segments, a load tool) sends its counts out of order, a count falling behind
   * by as many requests as the other connections complete meanwhile. Jetty keeps the same 1,024;
   * the peer benchmark uses 1,000 counts per nonce, so all of them fit whatever their order. The
   * bitmap grows with the counts used, so a nonce used five times costs a word, not 128 bytes.
   */
  static final int NC_WINDOW = 1024;

  /** The key {@link #checkWindowSupport} asks about; nothing is ever stored under it. */
  static final String WINDOW_PROBE_KEY = "window-probe";

  private static final int EPOCH_LENGTH = 8;

  /** What a check of the store found. */
  enum Use {
    /** First use of this count, or the same binding as before: accept. */
    ACCEPTED,
    /** Used before (a count), or bound to something else (a connection, a session). */
    TAKEN,
    /**
     * A count {@link #NC_WINDOW} or more below the highest of its nonce: the window cannot tell it
     * from a replay, so it is not accepted, but the client is no attacker for it: stale.
     */
    TOO_OLD,
    /** The store did not answer: fail closed. */
    FAILED
  }

  /**
   * A check's outcome.
   *
   * @param use what was found
   * @param failure the store's answer when {@link Use#FAILED}, else {@link HResult#S_OK}
   */
  record Check(Use use, HResult failure) {
    static final Check ACCEPTED = new Check(Use.ACCEPTED, HResult.S_OK);
    static final Check TAKEN = new Check(Use.TAKEN, HResult.S_OK);
    static final Check TOO_OLD = new Check(Use.TOO_OLD, HResult.S_OK);
  }

  /**
   * The nonce secret and the store's epoch, as every version and node of the plug-in shares them.
   *
   * @param key the HMAC key of the nonces
   * @param epoch names this life of the store: a store emptied (a restart of an in-memory store)
   *     gets a new one, so nonces of before are told apart from those whose counts it holds
   */
  record Secrets(byte[] key, long epoch) {}

  private final StateService state;

  NonceLedger(StateService state) {
    this.state = state;
  }

  /**
   * The secrets in the store, or {@code seedKey} and a new epoch put there when it holds none (a
   * new store). Seeding with the key file keeps the key across restarts of a host whose store is in
   * memory, so an outstanding nonce is stale after a restart, not forged.
   *
   * @return the secrets, or null with the store's failure in {@code failure}
   */
  static Secrets secrets(
      StateService state, byte[] seedKey, SecureRandom random, Out<HResult> failure) {
    byte[] epoch = new byte[EPOCH_LENGTH];
    random.nextBytes(epoch);
    byte[] seed = Arrays.copyOf(seedKey, seedKey.length + EPOCH_LENGTH);
    System.arraycopy(epoch, 0, seed, seedKey.length, EPOCH_LENGTH);
    Out<byte[]> current = new Out<>();
    HResult hr = state.getOrPut(SECRETS_KEY, seed, SECRETS_TTL, current);
    byte[] value = current.get();
    if (hr.failed() || value == null || value.length != NonceKeyFile.LENGTH + EPOCH_LENGTH) {
      failure.set(hr.failed() ? hr : HResult.E_UNEXPECTED);
      return null;
    }
    return new Secrets(
        Arrays.copyOf(value, NonceKeyFile.LENGTH),
        ByteBuffer.wrap(value, NonceKeyFile.LENGTH, EPOCH_LENGTH).getLong());
  }

  /**
   * Whether the store offers {@link StateService#claimInWindow} (API 1.4). A store that does not
   * (one written for 1.3) answers {@link HResult#E_NOTIMPL}, and the plug-in refuses to enable: it
   * would rather not serve than check replays by a read and a write that two requests can
   * interleave. It asks with a window of 0, which changes nothing and costs no entry: a store that
   * offers the operation answers {@link HResult#E_INVALIDARG} (or a failure of its own), the
   * interface's default {@link HResult#E_NOTIMPL} whatever the arguments.
   *
   * @return false when the store does not offer it
   */
  static boolean checkWindowSupport(StateService state) {
    HResult hr = state.claimInWindow(WINDOW_PROBE_KEY, 0, 0, Duration.ofMinutes(1), new Out<>());
    return !hr.equals(HResult.E_NOTIMPL);
  }

  /**
   * Records that {@code count} was used with {@code nonce}: ACCEPTED for the first use only, in one
   * store entry for the nonce.
   */
  CompletionStage<Check> count(String nonce, long count, Duration ttl) {
    return state
        .claimInWindowAsync("nc/" + nonce, count, NC_WINDOW, ttl)
        .thenApply(
            a -> {
              if (!a.succeeded() || a.value() == null) {
                return failed(a.hresult());
              }
              return switch (a.value()) {
                case FIRST -> Check.ACCEPTED;
                case USED -> Check.TAKEN;
                case TOO_OLD -> Check.TOO_OLD;
              };
            });
  }

  /**
   * Binds {@code nonce} to {@code binding} on first use: ACCEPTED when it is, or already was, bound
   * to the same; TAKEN when it is bound to another.
   */
  CompletionStage<Check> bind(String nonce, byte[] binding, Duration ttl) {
    return same("conn/" + nonce, binding, ttl);
  }

  /** {@link #bind} for the RTSP session a connection-bound nonce is used in. */
  CompletionStage<Check> bindSession(String nonce, byte[] session, Duration ttl) {
    return same("session/" + nonce, session, ttl);
  }

  /** True once per nonce: whether a success may carry a {@code nextnonce}. */
  CompletionStage<Boolean> claimNext(String nonce, Duration ttl) {
    // A failure here costs only the nextnonce: the nonce stays good until it expires.
    return state
        .claimAsync("next/" + nonce, ttl)
        .thenApply(a -> a.succeeded() && Boolean.TRUE.equals(a.value()));
  }

  private CompletionStage<Check> same(String key, byte[] value, Duration ttl) {
    return state
        .getOrPutAsync(key, value, ttl)
        .thenApply(
            a ->
                !a.succeeded() || a.value() == null
                    ? failed(a.hresult())
                    : Arrays.equals(a.value(), value) ? Check.ACCEPTED : Check.TAKEN);
  }

  private static Check failed(HResult hr) {
    return new Check(Use.FAILED, hr.failed() ? hr : HResult.E_UNEXPECTED);
  }
}
