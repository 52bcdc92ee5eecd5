package org.authhost.host.diagnostics;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.AddressKey;

/**
 * Floods in the audit, summarised per kind of record and client address, as the Digest plug-in's
 * refusal log does for its own events: the first record of a kind from an address is written in
 * full; the ones after it within {@link #window} are counted, and once the window is over one
 * record says how many ("999 more 'refused 401' from 192.0.2.7 in the last 60 s"). The next window
 * begins with a full record again: a flood writes two records per window, kind and address. The
 * kind, not the text, is the key: the text quotes what the client sent, so a client could make
 * every one of them different. The summary does say why, though: it counts the records it folded
 * per reason (the refusal's or failed logon's), the first {@link #MAX_REASONS} reasons by name and
 * the rest together, each name cut at {@link #MAX_REASON_CHARS}, so that someone testing sees that
 * the 2nd and later refusals had other causes than the first; a failed logon's summary counts its
 * accounts, points and protocols the same way ({@link Facets}, {@link Tally}), so that it says whom
 * the folded failures were for.
 *
 * <p>A summary is written when its window ends, by a {@link WindowEnds} timer armed for the
 * earliest window that folded something (one timer at a time, not one per record), so that an
 * operator looking right after a burst finds it within one window; also when the next record of the
 * same kind and address comes after the window, or by {@link #flush} (the HTTP front runs it once
 * per window, off its event loops), and {@link #close} writes what is still counted. Bounded: past
 * {@link #maxKeys} kinds and addresses, records of a new address are counted for "other addresses"
 * of their kind. Thread-safe; records are written outside the lock, so a slow event log never holds
 * up the counting.
 */
public final class AuditFloods {
  /** Kinds and addresses remembered at once: more than a server sees misbehave in one window. */
  public static final int DEFAULT_MAX_KEYS = 10_000;

  /**
   * Full records per window, across all kinds and addresses: past it, records of a new key are
   * counted for "other addresses", so that many addresses (a botnet, an IPv6 network) flooding at
   * once still write a bounded number of records.
   */
  public static final int DEFAULT_FULL_RECORDS = 1_000;

  /** Reasons a summary names, per kind and address; the others are counted together. */
  static final int MAX_REASONS = Tally.MAX_NAMED;

  /** How much of a reason a summary quotes. */
  static final int MAX_REASON_CHARS = Tally.MAX_CHARS;

  /**
   * Runs the writing of summaries when a window ends: on the host's scheduler, which hands the
   * writing to a thread that may write to the event log.
   */
  @FunctionalInterface
  public interface WindowEnds {
    /** No timer: summaries wait for the next record, {@link #flush} or {@link #close}. */
    WindowEnds NONE = (delay, writeSummaries) -> {};

    void at(Duration delay, Runnable writeSummaries);
  }

  /** Where the records go: the audit's part of the event log. */
  @FunctionalInterface
  public interface Sink {
    void write(EventLevel level, HResult code, String text);
  }

  /** One kind of record from one address; a null address stands for "other addresses". */
  private record Key(String kind, String address) {}

  /**
   * What a record says beyond its kind and address, each counted per value in a summary; null where
   * a record says nothing of it.
   *
   * @param reason why a logon failed or a request was refused, as the record's text gives it
   * @param account the account a failed logon was for, as the record spells it
   * @param point the publishing point
   * @param protocol the authentication protocol
   */
  public record Facets(String reason, String account, String point, String protocol) {
    /** A record that gives only its reason (or null for none). */
    public static Facets reason(String reason) {
      return new Facets(reason, null, null, null);
    }
  }

  /** What is counted for one key. */
  private static final class Count {
    final EventLevel level;
    final HResult code;
    long start; // the start of the window being counted, in host-clock milliseconds
    long more; // records since start that were not written in full
    // per facet, what the folded records gave, in the order first seen; null: none gave any
    Tally reasons;
    Tally accounts;
    Tally points;
    Tally protocols;

    /** Folds one record; true for the window's first, which has a summary to write. */
    boolean fold(Facets f) {
      more++;
      reasons = add(reasons, f.reason());
      accounts = add(accounts, f.account());
      points = add(points, f.point());
      protocols = add(protocols, f.protocol());
      return more == 1;
    }

    private static Tally add(Tally tally, String value) {
      if (value == null) {
        return tally;
      }
      Tally t = tally == null ? new Tally() : tally;
      t.add(value);
      return t;
    }

    Count(EventLevel level, HResult code, long start) {
      this.level = level;
      this.code = code;
      this.start = start;
    }
  }

  /** A record to write once the lock is released. */
  private record Pending(EventLevel level, HResult code, String text) {}

