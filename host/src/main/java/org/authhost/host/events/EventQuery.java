package org.authhost.host.events;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;

/**
 * Which events to read from the log. Start from {@link #all()} and narrow it with the withers:
 * {@code EventQuery.all().withLevel(EventLevel.ERROR).withSource("anonymous").withLimit(50)}; or,
 * for a query whose filters each depend on a condition, set them on a {@link #builder()}. Each
 * wither is the builder's setter on a copy, so the list of filters is written once, in the builder.
 *
 * <p>Every filter must pass for a record to match. Results always come back in record-number order,
 * oldest first.
 *
 * @param afterRecordNumber only records numbered above this; 0 reads from the oldest record kept. A
 *     follower passes the last number it has seen.
 * @param levels only these levels; empty means every level
 * @param source only this exact source (plug-in id or {@code "host"}); null means every source
 * @param hresult only this code; null means every code
 * @param from only records at or after this instant; null means no lower bound
 * @param to only records strictly before this instant; null means no upper bound
 * @param limit when positive, only the newest {@code limit} matching records (like {@code tail
 *     -n}), whatever {@code afterRecordNumber} is; 0 means every matching record
 * @param beforeRecordNumber only records numbered below this; 0 means no upper bound (a page of
 *     older records: the web console's)
 * @param anySource only records from one of these sources; empty means every source (a plug-in's
 *     own events and the host's about it: {@code id} and {@code host:id})
 * @param containing only records whose text contains this, ignoring case; null means any text
 */
