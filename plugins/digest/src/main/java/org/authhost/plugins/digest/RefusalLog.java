package org.authhost.plugins.digest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.authhost.api.support.PluginEvents;

/**
 * The plug-in's INFORMATION events about refused requests, so that a flood of bad requests from one
 * address cannot write one event each.
 *
 * <p>Per client address and {@link Refusal.Kind}: the first refusal is logged with its reason; the
 * ones after it are counted, and at most once per interval one event says how many and over what
 * span ("12 more malformed Digest requests from 192.0.2.7 in 42 s": from the first to the last
 * refusal it counted). An address that stays quiet for a whole interval starts over with a full
 * event. The kind, not the reason, is the key: the reason quotes what the client sent, so a client
 * could make every one of them different.
 *
 * <p>Bounded memory: a fixed table of slots, probed at a few places from the address's hash. When
 * all of them are in use, the refusal is counted for "other addresses" of its kind. A flood from
 * many addresses thus writes at most one full event per slot and per interval, and one summary per
 * slot and per kind. Addresses whose hashes collide, by chance or on purpose, only share those
 * places.
 *
 * <p>Summaries go out on the plug-in's heartbeat ({@link #flush}), or at the next refusal for the
 * same address, whichever comes first; {@link #close} writes what is still counted. So a summary is
 * often written well after its interval (the heartbeat comes every few seconds, or not at all), and
 * "other addresses" keep counting until one is: the span a summary gives is that of the refusals it
 * counts, never the time until it was written. (The host's audit summaries say "in the last 60 s",
 * their window, which holds all they count and which a timer ends on time; here "other addresses"
 * count past the interval and no timer writes on time, so the span is given instead.) Thread-safe.
 * Events are written outside the lock, so a slow event log never holds up the counting.
 */
final class RefusalLog {
  /** How often a flood from one address gets a summary. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

  /** Addresses remembered at once: more than a server sees misbehave in one interval. */
  static final int DEFAULT_SLOTS = 256;

  /** Places tried per address: a few, so that a busy neighbourhood rarely spills to "others". */
  private static final int PROBES = 4;

  private final PluginEvents events;
  private final Clock clock;
  private final long intervalMillis;
  private final Slot[] slots;

  /** One per kind: what could not get a slot. */
  private final Slot[] others;

  /** What is counted for one address and kind (or for "others" of one kind, with no address). */
  private static final class Slot {
    String address; // null: free
    Refusal.Kind kind;
    long start; // the start of the interval being counted
    long count; // refusals since start that were not logged in full
    long first; // when the first of them came
    long last; // when the last of them came

    void count(long now) {
      if (count++ == 0) {
        first = now;
      }
      last = now;
    }
  }

  /**
   * @param interval how often a flood gets a summary
   * @param slots how many addresses are remembered at once; a power of two
   */
  RefusalLog(PluginEvents events, Clock clock, Duration interval, int slots) {
    if (slots < PROBES || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException(
          "slots must be a power of two, at least " + PROBES + ": " + slots);
    }
    this.events = events;
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
    this.slots = newSlots(slots);
    this.others = newSlots(Refusal.Kind.values().length);
    for (Refusal.Kind kind : Refusal.Kind.values()) {
      others[kind.ordinal()].kind = kind;
    }
  }

  private static Slot[] newSlots(int n) {
    Slot[] table = new Slot[n];
    for (int i = 0; i < n; i++) {
      table[i] = new Slot();
    }
    return table;
  }

  /** One refused request from {@code address}: an event now, or a count for a later summary. */
  void refused(String clientAddress, Refusal refusal) {
    String address = clientAddress == null ? "?" : clientAddress;
    List<String> texts = new ArrayList<>(2);
    synchronized (this) {
      long now = clock.millis();
      Slot slot = find(address, refusal.kind(), now, texts);
      if (slot == null) {
        Slot other = others[refusal.kind().ordinal()];
        if (other.count == 0) {
          other.start = now;
        }
        other.count(now);
      } else if (slot.address == null) {
        slot.address = address;
        slot.kind = refusal.kind();
        slot.start = now;
        slot.count = 0;
        texts.add(full(address, refusal));
      } else if (now - slot.start < intervalMillis) {
        slot.count(now);
      } else if (slot.count > 0) {
        // The flood goes on: its summary, and this one starts the next interval's count.
        texts.add(summary(slot));
        slot.start = now;
        slot.count = 0;
        slot.count(now);
      } else {
        // Quiet for a whole interval since the last summary: a first refusal again.
        slot.start = now;
        texts.add(full(address, refusal));
      }
    }
    texts.forEach(events::refused);
  }

  /**
   * Summaries for the intervals that are over; for the heartbeat. A slot whose address stayed quiet
   * for a whole interval is freed.
   */
  void flush() {
    List<String> texts = new ArrayList<>();
    synchronized (this) {
      long now = clock.millis();
      for (Slot slot : slots) {
        if (slot.address != null && now - slot.start >= intervalMillis) {
          if (slot.count > 0) {
            texts.add(summary(slot));
            slot.start = now;
            slot.count = 0;
          } else {
            slot.address = null;
          }
        }
      }
      for (Slot other : others) {
        if (other.count > 0 && now - other.start >= intervalMillis) {
          texts.add(summary(other));
          other.count = 0;
        }
      }
    }
    texts.forEach(events::refused);
  }

  /** Summaries of everything still counted, whatever its interval; for disable. */
  void close() {
    List<String> texts = new ArrayList<>();
    synchronized (this) {
      for (Slot slot : slots) {
        if (slot.address != null && slot.count > 0) {
          texts.add(summary(slot));
        }
        slot.address = null;
      }
      for (Slot other : others) {
        if (other.count > 0) {
          texts.add(summary(other));
          other.count = 0;
        }
      }
    }
    texts.forEach(events::refused);
  }

  /**
   * The slot of {@code address} and {@code kind}; else a free one; else one whose interval is over,
   * its summary added to {@code texts} and the slot freed; else {@code null}.
   */
  private Slot find(String address, Refusal.Kind kind, long now, List<String> texts) {
    int mask = slots.length - 1;
    int h = address.hashCode() * 31 + kind.ordinal();
    int base = h ^ (h >>> 16);
    Slot reusable = null;
    for (int i = 0; i < PROBES; i++) {
      Slot s = slots[(base + i) & mask];
      if (s.address != null && s.kind == kind && s.address.equals(address)) {
        return s;
      }
      if (reusable == null || (reusable.address != null && s.address == null)) {
        if (s.address == null || now - s.start >= intervalMillis) {
          reusable = s;
        }
      }
    }
    if (reusable != null && reusable.address != null) {
      if (reusable.count > 0) {
        texts.add(summary(reusable));
      }
      reusable.address = null;
    }
    return reusable;
  }

  private static String full(String address, Refusal refusal) {
    return "Digest response from " + address + " refused: " + refusal.reason();
  }

  private static String summary(Slot slot) {
    long seconds = Math.max(1, (slot.last - slot.first + 999) / 1000);
    return slot.count
        + " more "
        + slot.kind.adjective()
        + " Digest requests from "
        + (slot.address == null
            ? "other addresses (the plug-in's table of addresses was full)"
            : slot.address)
        + " in "
        + seconds
        + " s";
  }
}
