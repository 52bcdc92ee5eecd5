package org.authhost.host.state;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The store's life mark one plug-in instance carries in every call: the one the store had when the
 * host began to enable it. What the instance read while it enabled (Digest: its nonce key and
 * epoch) belongs to that life; once Redis has lost its data and the hosts have adopted a new mark,
 * every call of the instance carries the old one and is refused (503), whatever the timing: a
 * request already inside a verifier, an enable that ran across the reset. Such an instance is
 * restarted by the host ({@link HostState}), and its new enable carries the new mark.
 */
final class InstanceMark {
  private final Supplier<String> storeLife;
  private final Runnable onEnabling;
  private final Runnable onRefused;
  private final AtomicReference<String> life = new AtomicReference<>();
  private final AtomicBoolean told = new AtomicBoolean();

  /**
   * @param storeLife the mark the host knows the store by now (null before any connection)
   * @param onEnabling told at each enable
   * @param onRefused told (once until the next enable) when a call was refused for an old mark
   */
  InstanceMark(Supplier<String> storeLife, Runnable onEnabling, Runnable onRefused) {
    this.storeLife = storeLife;
    this.onEnabling = onEnabling;
    this.onRefused = onRefused;
  }

  /** The host begins to bring the instance into service: its calls carry the store's mark now. */
  void enabling() {
    life.set(storeLife.get());
    told.set(false);
    onEnabling.run();
  }

  /**
   * The mark a call carries, {@code now} being the store's: the one of the enable, or, for an
   * instance enabled before any connection (nothing it holds came from the store), the first one it
   * meets.
   */
  String carried(String now) {
    String mine = life.get();
    if (mine == null) {
      life.compareAndSet(null, now);
      mine = life.get();
    }
    return mine;
  }

  /** Whether the instance was enabled under another life than {@code now}. */
  boolean staleAgainst(String now) {
    String mine = life.get();
    return mine != null && now != null && !mine.equals(now);
  }

  /** A call was refused: the store lost its data after this instance was enabled. */
  void refused() {
    if (told.compareAndSet(false, true)) {
      onRefused.run();
    }
  }
}
