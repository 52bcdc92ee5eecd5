package org.authhost.host.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Set;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.junit.jupiter.api.Test;

/** The query's builder and its withers: one list of filters, every one carried. */
class EventQueryTest {
  private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-01-02T00:00:00Z");

  @Test
  void theBuilderSetsEveryFilterAndACopyCarriesThemAll() {
    EventQuery q =
        EventQuery.builder()
            .afterRecordNumber(7)
            .level(EventLevel.ERROR, EventLevel.WARNING)
            .source("basic")
            .hresult(HResult.E_FAIL)
            .from(FROM)
            .to(TO)
            .limit(50)
            .beforeRecordNumber(900)
            .anySource(Set.of("basic", "host:basic"))
            .containing("logon")
            .build();
    assertEquals(
        new EventQuery(
            7,
            Set.of(EventLevel.ERROR, EventLevel.WARNING),
            "basic",
            HResult.E_FAIL,
            FROM,
            TO,
            50,
            900,
            Set.of("basic", "host:basic"),
            "logon"),
        q);
    assertEquals(q, q.toBuilder().build(), "no filter is dropped on the way");
    assertEquals(EventQuery.all(), EventQuery.builder().build());
  }

  @Test
  void eachWitherChangesItsFilterOnly() {
    EventQuery base = EventQuery.all().withSource("basic").withLimit(5);
    assertEquals(
        EventQuery.builder().source("basic").limit(5).afterRecordNumber(3).build(),
        base.withAfterRecordNumber(3));
    assertEquals(
        EventQuery.builder().source("basic").limit(5).containing("x").build(),
        base.withContaining("x"));
    assertEquals(EventQuery.builder().limit(5).build(), base.withSource(null));
    assertEquals(Set.of(EventLevel.ERROR), base.withLevel(EventLevel.ERROR).levels());
    assertEquals(TO, base.withTo(TO).to());
    assertEquals(FROM, base.withFrom(FROM).from());
  }

  @Test
  void badValuesAreRefusedWhenBuilt() {
    EventQuery.Builder negative = EventQuery.builder().limit(-1);
    assertThrows(IllegalArgumentException.class, negative::build);
    assertThrows(IllegalArgumentException.class, () -> EventQuery.all().withAfterRecordNumber(-1));
  }
}
