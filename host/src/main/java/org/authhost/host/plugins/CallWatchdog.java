package org.authhost.host.plugins;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces plug-in call time limits without a timer task per call: every thread that calls into a
 * plug-in has a {@link Slot} holding its current {@link CallFrame}, and one daemon thread looks at
 * the slots a hundred times a second. Starting a call therefore costs a clock read and a few
 * writes, and a call past its limit is reported at the limit even while its thread stays stuck.
 */
final class CallWatchdog {
  /** How often the slots are checked; also the precision of every time limit. */
  static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final CopyOnWriteArrayList<Slot> SLOTS = new CopyOnWriteArrayList<>();
  private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(CallWatchdog::register);

  static {
    Thread watchdog = new Thread(CallWatchdog::run, "plugin-call-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private CallWatchdog() {}

  /** One thread's place: the innermost plug-in call it is making, or null. */
  static final class Slot {
    final Thread thread;
    volatile CallFrame current;

    Slot(Thread thread) {
      this.thread = thread;
    }
  }

  static Slot slot() {
    return SLOT.get();
  }

  /** The innermost call of another thread, for the watchdog's own use. */
  static CallFrame slotOf(Thread thread) {
    for (Slot slot : SLOTS) {
      if (slot.thread == thread) {
        return slot.current;
      }
    }
    return null;
  }

  private static Slot register() {
    Slot slot = new Slot(Thread.currentThread());
    SLOTS.add(slot);
    return slot;
  }

  private static void run() {
    while (true) {
      LockSupport.parkNanos(PERIOD_NANOS);
      long now = System.nanoTime();
      for (Slot slot : SLOTS) {
        if (!slot.thread.isAlive()) {
          SLOTS.remove(slot);
          continue;
        }
        for (CallFrame frame = slot.current; frame != null; frame = frame.parent) {
          if (now - frame.deadline > 0 && frame.expire()) {
            try {
              frame.owner.timedOut(frame, slot.thread);
            } catch (Throwable e) {
              // The watchdog must outlive any one report.
              org.slf4j.LoggerFactory.getLogger(CallWatchdog.class).error("reporting a timeout failed", e);
            }
            break;
          }
        }
      }
    }
  }
}