public record EventQuery(
    long afterRecordNumber,
    Set<EventLevel> levels,
    String source,
    HResult hresult,
    Instant from,
    Instant to,
    int limit,
    long beforeRecordNumber,
    Set<String> anySource,
    String containing) {

  private static final EventQuery ALL =
      new EventQuery(0, Set.of(), null, null, null, null, 0, 0, Set.of(), null);

  public EventQuery {
    if (afterRecordNumber < 0) {
      throw new IllegalArgumentException(
          "afterRecordNumber must be >= 0, not " + afterRecordNumber);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 (0 = no limit), not " + limit);
    }
    if (beforeRecordNumber < 0) {
      throw new IllegalArgumentException(
          "beforeRecordNumber must be >= 0 (0 = no bound), not " + beforeRecordNumber);
    }
    levels = levels == null ? Set.of() : Set.copyOf(levels);
    anySource = anySource == null ? Set.of() : Set.copyOf(anySource);
    containing = containing == null || containing.isEmpty() ? null : containing;
  }

  /** Every record, oldest first. */
  public static EventQuery all() {
    return ALL;
  }

  /** Only records numbered above {@code recordNumber}. */
  public EventQuery withAfterRecordNumber(long recordNumber) {
    return toBuilder().afterRecordNumber(recordNumber).build();
  }

  /** Only records at one of these levels; none means every level. */
  public EventQuery withLevel(EventLevel... wanted) {
    return toBuilder().level(wanted).build();
  }

  /** Only records at one of these levels; an empty set means every level. */
  public EventQuery withLevels(Set<EventLevel> wanted) {
    return toBuilder().levels(wanted).build();
  }

  /** Only records from this source; null means every source. */
  public EventQuery withSource(String wanted) {
    return toBuilder().source(wanted).build();
  }

  /** Only records with this code; null means every code. */
  public EventQuery withHResult(HResult wanted) {
    return toBuilder().hresult(wanted).build();
  }

  /** Only records at or after this instant; null removes the bound. */
  public EventQuery withFrom(Instant inclusive) {
    return toBuilder().from(inclusive).build();
  }

  /** Only records strictly before this instant; null removes the bound. */
  public EventQuery withTo(Instant exclusive) {
    return toBuilder().to(exclusive).build();
  }

  /** Only the newest {@code newest} matches; 0 means all of them. */
  public EventQuery withLimit(int newest) {
    return toBuilder().limit(newest).build();
  }

  /** Only records numbered below {@code recordNumber}; 0 removes the bound. */
  public EventQuery withBeforeRecordNumber(long recordNumber) {
    return toBuilder().beforeRecordNumber(recordNumber).build();
  }

  /** Only records from one of these sources; an empty set means every source. */
  public EventQuery withAnySource(Set<String> wanted) {
    return toBuilder().anySource(wanted).build();
  }

  /** Only records whose text contains {@code text}, ignoring case; null means any text. */
  public EventQuery withContaining(String text) {
    return toBuilder().containing(text).build();
  }

  /** A query to fill in, from every record: for a query made of several optional filters. */
  public static Builder builder() {
    return ALL.toBuilder();
  }

  /** This query, to narrow further. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Sets the filters one at a time; {@link #build} checks them (the record's constructor). The
   * setters mean what the record's components do.
   */
  public static final class Builder {
    private long afterRecordNumber;
    private Set<EventLevel> levels;
    private String source;
    private HResult hresult;
    private Instant from;
    private Instant to;
    private int limit;
    private long beforeRecordNumber;
    private Set<String> anySource;
    private String containing;

    private Builder(EventQuery q) {
      afterRecordNumber = q.afterRecordNumber;
      levels = q.levels;
      source = q.source;
      hresult = q.hresult;
      from = q.from;
      to = q.to;
      limit = q.limit;
      beforeRecordNumber = q.beforeRecordNumber;
      anySource = q.anySource;
      containing = q.containing;
    }

    public Builder afterRecordNumber(long recordNumber) {
      afterRecordNumber = recordNumber;
      return this;
    }

    public Builder level(EventLevel... wanted) {
      Set<EventLevel> set = EnumSet.noneOf(EventLevel.class);
      set.addAll(Arrays.asList(wanted));
      return levels(set);
    }

    public Builder levels(Set<EventLevel> wanted) {
      levels = wanted;
      return this;
    }

    public Builder source(String wanted) {
      source = wanted;
      return this;
    }

    public Builder hresult(HResult wanted) {
      hresult = wanted;
      return this;
    }

    public Builder from(Instant inclusive) {
      from = inclusive;
      return this;
    }

    public Builder to(Instant exclusive) {
      to = exclusive;
      return this;
    }

    public Builder limit(int newest) {
      limit = newest;
      return this;
    }

    public Builder beforeRecordNumber(long recordNumber) {
      beforeRecordNumber = recordNumber;
      return this;
    }

    public Builder anySource(Set<String> wanted) {
      anySource = wanted;
      return this;
    }

    public Builder containing(String text) {
      containing = text;
      return this;
    }

    public EventQuery build() {
      return new EventQuery(
          afterRecordNumber,
          levels,
          source,
          hresult,
          from,
          to,
          limit,
          beforeRecordNumber,
          anySource,
          containing);
    }
  }

  /**
   * Whether the record passes every filter, {@link #afterRecordNumber()} included. The {@link
   * #limit()} is not a property of one record and is not applied here.
   */
  public boolean matches(EventRecord record) {
    return record.recordNumber() > afterRecordNumber
        && (levels.isEmpty() || levels.contains(record.level()))
        && (source == null || source.equals(record.source()))
        && (hresult == null || hresult.equals(record.hresult()))
        && (from == null || !record.time().isBefore(from))
        && (to == null || record.time().isBefore(to))
        && (beforeRecordNumber == 0 || record.recordNumber() < beforeRecordNumber)
        && (anySource.isEmpty() || anySource.contains(record.source()))
        && (containing == null || containsIgnoringCase(record.text(), containing));
  }

  private static boolean containsIgnoringCase(String text, String part) {
    int n = part.length();
    for (int i = 0; i + n <= text.length(); i++) {
      if (text.regionMatches(true, i, part, 0, n)) {
        return true;
      }
    }
    return false;
  }
}
