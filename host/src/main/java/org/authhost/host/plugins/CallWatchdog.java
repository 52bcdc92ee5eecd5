package org.authhost.host.plugins;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.authhost.host.lifecycle.LifeCycle;
import org.authhost.host.time.HostClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces plug-in call time limits without a timer task per call: every thread that calls into a
 * plug-in has a {@link Slot} holding its current {@link CallFrame}, and one daemon thread looks at
 * the slots a hundred times a second. Starting a call therefore costs a clock read and a few
 * writes, and a call past its limit is reported at the limit even while its thread stays stuck.
 *
 * <p>The thread only finds and claims expired calls ({@link #check}); what follows a time-out is
 * the {@link Expiry}'s business, which must be quick: one slow report would hold up every other
 * time limit. A test drives {@link #check} with readings of a fake clock instead of waiting.
 */
final class CallWatchdog extends LifeCycle {
  /** How often the slots are checked; also the precision of every time limit. */
  static final Duration PERIOD = Duration.ofMillis(10);

  private static final Logger log = LoggerFactory.getLogger(CallWatchdog.class);

  /** What happens to a call the watchdog found past its deadline and claimed. */
  interface Expiry {
    void expired(CallFrame frame, Thread thread);
  }

  private final HostClock clock;
  private final Expiry expiry;
  private final CopyOnWriteArrayList<Slot> slots = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Slot> slot = ThreadLocal.withInitial(this::register);
  private volatile Thread thread;

  CallWatchdog(HostClock clock, Expiry expiry) {
    this.clock = clock;
    this.expiry = expiry;
  }

  /**
   * One thread's place: the innermost plug-in call it is making, or null. The thread leaves a call
   * under this object's lock, so that whoever interrupts it under the lock knows which call it is
   * in.
   */
  static final class Slot {
    final Thread thread;
    volatile CallFrame current;

    Slot(Thread thread) {
      this.thread = thread;
    }
  }

  /** This thread's slot. */
  Slot slot() {
    return slot.get();
  }

  /** Another thread's slot, or null if it never called into a plug-in (or has ended). */
  Slot slotFor(Thread thread) {
    for (Slot s : slots) {
      if (s.thread == thread) {
        return s;
      }
    }
    return null;
  }

  /**
   * The calls in progress now, one per thread inside a plug-in: its outermost call, the one the
   * host made (a nested call is part of it).
   */
  List<CallFrame> inProgress() {
    List<CallFrame> calls = new ArrayList<>();
    for (Slot s : slots) {
      CallFrame outermost = null;
      for (CallFrame frame = s.current; frame != null; frame = frame.parent) {
        outermost = frame;
      }
      if (outermost != null && s.thread.isAlive()) {
        calls.add(outermost);
      }
    }
    return calls;
  }

  private Slot register() {
    Slot s = new Slot(Thread.currentThread());
    slots.add(s);
    return s;
  }

  /**
   * Claims every call whose deadline is before {@code now} (a {@link HostClock#nanoTime()} reading)
   * and hands it to the {@link Expiry}: per thread, the outermost such call, since the frames it
   * encloses end with it.
   *
   * @return how many calls were claimed
   */
  int check(long now) {
    int claimed = 0;
    for (Slot s : slots) {
      if (!s.thread.isAlive()) {
        slots.remove(s);
        continue;
      }
      CallFrame expired = null;
      for (CallFrame frame = s.current; frame != null; frame = frame.parent) {
        if (now - frame.deadline > 0 && !frame.get()) {
          expired = frame;
        }
      }
      if (expired != null && expired.expire()) {
        claimed++;
        try {
          expiry.expired(expired, s.thread);
        } catch (RuntimeException | Error e) {
          // The watchdog must outlive any one report.
          log.error("handling the time-out of {} failed", expired.method, e);
        }
      }
    }
    return claimed;
  }

  @Override
  protected void doStart() {
    Thread t = new Thread(this::run, "plugin-call-watchdog");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Idempotent: a second stop, or one after a failed stop, finds no thread and does nothing. */
  @Override
  protected void doStop() throws InterruptedException {
    Thread t = thread;
    thread = null;
    if (t != null) {
      t.interrupt();
      t.join(PERIOD.toMillis() * 100);
    }
  }

  private void run() {
    long period = PERIOD.toNanos();
    while (thread == Thread.currentThread() && !Thread.currentThread().isInterrupted()) {
      LockSupport.parkNanos(period);
      check(clock.nanoTime());
    }
  }
}
