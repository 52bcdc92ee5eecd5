package org.authhost.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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
 * #claim}), a counter ({@link #increment}), a window of used numbers ({@link #claimInWindow}) or a
 * value ({@link #getOrPut}, {@link #put}, read with {@link #get}). An operation of another kind on
 * a live key answers {@link HResult#E_INVALIDARG} and changes nothing (a claimed nonce count can
 * never be made new again by writing a value). Only {@link #delete} works on every kind.
 *
 * <p>When the store cannot take a new entry (full, or a shared store unreachable), a write answers
 * {@link HResult#NS_E_NO_NEW_CONNECTIONS}: the plug-in answers its client ERROR, which the host
 * turns into a 503 with {@code Retry-After} — never an accepted replay.
 *
 * <p><b>Asynchronous variants.</b> On a shared store every call is a network round trip. A plug-in
 * that answers from the callback (it returns from {@code Authenticate} at once and calls {@link
 * AuthenticationCallback#onAuthenticateComplete} later), and above all one that declares {@code
 * non-blocking=true}, must not wait for it: it uses the {@code ...Async} methods, which answer the
 * same {@link HResult} and value as their synchronous twins, as an {@link Answer}, through a {@link
 * CompletionStage}. Which thread completes the stage is the store's: the host's local store answers
 * with a stage that is already complete (what is chained to it runs at once, on the calling
 * thread); a networked store completes it on one of its client's I/O threads. Whatever is chained
 * to the stage therefore runs on a thread the plug-in does not own: do no blocking work there (no
 * synchronous state call, no password check, no waiting on a lock another request may hold), and
 * never call back into the host (the callback, the token service) while holding a lock of your own,
 * since the host may call the plug-in on another thread meanwhile. Calling the callback from there,
 * without a lock held, is what these methods are for. A stage never completes exceptionally: a
 * failure is an {@code Answer} with a failing {@code HResult}.
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
   * {@code true}, every later one {@code false} until the entry expires. The replay check of a
   * one-time value (a ticket id): claim it and refuse the request unless this call was the first.
   * For a sequence of numbers (a Digest nonce's counts) use {@link #claimInWindow}, which keeps one
   * entry per sequence instead of one per number.
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

  /** Widest window of {@link #claimInWindow}, in numbers: its bitmap fits one value. */
  int MAX_WINDOW = MAX_VALUE_BYTES * 8;

  /**
   * Highest number of {@link #claimInWindow}, 2^53 - 2: a shared store decides in a script whose
   * numbers are doubles (Redis's Lua), exact up to 2^53. A Digest {@code nc} is below 2^32. Named
   * in 1.5; both stores refuse a larger number to a plug-in of any version, since none was ever
   * safe.
   *
   * @since API 1.5
   */
  long MAX_WINDOW_NUMBER = (1L << 53) - 2;

  /**
   * What {@link #claimInWindow} found for a number.
   *
   * <p>SSPI counterpart: the answers of a context's replay detection ({@code ISC_REQ_REPLAY_DETECT}
   * / {@code ASC_REQ_REPLAY_DETECT}) when {@code VerifySignature} or {@code DecryptMessage} checks
   * a message's sequence number: accepted, {@code SEC_E_REPLAY} for a number seen before, {@code
   * SEC_E_OUT_OF_SEQUENCE} for one the context can no longer vouch for.
   *
   * @since API 1.4
   */
  enum WindowClaim {
    /** Not used before: now recorded as used. Accept. */
    FIRST,
    /** Used before, within the window: a replay. */
    USED,
    /**
     * At least {@code window} below the highest number used: the window no longer knows whether it
     * was used, so it cannot be told from a replay. What to answer is the caller's choice (Digest
     * answers {@code stale=true}, so the client retries on a fresh nonce).
     */
    TOO_OLD
  }

  /**
   * Records that {@code number} was used under {@code key}, in a sliding window of the last {@code
   * window} numbers: the replay check of a sequence of numbers in one entry per key, however many
   * numbers are used. The entry holds the highest number used and a bitmap of the {@code window}
   * numbers up to it (the anti-replay window of IPsec, RFC 4303 §3.4.3). A number above the highest
   * moves the window up; one inside it is accepted once, in any order (a client that spreads a
   * Digest nonce over parallel connections sends its counts out of order); one below it is {@link
   * WindowClaim#TOO_OLD}. For a Digest nonce: {@code claimInWindow("nc/<nonce>", nc, 1024, ttl)}
   * takes one entry per nonce where a {@link #claim} per count takes one per request.
   *
   * <p>The entry is created with {@code ttl}; a {@link WindowClaim#FIRST} keeps it at least {@code
   * ttl} from now (its expiry never moves earlier). Every call on one key must pass the same {@code
   * window}: another width is {@link HResult#E_INVALIDARG}, as is a key that holds another kind of
   * entry.
   *
   * <p>The check and the record are one atomic step, across threads and, on a shared store, across
   * hosts: two callers of the same number never both get {@link WindowClaim#FIRST}. A shared
   * implementation must do it on the server in one step (Redis: one Lua script that reads the
   * bitmap, decides, writes it back and sets the expiry), never as a read followed by a write from
   * the client, which two hosts could interleave. A store that cannot do it atomically must not
   * offer it: the default answers {@link HResult#E_NOTIMPL}, and a plug-in that needs it refuses to
   * enable on such a store rather than check replays unsafely.
   *
   * <p>SSPI counterpart: the per-context sequence numbers a security context keeps when it is
   * established with {@code ISC_REQ_REPLAY_DETECT} / {@code ASC_REQ_REPLAY_DETECT}; here the
   * "context" is a key the plug-in names (a nonce), and it outlives the plug-in version. WMS has
   * none: its Digest package kept its nonce counts inside the plug-in.
   *
   * @param key the window's key
   * @param number the number used, 0 to {@link #MAX_WINDOW_NUMBER} (a Digest {@code nc})
   * @param window how many numbers up to the highest the entry remembers, 1 to {@link #MAX_WINDOW}
   * @param ttl how long the entry lives
   * @param result receives {@link WindowClaim#FIRST}, {@link WindowClaim#USED} or {@link
   *     WindowClaim#TOO_OLD} on success
   * @return {@link HResult#S_OK}; {@link HResult#E_INVALIDARG} for a bad key, number, window or
   *     time to live, another kind of entry or another window at {@code key}; {@link
   *     HResult#NS_E_NO_NEW_CONNECTIONS} when no entry can be added; {@link HResult#E_NOTIMPL} from
   *     a store that does not offer the operation (one written before API 1.4)
   * @since API 1.4
   */
  default HResult claimInWindow(
      String key, long number, int window, Duration ttl, Out<WindowClaim> result) {
    // Not emulated with get and put: that would be a read then a write, which two callers can
    // interleave, and a replay check that only seems to work is worse than none.
    return HResult.E_NOTIMPL;
  }

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

  /**
   * What an asynchronous operation answered: the {@link HResult} its synchronous twin returns, and
   * the value that twin would set in its {@link Out} ({@code null} when it sets none or has none).
   *
   * <p>Windows counterpart: the {@code HRESULT} and the values an asynchronous WMS completion hands
   * back together in one call, as {@code IWMSAuthenticationCallback::OnAuthenticateComplete}
   * delivers the result, the challenge blob and the caller's context at once.
   *
   * @param hresult as the synchronous method returns it
   * @param value as the synchronous method sets it; {@code null} if it does not
   * @param <T> the value's type
   * @since API 1.3
   */
  record Answer<T>(HResult hresult, T value) {
    /** Checks that there is an {@code hresult}. */
    public Answer {
      if (hresult == null) {
        throw new IllegalArgumentException("an answer has an HRESULT");
      }
    }

    /** Whether {@link #hresult()} is a success code. */
    public boolean succeeded() {
      return hresult.succeeded();
    }
  }

  /**
   * {@link #claim} without waiting for the store. By default it calls {@link #claim} and gives a
   * completed stage.
   *
   * @since API 1.3
   */
  default CompletionStage<Answer<Boolean>> claimAsync(String key, Duration ttl) {
    Out<Boolean> first = new Out<>();
    return CompletableFuture.completedFuture(new Answer<>(claim(key, ttl, first), first.get()));
  }

  /**
   * {@link #increment} without waiting for the store; the default wraps it as {@link #claimAsync}.
   *
   * @since API 1.3
   */
  default CompletionStage<Answer<Long>> incrementAsync(String key, Duration ttl) {
    Out<Long> value = new Out<>();
    return CompletableFuture.completedFuture(new Answer<>(increment(key, ttl, value), value.get()));
  }

  /**
   * {@link #getOrPut} without waiting for the store; the default wraps it as {@link #claimAsync}.
   *
   * @since API 1.3
   */
  default CompletionStage<Answer<byte[]>> getOrPutAsync(String key, byte[] value, Duration ttl) {
    Out<byte[]> current = new Out<>();
    return CompletableFuture.completedFuture(
        new Answer<>(getOrPut(key, value, ttl, current), current.get()));
  }

  /**
   * {@link #claimInWindow} without waiting for the store; the default wraps it as {@link
   * #claimAsync} (and so answers {@link HResult#E_NOTIMPL} from a store that does not offer it).
   *
   * @since API 1.4
   */
  default CompletionStage<Answer<WindowClaim>> claimInWindowAsync(
      String key, long number, int window, Duration ttl) {
    Out<WindowClaim> result = new Out<>();
    return CompletableFuture.completedFuture(
        new Answer<>(claimInWindow(key, number, window, ttl, result), result.get()));
  }

  /**
   * {@link #get} without waiting for the store; the default wraps it as {@link #claimAsync}.
   *
   * @since API 1.3
   */
  default CompletionStage<Answer<byte[]>> getAsync(String key) {
    Out<byte[]> value = new Out<>();
    return CompletableFuture.completedFuture(new Answer<>(get(key, value), value.get()));
  }

  /**
   * {@link #put} without waiting for the store; the answer has no value. The default wraps it as
   * {@link #claimAsync}.
   *
   * @since API 1.3
   */
  default CompletionStage<Answer<Void>> putAsync(String key, byte[] value, Duration ttl) {
    return CompletableFuture.completedFuture(new Answer<>(put(key, value, ttl), null));
  }

  /**
   * {@link #delete} without waiting for the store; the answer has no value. The default wraps it as
   * {@link #claimAsync}.
   *
   * @since API 1.3
   */
  default CompletionStage<Answer<Void>> deleteAsync(String key) {
    return CompletableFuture.completedFuture(new Answer<>(delete(key), null));
  }
}
