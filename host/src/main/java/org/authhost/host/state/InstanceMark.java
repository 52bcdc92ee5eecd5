package org.authhost.host.state;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
  private final Clock clock;
  private final Duration inFlightBound;
  private final Runnable onKeptView;
  private final AtomicBoolean toldKeptView = new AtomicBoolean();
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
    this(storeLife, onEnabling, onRefused, Clock.systemUTC(), Duration.ofMinutes(1), () -> {});
  }

  /**
   * @param clock the host's
   * @param inFlightBound how long a request admitted under one enable can still be answered after
   *     the next enable began (its calls' time limits)
   * @param onKeptView told (once per instance) when a call under an earlier enable is refused
   *     longer than {@code inFlightBound} after the latest enable began: no request in flight, but
   *     a view the plug-in kept from an earlier {@code EnablePlugin}, or a blocking call that
   *     overran its time limit and still runs on its bulkhead thread (the two look alike here)
   */
  InstanceMark(
      Supplier<String> storeLife,
      Runnable onEnabling,
      Runnable onRefused,
      Clock clock,
      Duration inFlightBound,
      Runnable onKeptView) {
    this.storeLife = storeLife;
    this.onEnabling = onEnabling;
    this.onRefused = onRefused;
    this.clock = clock;
    this.inFlightBound = inFlightBound;
    this.onKeptView = onKeptView;
    this.current = new AtomicReference<>(new Enable(null, clock.instant()));
    this.instance = null;
  }

  private InstanceMark(InstanceMark instance, Enable fixed) {
    this.storeLife = instance.storeLife;
    this.onEnabling = instance.onEnabling;
    this.onRefused = instance.onRefused;
    this.clock = instance.clock;
    this.inFlightBound = instance.inFlightBound;
    this.onKeptView = instance.onKeptView;
    this.current = new AtomicReference<>(fixed);
    this.instance = instance;
  }

  /** The host begins to bring the instance into service: its calls carry the store's mark now. */
  void enabling() {
    if (instance != null) {
      throw new IllegalStateException("a view pinned to one enable is never enabled again");
    }
    current.set(new Enable(storeLife.get(), clock.instant()));
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
    Enable latest = owner.current.get();
    if (latest == enable) {
      if (enable.told.compareAndSet(false, true)) {
        onRefused.run();
      }
    } else if (!latest.began.plus(inFlightBound).isAfter(clock.instant())
        && owner.toldKeptView.compareAndSet(false, true)) {
      // Past every time limit of a request admitted before: the plug-in kept the view, or a call
      // that overran its limit (still running, abandoned by the guard) reached the store late.
      onKeptView.run();
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
    private final Instant began;

    private Enable(String life, Instant began) {
      this.life = new AtomicReference<>(life);
      this.began = began;
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
