package org.authhost.host.state;

import com.google.inject.Inject;
import com.google.inject.Singleton;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;
import org.authhost.host.config.HostConfig;
import org.authhost.host.config.StateConfig;
import org.authhost.host.time.HostClock;

/**
 * The host's own state store, in this process's memory: what plug-ins keep through {@link
 * StateService} (each through its {@link PluginState} view) lives here, so it outlives a plug-in
 * version. A shared store for several hosts implements the same interface.
 *
 * <p>Expiry runs on the host clock's monotonic reading, so a test's fake clock expires entries
 * without waiting. The store is bounded ({@code state.maxEntries}): clients decide how many nonces
 * and counters exist, and an unbounded map would let them take the heap; when full of live entries
 * a write is refused ({@link HResult#NS_E_NO_NEW_CONNECTIONS}: the client gets a 503, never an
 * accepted replay), and the operator is told once per episode ({@link CapacityAlarm}), not once per
 * refused write. Expired entries leave on the scheduler's periodic sweep ({@link #sweepSome}), not
 * only once the store is full: each Digest nonce leaves one, and a long-running host would
 * otherwise keep up to {@code maxEntries} expired ones on the heap.
 *
 * <p>{@link #claimInWindow} is atomic per key because the whole check and record runs inside the
 * map's {@code compute} for that key ({@link UsedNumbers}).
 *
 * <p>The asynchronous variants ({@code claimAsync}, ...) are the interface's defaults on purpose:
 * no operation here ever waits (a map in memory, no lock held across calls), so the stage the
 * default builds from the synchronous answer, already complete when it is returned, is this store's
 * native answer; what a plug-in chains to it runs at once on the plug-in's own thread.
 */
@Singleton
public final class LocalStateService implements StateService {
  /** Entries kept at most by default ({@code state.maxEntries}). */
  public static final int DEFAULT_MAX_ENTRIES = StateConfig.DEFAULT_MAX_ENTRIES;

  /**
   * After a full store, the share of {@code maxEntries} it must fall to before it is reported as
   * having room again: a store hovering at its bound would otherwise report every sweep.
   */
  private static final double ROOM_AGAIN = 0.9;

  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  /**
   * How long an entry must have been expired before the periodic sweep ({@link #sweepSome}) takes
   * it out. An operation reads the clock before it takes its key's lock; with this margin, no sweep
   * removes an entry that an operation still under way, holding an earlier reading, would find live
   * (it would otherwise start afresh a window whose numbers it should see as used).
   */
  static final Duration SWEEP_GRACE = Duration.ofSeconds(1);

  /**
   * Entries the periodic sweep looks at per run, so that one run of it on the scheduler's shared
   * thread stays short however big the map: 50,000 took 6 ms (all live) to 20 ms (all expired) on a
   * busy 2-core machine, 10,000 a fifth of that; at four runs a second a pass over a million
   * entries takes some 25 s.
   */
  static final int SWEEP_BATCH = 10_000;

  /**
   * The share of the store one run looks at, {@code 1/SWEEP_PASS_RUNS}: a pass over the whole store
   * every 40 runs (10 s at four runs a second) is soon enough for entries that live for minutes (a
   * Digest nonce's window), where looking at up to {@link #SWEEP_BATCH} every run would pass over a
   * store of 20,000 twice a second, a cost the host pays per second whatever it serves.
   */
  static final int SWEEP_PASS_RUNS = 40;

  /** Entries one run looks at however small the store: a small store is swept in one run. */
  static final int SWEEP_MIN_BATCH = 1_000;

  /**
   * What a key holds: one kind per key, so that no operation reads another's entry as its own (a
   * {@code getOrPut} must never turn a claimed nonce count back into a first use).
   */
  private enum Kind {
    CLAIM,
    COUNTER,
    VALUE,
    WINDOW
  }

  /**
   * A claim, a counter, a value or a window, and when it expires (host clock nanoseconds). The
   * window is changed in place, only inside {@code compute} for its key.
   */
  private record Entry(Kind kind, byte[] value, long counter, long expiresAt, UsedNumbers window) {
    Entry(Kind kind, byte[] value, long counter, long expiresAt) {
      this(kind, value, counter, expiresAt, null);
    }
  }

  /**
   * Told when the store turns writes away for want of room, and when it has room again: each once
   * per episode.
   */
  interface CapacityAlarm {
    /** Tells nobody: for stores made by tests. */
    CapacityAlarm SILENT =
        new CapacityAlarm() {
          @Override
          public void full(int maxEntries) {}

          @Override
          public void roomAgain(int maxEntries) {}
        };

    /** The store refused a write: it holds {@code maxEntries} live entries. */
    void full(int maxEntries);

    /** The store, full before, fell below 90% of its bound. */
    void roomAgain(int maxEntries);
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final HostClock clock;
  private final int maxEntries;
  private final AtMostOncePer sweep;
  private final CapacityAlarm alarm;
  private final AtomicBoolean full = new AtomicBoolean();

  /** Where the periodic sweep goes on from; only the scheduler's thread uses it. */
  private Iterator<Map.Entry<String, Entry>> sweepAt;