  private final Sink sink;
  private final Clock clock;
  private final long windowMillis;
  private final int maxKeys;
  private final int fullRecords;
  private final WindowEnds windowEnds;

  /**
   * The ends of the windows that folded something, earliest first: what the timer is armed for.
   * Ends that are over are dropped when windows expire, so it holds at most one per counted key.
   */
  private final PriorityQueue<Long> foldedEnds = new PriorityQueue<>();

  /** The window end the timer is armed for; {@link Long#MAX_VALUE}: none. */
  private long armedFor = Long.MAX_VALUE;

  /**
   * In the order their windows began, so that the windows that are over are always at its head:
   * finding them never scans the live ones (a full table used to be scanned whole, under the lock,
   * for every record of a new address).
   */
  private final Map<Key, Count> counts = new LinkedHashMap<>();

  /** Full records written in the current global window, and when it began. */
  private long budgetStart = Long.MIN_VALUE;

  private int fullInWindow;

  /**
   * @param window the window of a summary; zero writes every record in full
   */
  public AuditFloods(Sink sink, Clock clock, Duration window, int maxKeys) {
    this(sink, clock, window, maxKeys, DEFAULT_FULL_RECORDS);
  }

  /**
   * @param window the window of a summary; zero writes every record in full
   * @param fullRecords full records per window, across all kinds and addresses
   */
  public AuditFloods(Sink sink, Clock clock, Duration window, int maxKeys, int fullRecords) {
    this(sink, clock, window, maxKeys, fullRecords, WindowEnds.NONE);
  }

  /**
   * @param window the window of a summary; zero writes every record in full
   * @param fullRecords full records per window, across all kinds and addresses
   * @param windowEnds the timer that writes a summary when its window ends
   */
  public AuditFloods(
      Sink sink,
      Clock clock,
      Duration window,
      int maxKeys,
      int fullRecords,
      WindowEnds windowEnds) {
    this.windowEnds = windowEnds;
    this.sink = sink;
    this.clock = clock;
    this.windowMillis = window.toMillis();
    this.maxKeys = maxKeys;
    this.fullRecords = fullRecords;
  }

  /** The window over which a flood is summarised. */
  public Duration window() {
    return Duration.ofMillis(windowMillis);
  }

  /**
   * One record of {@code kind} from {@code address}: written in full now, or counted for a later
   * summary.
   *
   * @param kind what sort of record (e.g. {@code refused 401}); the same for every record of a
   *     flood
   * @param text the full record, written only for the first of a window
   */
  public void record(String kind, String address, EventLevel level, HResult code, String text) {
    record(kind, address, level, code, text, Facets.reason(null));
  }

  /**
   * {@link #record(String, String, EventLevel, HResult, String)} of a record that has a reason (why
   * a logon failed, why a request was refused): a summary counts the ones it folded per reason.
   *
   * @param reason the record's reason as its text gives it, or null
   */
  public void record(
      String kind, String address, EventLevel level, HResult code, String text, String reason) {
    record(kind, address, level, code, text, Facets.reason(reason));
  }

  /**
   * {@link #record(String, String, EventLevel, HResult, String)} of a record with {@code facets} (a
   * failed logon's reason, account, point and protocol): a summary counts the ones it folded per
   * value of each.
   */
  public void record(
      String kind, String address, EventLevel level, HResult code, String text, Facets facets) {
    if (windowMillis == 0) {
      sink.write(level, code, text);
      return;
    }
    List<Pending> out = new ArrayList<>(2);
    long arm = -1;
    long end = 0;
    synchronized (this) {
      long now = clock.millis();
      // An IPv6 client is counted by its /64: it could send every record from a new address.
      Key key = new Key(kind, AddressKey.of(address));
      Count c = counts.get(key);
      if (c == null || now - c.start >= windowMillis) {
        expire(now, out);
        c = counts.get(key);
      }
      if (c == null && (counts.size() >= maxKeys || !withinBudget(now))) {
        // The table is full, or so many keys wrote a full record this window: the new key is
        // counted with the other addresses of its kind.
        key = new Key(kind, null);
        c = counts.get(key);
      }
      if (c == null) {
        counts.put(key, new Count(level, code, now));
        fullInWindow++;
        out.add(new Pending(level, code, text));
      } else if (c.fold(facets) && windowEnds != WindowEnds.NONE) {
        end = c.start + windowMillis;
        foldedEnds.add(end);
        // A timer armed for a time that is past was lost (a scheduler that stopped): arm anew.
        if (end < armedFor || armedFor <= now) {
          armedFor = end;
          arm = end - now;
        }
      }
    }
    write(out);
    if (arm >= 0) {
      long at = end;
      windowEnds.at(Duration.ofMillis(arm), () -> windowEnded(at));
    }
  }

