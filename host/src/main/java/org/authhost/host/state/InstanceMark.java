package org.authhost.host.state;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The store's life mark one plug-in instance carries in its calls: the one the store had when the
 * host began to enable it. What the instance read while it enabled (Digest: its nonce key and
 * epoch) belongs to that life; once Redis has lost its data and the hosts have adopted a new mark,
 * calls under the old one are refused (503), whatever the timing. Such an instance is restarted by
 * the host ({@link HostState}), and its new enable carries the new mark.
 *
 * <p>Each enable is a new {@link Enable}, never the old one updated in place: the reset disables
 * and enables the same instance, and a request that was already inside a verifier built by the
 * earlier enable (Digest's, held in a slow {@code getDigestHa1} across the whole reset) must still
 * carry the earlier mark. A view {@link #pinned} to one enable (what the plug-in fetched while it
 * was being enabled) keeps that enable's mark for good; the instance's own view takes the latest
 * enable's at the start of each call.
 */
final class InstanceMark {
  private final Supplier<String> storeLife;
  private final Runnable onEnabling;
  private final Runnable onRefused;
  private final AtomicReference<Enable> current;

  /** The instance's own mark, whose {@link #current} is the latest enable's; null for itself. */
  private final InstanceMark instance;

  /**
   * @param storeLife the mark the host knows the store by now (null before any connection)
   * @param onEnabling told at each enable
   * @param onRefused told (once per enable) when a call under the instance's latest enable was
   *     refused for an old mark
   */
  InstanceMark(Supplier<String> storeLife, Runnable onEnabling, Runnable onRefused) {
    this.storeLife = storeLife;
    this.onEnabling = onEnabling;
    this.onRefused = onRefused;
    this.current = new AtomicReference<>(new Enable(null));
    this.instance = null;
  }

  private InstanceMark(InstanceMark instance, Enable fixed) {
    this.storeLife = instance.storeLife;
    this.onEnabling = instance.onEnabling;
    this.onRefused = instance.onRefused;
    this.current = new AtomicReference<>(fixed);
    this.instance = instance;
  }

  /** The host begins to bring the instance into service: its calls carry the store's mark now. */
  void enabling() {
    if (instance != null) {
      throw new IllegalStateException("a view pinned to one enable is never enabled again");
    }
    current.set(new Enable(storeLife.get()));
    onEnabling.run();
  }

  /** A mark that stays the one of the instance's enable of now, whatever enables follow. */
  InstanceMark pinned() {
    return new InstanceMark(instance == null ? this : instance, current.get());
  }

  /** The enable a call starting now carries: taken once, at the call's start. */
  Enable now() {
    return current.get();
  }

  /** Whether the instance's latest enable was made under another life than {@code now}. */
  boolean staleAgainst(String now) {
    return current.get().staleAgainst(now);
  }

  /**
   * A call under {@code enable} was refused: the store lost its data after that enable. The host
   * hears of it only for the instance's latest enable (an earlier one's request in flight ends with
   * its 503; the instance itself was restarted already).
   */
  void refused(Enable enable) {
    InstanceMark owner = instance == null ? this : instance;
    if (owner.current.get() == enable && enable.told.compareAndSet(false, true)) {
      onRefused.run();
    }
  }

  /**
   * The host did not restart the instance for {@code enable}'s refusal (a reset was under way, or
   * the restart was declined): the next refused call of that enable tells it again.
   */
  void askAgain(Enable enable) {
    enable.told.set(false);
  }

  /** One enable of the instance and the store's life it was made under. */
  static final class Enable {
    private final AtomicReference<String> life;
    private final AtomicBoolean told = new AtomicBoolean();

    private Enable(String life) {
      this.life = new AtomicReference<>(life);
    }

    /**
     * The mark a call carries, {@code now} being the store's: the one of the enable, or, for an
     * instance enabled before any connection (nothing it holds came from the store), the first one
     * it meets.
     */
    String carried(String now) {
      String mine = life.get();
      if (mine == null) {
        life.compareAndSet(null, now);
        mine = life.get();
      }
      return mine;
    }

    /** Whether the enable was made under another life than {@code now}. */
    boolean staleAgainst(String now) {
      String mine = life.get();
      return mine != null && now != null && !mine.equals(now);
    }
  }
}
