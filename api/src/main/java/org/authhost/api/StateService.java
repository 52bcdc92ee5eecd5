package org.authhost.api;

import java.time.Duration;

/**
 * State the host keeps for a plug-in, outside the plug-in's objects: it outlives a plug-in version
 * (a replaced JAR continues where the old one left off) and, on a host configured for scale-out, is
 * shared by every node. For what must be counted or remembered across requests: nonce keys, replay
 * windows ("has this nonce count been used?"), failure counters.
 *
 * <p>Keys belong to the plug-in's id: two plug-ins never see each other's keys, and every version
 * of one plug-in sees the same ones. Every entry expires after its time to live on the host's
 * clock; nothing is kept forever. Operations are atomic across threads and, on a shared store,
 * across hosts. Keys are at most {@link #MAX_KEY_LENGTH} printable ASCII characters, values at most
 * {@link #MAX_VALUE_BYTES} bytes.
 *
 * <p>Windows counterpart: none in WMS, whose plug-ins kept state in their own objects or in the
 * registry; the model is a distributed cache's atomic operations ({@code SET NX PX}, {@code INCR})
 * with the HRESULT conventions of this API.
 *
 * <p>A key holds one kind of entry, the kind of the operation that created it: a claim ({@link
 * #claim}), a counter ({@link #increment}) or a value ({@link #getOrPut}, {@link #put}, read with
 * {@link #get}). An operation of another kind on a live key answers {@link HResult#E_INVALIDARG}
 * and changes nothing (a claimed nonce count can never be made new again by writing a value). Only
 * {@link #delete} works on every kind.
 *
 * <p>When the store cannot take a new entry (full, or a shared store unreachable), a write answers
 * {@link HResult#NS_E_NO_NEW_CONNECTIONS}: the plug-in answers its client ERROR, which the host
 * turns into a 503 with {@code Retry-After} — never an accepted replay.
 *
 * @since API 1.3
 */
public interface StateService {
  /** Longest key, in characters. */
  int MAX_KEY_LENGTH = 200;

  /** Largest value, in bytes. */
  int MAX_VALUE_BYTES = 4096;

  /**
   * Creates {@code key} if it does not exist ({@code SET key NX PX ttl}): the first caller gets
   * {@code true}, every later one {@code false} until the entry expires. The replay check: claim
   * {@code nc:<nonce>:<count>} and refuse the request unless this call was the first.
   *
   * @return {@link HResult#S_OK}; {@link HResult#E_INVALIDARG} for a bad key or a time to live that
   *     is not positive; {@link HResult#NS_E_NO_NEW_CONNECTIONS} when no entry can be added
   */
  HResult claim(String key, Duration ttl, Out<Boolean> first);

  /**
   * Adds one to the counter at {@code key} (created at 0 with {@code ttl}; the expiry is not
   * extended by later increments) and gives its new value.
   *
   * @return as {@link #claim}
   */
  HResult increment(String key, Duration ttl, Out<Long> value);

  /**
   * The value at {@code key}, if present, or else stores {@code value} with {@code ttl} and gives
   * it back: every caller, on every host, ends with the same value. For a key that all versions and
   * nodes must share (a nonce secret).
   *
   * @return as {@link #claim}
   */
  HResult getOrPut(String key, byte[] value, Duration ttl, Out<byte[]> current);

  /**
   * The value at {@code key}.
   *
   * @return {@link HResult#S_OK} with the value; {@link HResult#S_FALSE} (and nothing set) when
   *     there is none; {@link HResult#E_INVALIDARG} for a bad key
   */
  HResult get(String key, Out<byte[]> value);

  /**
   * Stores {@code value} at {@code key}, replacing what was there, with a new time to live.
   *
   * @return as {@link #claim}
   */
  HResult put(String key, byte[] value, Duration ttl);

  /**
   * Removes {@code key}.
   *
   * @return {@link HResult#S_OK}, or {@link HResult#S_FALSE} when there was nothing to remove
   */
  HResult delete(String key);
}