  /**
   * The timer armed for {@code end}: writes the summaries of the windows that are over, and arms
   * for the next window that folded something.
   */
  private void windowEnded(long end) {
    List<Pending> out = new ArrayList<>();
    long arm = -1;
    long next = 0;
    synchronized (this) {
      long now = clock.millis();
      expire(now, out);
      if (armedFor == end || armedFor <= now) {
        // This is the timer in force (or the one in force is late): the next is armed from here.
        // An earlier timer that a later fold superseded finds another in force and does no more.
        Long first = foldedEnds.peek();
        armedFor = first == null ? Long.MAX_VALUE : first;
        if (first != null) {
          next = first;
          // Early by a clock's rounding: the window is not quite over, and this arms again at once.
          arm = Math.max(0, first - now);
        }
      }
    }
    write(out);
    if (arm >= 0) {
      long at = next;
      windowEnds.at(Duration.ofMillis(arm), () -> windowEnded(at));
    }
  }

  /** Summaries of the windows that are over; their kinds and addresses are forgotten. */
  public void flush() {
    List<Pending> out = new ArrayList<>();
    synchronized (this) {
      expire(clock.millis(), out);
    }
    write(out);
  }

  /** Summaries of everything still counted, whatever its window; when the front stops. */
  public void close() {
    List<Pending> out = new ArrayList<>();
    synchronized (this) {
      long now = clock.millis();
      counts.forEach(
          (key, c) -> {
            if (c.more > 0) {
              out.add(summary(key, c, now));
            }
          });
      counts.clear();
      foldedEnds.clear();
      armedFor = Long.MAX_VALUE;
    }
    write(out);
  }

  /** How many kinds and addresses are counted now (for tests). */
  synchronized int size() {
    return counts.size();
  }

  /**
   * Writes the summaries of the windows that are over and forgets their keys: they are at the head
   * of the table (it is in start order), so this stops at the first window still open. The next
   * record of such a key starts a new window with a full record.
   */
  private void expire(long now, List<Pending> out) {
    while (!foldedEnds.isEmpty() && foldedEnds.peek() <= now) {
      foldedEnds.poll();
    }
    for (Iterator<Map.Entry<Key, Count>> it = counts.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Count> e = it.next();
      Count c = e.getValue();
      if (now - c.start < windowMillis) {
        return;
      }
      if (c.more > 0) {
        out.add(summary(e.getKey(), c, now));
      }
      it.remove();
    }
  }

  /** Whether another full record fits in this window's global budget. */
  private boolean withinBudget(long now) {
    if (budgetStart == Long.MIN_VALUE || now - budgetStart >= windowMillis) {
      budgetStart = now;
      fullInWindow = 0;
    }
    return fullInWindow < fullRecords;
  }

  private Pending summary(Key key, Count c, long now) {
    // The records were folded inside the window: a summary written late (a timer, or the next
    // record, after the window's end) still covers the window, not the time until it was written.
    long covered = Math.min(now - c.start, windowMillis);
    long seconds = Math.max(1, (covered + 999) / 1000);
    return new Pending(
        c.level,
        c.code,
        "summary: "
            + c.more
            + " more '"
            + key.kind()
            + "' from "
            + (key.address() == null
                ? "other addresses (the table of addresses, or the window's budget of full"
                    + " records, was full)"
                : "client=" + key.address())
            + reasons(c)
            + " in the last "
            + seconds
            + " s");
  }

  /**
   * What a summary says of the records it folded, per facet: {@code (reasons: "bad signature" 3,
   * "link expired" 1, 2 other; accounts: "AUTHHOST\\bob" 5, "AUTHHOST\\alice" 1; points: "cam" 6;
   * protocols: "Digest" 6)}; nothing when the records gave none.
   */
  private static String reasons(Count c) {
    StringBuilder text = new StringBuilder();
    String[] names = {"reasons", "accounts", "points", "protocols"};
    Tally[] tallies = {c.reasons, c.accounts, c.points, c.protocols};
    for (int i = 0; i < names.length; i++) {
      if (tallies[i] != null) {
        text.append(text.length() == 0 ? " (" : "; ");
        tallies[i].appendTo(text, names[i]);
      }
    }
    return text.length() == 0 ? "" : text.append(')').toString();
  }

  private void write(List<Pending> out) {
    for (Pending p : out) {
      sink.write(p.level(), p.code(), p.text());
    }
  }
}
