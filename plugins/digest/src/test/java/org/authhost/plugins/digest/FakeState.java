package org.authhost.plugins.digest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.StateService;

/**
 * The host's state service as the API documents it, in memory: one kind of entry per key, atomic
 * operations, expiry on a clock the test moves. It can fail every call ({@link #failWith}) and hold
 * back its asynchronous answers until the test releases them ({@link #deferAnswers}), as a shared
 * store answers later on its own thread.
 */
final class FakeState implements StateService {
  private record Entry(String kind, byte[] value, long counter, long expiresAt) {}

  /** A window of used numbers: the highest and the set of those within the window below it. */
  private record Window(int width, long highest, java.util.TreeSet<Long> used, long expiresAt) {}

  private final Map<String, Window> windows = new HashMap<>();

  private final Clock clock;
  private final Map<String, Entry> entries = new HashMap<>();
  private final List<Runnable> held = new ArrayList<>();

  /** When set, every call answers this and changes nothing. */
  volatile HResult failWith;

  /** When false, {@link #claimInWindow} is the API's default, as in a store written for 1.3. */
  volatile boolean offersWindows = true;

  private boolean defer;

  FakeState(Clock clock) {
    this.clock = clock;
  }

  /** From now on the asynchronous answers wait for {@link #release}. */
  synchronized void deferAnswers() {
    defer = true;
  }

  /** Completes every answer held back, in order. */
  void release() {
    List<Runnable> now;
    synchronized (this) {
      now = new ArrayList<>(held);
      held.clear();
      defer = false;
    }
    now.forEach(Runnable::run);
  }

  /** Live entries whose key starts with {@code prefix}. */
  synchronized long count(String prefix) {
    long now = clock.millis();
    return entries.entrySet().stream()
            .filter(e -> e.getKey().startsWith(prefix) && e.getValue().expiresAt() > now)
            .count()
        + windows.entrySet().stream()
            .filter(e -> e.getKey().startsWith(prefix) && e.getValue().expiresAt() > now)
            .count();
  }

  @Override
  public synchronized HResult claimInWindow(
      String key, long number, int window, Duration ttl, Out<WindowClaim> result) {
    if (!offersWindows) {
      return StateService.super.claimInWindow(key, number, window, ttl, result);
    }
    if (failWith != null) {
      return failWith;
    }
    if (live(key) != null || number < 0 || window < 1 || window > MAX_WINDOW) {
      return HResult.E_INVALIDARG;
    }
    long now = clock.millis();
    Window w = windows.get(key);
    if (w == null || w.expiresAt() <= now) {
      w = new Window(window, -1, new java.util.TreeSet<>(), now + ttl.toMillis());
    }
    if (w.width() != window) {
      return HResult.E_INVALIDARG;
    }
    WindowClaim found;
    long highest = w.highest();
    if (number <= highest - window) {
      found = WindowClaim.TOO_OLD;
    } else if (w.used().contains(number)) {
      found = WindowClaim.USED;
    } else {
      found = WindowClaim.FIRST;
      w.used().add(number);
      highest = Math.max(highest, number);
      w.used().headSet(highest - window, true).clear();
    }
    windows.put(key, new Window(window, highest, w.used(), w.expiresAt()));
    result.set(found);
    return HResult.S_OK;
  }

  @Override
  public CompletionStage<Answer<WindowClaim>> claimInWindowAsync(
      String key, long number, int window, Duration ttl) {
    return answer(
        () -> {
          Out<WindowClaim> result = new Out<>();
          return new Answer<>(claimInWindow(key, number, window, ttl, result), result.get());
        });
  }

  @Override
  public synchronized HResult claim(String key, Duration ttl, Out<Boolean> first) {
    if (failWith != null) {
      return failWith;
    }
    Entry e = live(key);
    if (e != null) {
      if (!e.kind().equals("claim")) {
        return HResult.E_INVALIDARG;
      }
      first.set(false);
      return HResult.S_OK;
    }
    entries.put(key, new Entry("claim", null, 0, clock.millis() + ttl.toMillis()));
    first.set(true);
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult increment(String key, Duration ttl, Out<Long> value) {
    if (failWith != null) {
      return failWith;
    }
    Entry e = live(key);
    if (e != null && !e.kind().equals("counter")) {
      return HResult.E_INVALIDARG;
    }
    Entry next =
        e == null
            ? new Entry("counter", null, 1, clock.millis() + ttl.toMillis())
            : new Entry("counter", null, e.counter() + 1, e.expiresAt());
    entries.put(key, next);
    value.set(next.counter());
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult getOrPut(
      String key, byte[] value, Duration ttl, Out<byte[]> current) {
    if (failWith != null) {
      return failWith;
    }
    Entry e = live(key);
    if (e != null && !e.kind().equals("value")) {
      return HResult.E_INVALIDARG;
    }
    if (e == null) {
      e = new Entry("value", value.clone(), 0, clock.millis() + ttl.toMillis());
      entries.put(key, e);
    }
    current.set(e.value().clone());
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult get(String key, Out<byte[]> value) {
    if (failWith != null) {
      return failWith;
    }
    Entry e = live(key);
    if (e == null) {
      return HResult.S_FALSE;
    }
    if (!e.kind().equals("value")) {
      return HResult.E_INVALIDARG;
    }
    value.set(e.value().clone());
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult put(String key, byte[] value, Duration ttl) {
    if (failWith != null) {
      return failWith;
    }
    Entry e = live(key);
    if (e != null && !e.kind().equals("value")) {
      return HResult.E_INVALIDARG;
    }
    entries.put(key, new Entry("value", value.clone(), 0, clock.millis() + ttl.toMillis()));
    return HResult.S_OK;
  }

  @Override
  public synchronized HResult delete(String key) {
    if (failWith != null) {
      return failWith;
    }
    boolean removed = entries.remove(key) != null | windows.remove(key) != null;
    return removed ? HResult.S_OK : HResult.S_FALSE;
  }

  @Override
  public CompletionStage<Answer<Boolean>> claimAsync(String key, Duration ttl) {
    return answer(
        () -> {
          Out<Boolean> first = new Out<>();
          return new Answer<>(claim(key, ttl, first), first.get());
        });
  }

  @Override
  public CompletionStage<Answer<byte[]>> getOrPutAsync(String key, byte[] value, Duration ttl) {
    return answer(
        () -> {
          Out<byte[]> current = new Out<>();
          return new Answer<>(getOrPut(key, value, ttl, current), current.get());
        });
  }

  @Override
  public CompletionStage<Answer<Long>> incrementAsync(String key, Duration ttl) {
    return answer(
        () -> {
          Out<Long> value = new Out<>();
          return new Answer<>(increment(key, ttl, value), value.get());
        });
  }

  private <T> CompletionStage<Answer<T>> answer(Supplier<Answer<T>> operation) {
    synchronized (this) {
      if (defer) {
        CompletableFuture<Answer<T>> later = new CompletableFuture<>();
        held.add(() -> later.complete(operation.get()));
        return later;
      }
    }
    return CompletableFuture.completedFuture(operation.get());
  }

  private Entry live(String key) {
    Entry e = entries.get(key);
    if (e != null && e.expiresAt() <= clock.millis()) {
      entries.remove(key);
      return null;
    }
    return e;
  }
}