  @Inject
  LocalStateService(HostClock clock, HostConfig config, CapacityEvents alarm) {
    this(clock, config.state().maxEntries(), alarm);
  }

  /** A store that keeps at most {@code maxEntries} live entries, and tells nobody when full. */
  public LocalStateService(HostClock clock, int maxEntries) {
    this(clock, maxEntries, CapacityAlarm.SILENT);
  }

  LocalStateService(HostClock clock, int maxEntries, CapacityAlarm alarm) {
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.alarm = alarm;
    this.sweep = new AtMostOncePer(SWEEP_INTERVAL, clock.nanoTime());
  }

  @Override
  public HResult claim(String key, Duration ttl, Out<Boolean> first) {
    if (!validTtl(ttl)) {
      return HResult.E_INVALIDARG;
    }
    long now = clock.nanoTime();
    HResult refused = admit(key, Kind.CLAIM, now);
    if (refused != null) {
      return refused;
    }
    boolean[] created = {false};
    entries.compute(
        key,
        (k, old) -> {
          if (live(old, now)) {
            return old;
          }
          created[0] = true;
          return new Entry(Kind.CLAIM, null, 0, expiry(now, ttl));
        });
    first.set(created[0]);
    return HResult.S_OK;
  }

  @Override
  public HResult increment(String key, Duration ttl, Out<Long> value) {
    if (!validTtl(ttl)) {
      return HResult.E_INVALIDARG;
    }
    long now = clock.nanoTime();
    HResult refused = admit(key, Kind.COUNTER, now);
    if (refused != null) {
      return refused;
    }
    Entry after =
        entries.compute(
            key,
            (k, old) ->
                live(old, now) && old.kind() == Kind.COUNTER
                    ? new Entry(Kind.COUNTER, null, old.counter() + 1, old.expiresAt())
                    : live(old, now) ? old : new Entry(Kind.COUNTER, null, 1, expiry(now, ttl)));
    if (after.kind() != Kind.COUNTER) {
      return HResult.E_INVALIDARG; // another kind took the key meanwhile
    }
    value.set(after.counter());
    return HResult.S_OK;
  }

  @Override
  public HResult claimInWindow(
      String key, long number, int window, Duration ttl, Out<WindowClaim> result) {
    if (!validTtl(ttl)
        || number < 0
        || number > MAX_WINDOW_NUMBER
        || window < 1
        || window > MAX_WINDOW) {
      return HResult.E_INVALIDARG;
    }
    long now = clock.nanoTime();
    WindowCall call = new WindowCall(number, window, now, ttl);
    // A nonce's later counts (nearly every claim) find its live window: one look-up of the key,
    // and neither the admission's look-up nor its count of the store.
    entries.computeIfPresent(key, call);
    if (!call.sawLive) {
      HResult refused = admit(key, Kind.WINDOW, now);
      if (refused != null) {
        return refused;
      }
      call.create = true;
      entries.compute(key, call);
    }
    if (call.found == null) {
      return HResult.E_INVALIDARG;
    }
    result.set(call.found);
    return HResult.S_OK;
  }

  /**
   * One {@link #claimInWindow}'s check and record of its number, run inside the map's {@code
   * computeIfPresent} and then, when the key held no live entry, its {@code compute}: one object
   * for what a lambda and an array for its result were, on every Digest request.
   */
  private static final class WindowCall implements BiFunction<String, Entry, Entry> {
    private final long number;
    private final int window;
    private final long now;
    private final Duration ttl;

    /** Whether a new window may be made: only once the store admitted a new key. */
    boolean create;

    /** Whether the key held a live entry (of any kind). */
    boolean sawLive;

    /** The claim's outcome; null when the key holds another kind or width. */
    WindowClaim found;

    WindowCall(long number, int window, long now, Duration ttl) {
      this.number = number;
      this.window = window;
      this.now = now;
      this.ttl = ttl;
    }

    @Override
    public Entry apply(String key, Entry old) {
      if (!live(old, now)) {
        if (!create) {
          return old; // expired: a new window only after admission, as for a free key
        }
        UsedNumbers used = new UsedNumbers(window);
        found = used.claim(number);
        return new Entry(Kind.WINDOW, null, 0, expiry(now, ttl), used);
      }
      sawLive = true;
      if (old.kind() != Kind.WINDOW || old.window().width() != window) {
        return old; // another kind took the key meanwhile, or another width: nothing changes
      }
      found = old.window().claim(number);
      long until = expiry(now, ttl);
      return found == WindowClaim.FIRST && until - old.expiresAt() > 0
          ? new Entry(Kind.WINDOW, null, 0, until, old.window())
          : old;
    }
  }

  @Override
  public HResult getOrPut(String key, byte[] value, Duration ttl, Out<byte[]> current) {
    if (!validTtl(ttl) || !validValue(value)) {
      return HResult.E_INVALIDARG;
    }
    long now = clock.nanoTime();
    HResult refused = admit(key, Kind.VALUE, now);
    if (refused != null) {
      return refused;
    }
    Entry after =
        entries.compute(
            key,
            (k, old) ->
                live(old, now) ? old : new Entry(Kind.VALUE, value.clone(), 0, expiry(now, ttl)));
    if (after.kind() != Kind.VALUE) {
      return HResult.E_INVALIDARG; // another kind took the key meanwhile
    }
    current.set(after.value().clone());
    return HResult.S_OK;
  }

