package org.authhost.host.state;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;

/**
 * One plug-in's view of the host's state store: its keys are prefixed with its id, so two plug-ins
 * never meet and every version of one plug-in finds what the previous one left. Keys are checked
 * here, once, for every store behind it. The asynchronous variants go to the store's own, so that a
 * networked store's round trip is never waited for on the plug-in's thread.
 */
public final class PluginState implements StateService {
  private final StateService backing;
  private final String prefix;
  private final Runnable firstUse;
  private final Runnable enabling;
  private final String pluginId;

  /** The store pinned to the enable under way; null: this one (no store's life to keep). */
  private final Supplier<StateService> ofThisEnable;

  private volatile boolean used;

  /**
   * @param store the host's store
   * @param pluginId the plug-in's id (the descriptor's {@code id}, stable across versions)
   */
  public PluginState(StateService store, String pluginId) {
    this(store, pluginId, () -> {});
  }

  /**
   * As above; {@code firstUse} runs at the plug-in's first call (the host notes who keeps state).
   */
  public PluginState(StateService store, String pluginId, Runnable firstUse) {
    this(store, pluginId, firstUse, () -> {}, null);
  }

  PluginState(
      StateService store,
      String pluginId,
      Runnable firstUse,
      Runnable enabling,
      Supplier<StateService> ofThisEnable) {
    this.backing = store;
    this.pluginId = pluginId;
    this.prefix = "plugin/" + pluginId + "/";
    this.firstUse = firstUse;
    this.enabling = enabling;
    this.ofThisEnable = ofThisEnable;
  }

  /**
   * The host begins to bring the plug-in instance into service (each enable, before its
   * InitializePlugin or EnablePlugin): with Redis, its calls carry the store's life mark of now.
   */
  public void enabling() {
    enabling.run();
  }

  /**
   * The same plug-in's view whose calls carry the life mark of its enable under way (or its latest)
   * for good, whatever enables follow: what the host gives a plug-in that asks for its state while
   * it is being enabled. What the plug-in builds then (Digest: its verifier, with the nonce key it
   * read) keeps that enable's mark, so a request still inside it after the store lost its data and
   * the host enabled the plug-in again is refused (503), not claimed on the emptied store. This
   * view itself takes the latest enable's mark at the start of each call.
   */
  public PluginState ofThisEnable() {
    return ofThisEnable == null
        ? this
        : new PluginState(ofThisEnable.get(), pluginId, firstUse, enabling, null);
  }

  private StateService store() {
    if (!used) {
      used = true;
      firstUse.run();
    }
    return backing;
  }

  @Override
  public HResult claim(String key, Duration ttl, Out<Boolean> first) {
    return validKey(key) ? store().claim(prefix + key, ttl, first) : HResult.E_INVALIDARG;
  }

  @Override
  public HResult increment(String key, Duration ttl, Out<Long> value) {
    return validKey(key) ? store().increment(prefix + key, ttl, value) : HResult.E_INVALIDARG;
  }

  @Override
  public HResult claimInWindow(
      String key, long number, int window, Duration ttl, Out<WindowClaim> result) {
    return validKey(key)
        ? store().claimInWindow(prefix + key, number, window, ttl, result)
        : HResult.E_INVALIDARG;
  }

  @Override
  public HResult getOrPut(String key, byte[] value, Duration ttl, Out<byte[]> current) {
    return validKey(key)
        ? store().getOrPut(prefix + key, value, ttl, current)
        : HResult.E_INVALIDARG;
  }

  @Override
  public HResult get(String key, Out<byte[]> value) {
    return validKey(key) ? store().get(prefix + key, value) : HResult.E_INVALIDARG;
  }

  @Override
  public HResult put(String key, byte[] value, Duration ttl) {
    return validKey(key) ? store().put(prefix + key, value, ttl) : HResult.E_INVALIDARG;
  }

  @Override
  public HResult delete(String key) {
    return validKey(key) ? store().delete(prefix + key) : HResult.E_INVALIDARG;
  }

  @Override
  public CompletionStage<Answer<Boolean>> claimAsync(String key, Duration ttl) {
    return validKey(key) ? store().claimAsync(prefix + key, ttl) : invalid();
  }

  @Override
  public CompletionStage<Answer<Long>> incrementAsync(String key, Duration ttl) {
    return validKey(key) ? store().incrementAsync(prefix + key, ttl) : invalid();
  }

  @Override
  public CompletionStage<Answer<WindowClaim>> claimInWindowAsync(
      String key, long number, int window, Duration ttl) {
    return validKey(key)
        ? store().claimInWindowAsync(prefix + key, number, window, ttl)
        : invalid();
  }

  @Override
  public CompletionStage<Answer<byte[]>> getOrPutAsync(String key, byte[] value, Duration ttl) {
    return validKey(key) ? store().getOrPutAsync(prefix + key, value, ttl) : invalid();
  }

  @Override
  public CompletionStage<Answer<byte[]>> getAsync(String key) {
    return validKey(key) ? store().getAsync(prefix + key) : invalid();
  }

  @Override
  public CompletionStage<Answer<Void>> putAsync(String key, byte[] value, Duration ttl) {
    return validKey(key) ? store().putAsync(prefix + key, value, ttl) : invalid();
  }

  @Override
  public CompletionStage<Answer<Void>> deleteAsync(String key) {
    return validKey(key) ? store().deleteAsync(prefix + key) : invalid();
  }

  private static <T> CompletionStage<Answer<T>> invalid() {
    return CompletableFuture.completedFuture(new Answer<>(HResult.E_INVALIDARG, null));
  }

  /** 1 to {@link #MAX_KEY_LENGTH} printable ASCII characters: safe as a key in any store. */
  static boolean validKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }
}