  @Override
  public HResult get(String key, Out<byte[]> value) {
    Entry e = entries.get(key);
    if (!live(e, clock.nanoTime())) {
      return HResult.S_FALSE;
    }
    if (e.kind() != Kind.VALUE) {
      return HResult.E_INVALIDARG;
    }
    value.set(e.value().clone());
    return HResult.S_OK;
  }

  @Override
  public HResult put(String key, byte[] value, Duration ttl) {
    if (!validTtl(ttl) || !validValue(value)) {
      return HResult.E_INVALIDARG;
    }
    long now = clock.nanoTime();
    HResult refused = admit(key, Kind.VALUE, now);
    if (refused != null) {
      return refused;
    }
    Entry stored = new Entry(Kind.VALUE, value.clone(), 0, expiry(now, ttl));
    Entry after =
        entries.compute(key, (k, old) -> live(old, now) && old.kind() != Kind.VALUE ? old : stored);
    return after == stored ? HResult.S_OK : HResult.E_INVALIDARG;
  }

  @Override
  public HResult delete(String key) {
    Entry removed = entries.remove(key);
    return live(removed, clock.nanoTime()) ? HResult.S_OK : HResult.S_FALSE;
  }

  /** Live entries and expired ones not yet swept: for tests and diagnostics. */
  int size() {
    return entries.size();
  }

  /**
   * One run of the periodic sweep (the scheduler's, every {@link HostState#SWEEP_EVERY}): looks at
   * a fortieth of the store ({@link #SWEEP_PASS_RUNS}; at least {@link #SWEEP_MIN_BATCH}, at most
   * {@link #SWEEP_BATCH}) from where the last run stopped and removes those expired more than
   * {@link #SWEEP_GRACE} ago, so that expired nonces do not stay on the heap until the store is
   * full. An entry is removed only if it is still the one seen: one an operation renewed meanwhile
   * (a new record) stays; a window changed in place keeps its expiry, so it was expired either way.
   *
   * @return the entries removed
   */
  int sweepSome() {
    long cutoff = clock.nanoTime() - SWEEP_GRACE.toNanos();
    Iterator<Map.Entry<String, Entry>> at = sweepAt;
    if (at == null || !at.hasNext()) {
      at = entries.entrySet().iterator();
    }
    int batch = Math.min(SWEEP_BATCH, Math.max(SWEEP_MIN_BATCH, entries.size() / SWEEP_PASS_RUNS));
    int removed = 0;
    for (int seen = 0; seen < batch && at.hasNext(); seen++) {
      Map.Entry<String, Entry> e = at.next();
      Entry entry = e.getValue();
      if (!live(entry, cutoff) && entries.remove(e.getKey(), entry)) {
        removed++;
      }
    }
    sweepAt = at.hasNext() ? at : null;
    roomAgainIfBelow(entries.size());
    return removed;
  }

  /**
   * Whether one more entry fits: when the map is at its bound, expired entries are swept first, at
   * most once a second of the host clock so that a full store of live entries does not make every
   * write scan it.
   */
  private boolean roomFor(long now) {
    int size = entries.size();
    if (size < maxEntries) {
      roomAgainIfBelow(size);
      return true;
    }
    if (sweep.due(now)) {
      entries.values().removeIf(e -> !live(e, now));
    }
    if (entries.size() < maxEntries) {
      return true;
    }
    if (full.compareAndSet(false, true)) {
      alarm.full(maxEntries);
    }
    return false;
  }

  /** Tells the alarm, once, that a store reported full has fallen below 90% of its bound. */
  private void roomAgainIfBelow(int size) {
    if (full.get() && size < maxEntries * ROOM_AGAIN && full.compareAndSet(true, false)) {
      alarm.roomAgain(maxEntries);
    }
  }

  /**
   * Why an operation of {@code kind} on {@code key} cannot go ahead: the key holds another kind, or
   * it is free and the store is full; null when it can.
   */
  private HResult admit(String key, Kind kind, long now) {
    Entry found = entries.get(key);
    if (live(found, now)) {
      return found.kind() == kind ? null : HResult.E_INVALIDARG;
    }
    return roomFor(now) ? null : HResult.NS_E_NO_NEW_CONNECTIONS;
  }

  private static boolean validValue(byte[] value) {
    return value != null && value.length <= MAX_VALUE_BYTES;
  }

  private static boolean live(Entry e, long now) {
    return e != null && now - e.expiresAt() < 0;
  }

  private static long expiry(long now, Duration ttl) {
    long nanos;
    try {
      nanos = ttl.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE / 2;
    }
    return now + Math.min(nanos, Long.MAX_VALUE / 2);
  }

  private static boolean validTtl(Duration ttl) {
    return ttl != null && !ttl.isNegative() && !ttl.isZero();
  }
}
