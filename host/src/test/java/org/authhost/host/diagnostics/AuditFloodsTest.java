package org.authhost.host.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The audit's summaries of floods, per kind and address, on a fake clock. */
class AuditFloodsTest {
  private final MutableClock clock = new MutableClock();
  private final List<String> written = new ArrayList<>();
  private final List<EventLevel> levels = new ArrayList<>();

  private AuditFloods floods(Duration window, int maxKeys) {
    return new AuditFloods(
        (level, code, text) -> {
          levels.add(level);
          written.add(text);
        },
        clock,
        window,
        maxKeys);
  }

  private static void refused(AuditFloods f, String address, int n) {
    for (int i = 0; i < n; i++) {
      f.record(
          "refused 401", address, EventLevel.INFORMATION, HResult.SEC_E_INVALID_TOKEN, "r" + i);
    }
  }

  @Test
  void aFloodIsItsFirstRecordAndOneSummaryPerWindow() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    refused(f, "192.0.2.7", 1000);
    f.record("logon failed", "192.0.2.7", EventLevel.WARNING, HResult.SEC_E_LOGON_DENIED, "lf");
    refused(f, "198.51.100.1", 2);
    assertEquals(List.of("r0", "lf", "r0"), written, "one full record per kind and address");
    clock.advance(Duration.ofSeconds(30));
    f.flush();
    assertEquals(3, written.size(), "the window is not over");
    clock.advance(Duration.ofSeconds(30));
    f.flush();
    assertEquals(
        List.of(
            "r0",
            "lf",
            "r0",
            "summary: 1 more 'refused 401' from client=198.51.100.1 in the last 60 s",
            "summary: 999 more 'refused 401' from client=192.0.2.7 in the last 60 s"),
        sortedTail(written, 3));
    assertEquals(EventLevel.INFORMATION, levels.get(3));
    assertEquals(0, f.size(), "flushed windows are forgotten");
    // The flood goes on: a new window begins with a full record again.
    refused(f, "192.0.2.7", 3);
    assertEquals("r0", written.get(written.size() - 1));
  }

  /**
   * The 2nd and later records of a window are folded, but not their reasons: the summary counts
   * them per reason, so someone testing sees every cause, not only the first record's.
   */
  @Test
  void aSummaryCountsTheRecordsItFoldedPerReason() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    HResult denied = HResult.E_ACCESSDENIED;
    f.record("refused 403", "192.0.2.7", EventLevel.WARNING, denied, "first", "bad signature");
    f.record("refused 403", "192.0.2.7", EventLevel.WARNING, denied, "2", "link expired");
    f.record("refused 403", "192.0.2.7", EventLevel.WARNING, denied, "3", "bad signature");
    f.record("refused 403", "192.0.2.7", EventLevel.WARNING, denied, "4", "account \"x\\\"");
    f.record("refused 403", "192.0.2.7", EventLevel.WARNING, denied, "5", "link expired");
    f.record("refused 403", "192.0.2.7", EventLevel.WARNING, denied, "6", "link expired");
    clock.advance(Duration.ofSeconds(60));
    f.flush();
    assertEquals(
        List.of(
            "first",
            "summary: 5 more 'refused 403' from client=192.0.2.7 (reasons: \"link expired\" 3,"
                + " \"bad signature\" 1, \"account \\\"x\\\\\\\"\" 1) in the last 60 s"),
        written);
  }

  /**
   * A failed logon's summary says whom the folded records were for: per account (as the records
   * spell it, so that a search for {@code AUTHHOST\\bob} finds it), point and protocol, bounded as
   * the reasons are.
   */
  @Test
  void aLogonFailuresSummaryCountsItsAccountsPointsAndProtocols() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    String reason = "credentials refused by the plug-in";
    String[][] failures = {
      {"AUTHHOST\\alice", "files", "Digest"},
      {"AUTHHOST\\bob", "cam", "Digest"},
      {"AUTHHOST\\bob", "cam", "Digest"},
      {"AUTHHOST\\alice", "files", "Basic"},
      {"AUTHHOST\\bob", "files", "Digest"},
      {"u1", "files", "Digest"},
      {"u2", "files", "Digest"},
      {"u3", "files", "Digest"},
      {"u4", "files", "Digest"}
    };
    for (String[] fail : failures) {
      f.record(
          "logon failed",
          "192.0.2.7",
          EventLevel.WARNING,
          HResult.SEC_E_LOGON_DENIED,
          "lf",
          new AuditFloods.Facets(reason, fail[0], fail[1], fail[2]));
    }
    clock.advance(Duration.ofSeconds(60));
    f.flush();
    assertEquals(
        "summary: 8 more 'logon failed' from client=192.0.2.7 (reasons: \""
            + reason
            + "\" 8; accounts: \"AUTHHOST\\\\bob\" 3, \"AUTHHOST\\\\alice\" 1, \"u1\" 1,"
            + " \"u2\" 1, \"u3\" 1, 1 other; points: \"cam\" 2, \"files\" 6;"
            + " protocols: \"Digest\" 7, \"Basic\" 1) in the last 60 s",
        written.get(1));
  }

  @Test
  void theReasonsASummaryNamesAreBoundedInNumberAndLength() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    for (int i = 0; i <= 20; i++) {
      f.record("logon failed", "192.0.2.7", EventLevel.WARNING, HResult.E_FAIL, "lf", "r" + i);
    }
    String long1 = "y".repeat(AuditFloods.MAX_REASON_CHARS + 50);
    AuditFloods g = floods(Duration.ofSeconds(60), 100);
    g.record("refused 401", "192.0.2.8", EventLevel.INFORMATION, HResult.E_FAIL, "r", long1);
    g.record("refused 401", "192.0.2.8", EventLevel.INFORMATION, HResult.E_FAIL, "r", long1);
    clock.advance(Duration.ofSeconds(60));
    f.flush();
    g.flush();
    assertEquals(
        "summary: 20 more 'logon failed' from client=192.0.2.7 (reasons: \"r1\" 1, \"r2\" 1,"
            + " \"r3\" 1, \"r4\" 1, \"r5\" 1, 15 other) in the last 60 s",
        written.get(2));
    assertEquals(
        "summary: 1 more 'refused 401' from client=192.0.2.8 (reasons: \""
            + "y".repeat(AuditFloods.MAX_REASON_CHARS)
            + "\u2026\" 1) in the last 60 s",
        written.get(3));
  }

  @Test
  void aLongReasonIsCutAtAWordBoundaryWithAnEllipsis() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    // 117 characters of whole words, then a word that runs past the limit of 120.
    String words = "word ".repeat(23) + "ab";
    String reason = words + " unreadable credentials";
    f.record("refused 401", "192.0.2.8", EventLevel.INFORMATION, HResult.E_FAIL, "r", reason);
    f.record("refused 401", "192.0.2.8", EventLevel.INFORMATION, HResult.E_FAIL, "r", reason);
    clock.advance(Duration.ofSeconds(60));
    f.flush();
    assertEquals(
        "summary: 1 more 'refused 401' from client=192.0.2.8 (reasons: \""
            + words
            + "\u2026\" 1) in the last 60 s",
        written.get(1));
  }

  /** The first {@code head} entries as they are, the rest sorted (a map's order). */
  private static List<String> sortedTail(List<String> all, int head) {
    List<String> out = new ArrayList<>(all.subList(0, head));
    out.addAll(all.subList(head, all.size()).stream().sorted().toList());
    return out;
  }

  @Test
  void theNextRecordAfterTheWindowWritesTheSummaryWithoutAFlush() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    refused(f, "192.0.2.7", 5);
    clock.advance(Duration.ofSeconds(61));
    refused(f, "192.0.2.7", 1);
    // The summary says the window it covers, not how late it was written.
    assertEquals(
        List.of("r0", "summary: 4 more 'refused 401' from client=192.0.2.7 in the last 60 s", "r0"),
        written);
  }

  @Test
  void aLongTokenAfterAnEarlySpaceIsCutAtTheLimitNotAtThatSpace() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    String token = "x".repeat(AuditFloods.MAX_REASON_CHARS * 2);
    String reason = "Fix: " + token;
    f.record("refused 401", "192.0.2.8", EventLevel.INFORMATION, HResult.E_FAIL, "r", reason);
    f.record("refused 401", "192.0.2.8", EventLevel.INFORMATION, HResult.E_FAIL, "r", reason);
    clock.advance(Duration.ofSeconds(60));
    f.flush();
    assertEquals(
        "summary: 1 more 'refused 401' from client=192.0.2.8 (reasons: \""
            + reason.substring(0, AuditFloods.MAX_REASON_CHARS)
            + "\u2026\" 1) in the last 60 s",
        written.get(1));
  }

  @Test
  void aSummaryWrittenJustAfterItsWindowSaysTheWindowsLength() {
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    refused(f, "192.0.2.7", 3);
    clock.advance(Duration.ofMillis(60_001));
    f.flush();
    assertEquals(
        "summary: 2 more 'refused 401' from client=192.0.2.7 in the last 60 s", written.get(1));
  }

  @Test
  void pastItsBoundNewAddressesAreCountedTogether() {
    AuditFloods f = floods(Duration.ofSeconds(60), 4);
    for (int i = 0; i < 100; i++) {
      refused(f, "10.0.0." + i, 1);
    }
    assertEquals(5, f.size(), "four addresses and 'other addresses'");
    assertEquals(5, written.size(), "four addresses in full, the first of the others in full");
    f.close();
    assertEquals(
        "summary: 95 more 'refused 401' from other addresses (the table of addresses, or the"
            + " window's budget of full records, was full) in the last 1 s",
        written.get(written.size() - 1));
    assertEquals(0, f.size());
  }

  @Test
  void aZeroWindowWritesEveryRecord() {
    AuditFloods f = floods(Duration.ZERO, 100);
    refused(f, "192.0.2.7", 3);
    assertEquals(List.of("r0", "r1", "r2"), written);
    assertEquals(0, f.size());
  }

  @Test
  void anIpv6ClientIsCountedByItsSlash64() {
    // One host owns a /64: a new source address per request used to be a new key each time, so
    // every record was written in full.
    AuditFloods f = floods(Duration.ofSeconds(60), 100);
    for (int i = 1; i <= 500; i++) {
      f.record(
          "refused 401",
          "2001:db8:1:2::" + Integer.toHexString(i),
          EventLevel.INFORMATION,
          HResult.SEC_E_INVALID_TOKEN,
          "r" + i);
    }
    f.record("refused 401", "2001:db8:1:3::1", EventLevel.INFORMATION, HResult.S_OK, "other");
    assertEquals(List.of("r1", "other"), written);
    clock.advance(Duration.ofSeconds(60));
    f.flush();
    assertEquals(
        "summary: 499 more 'refused 401' from client=2001:db8:1:2::/64 in the last 60 s",
        written.get(2));
  }

  @Test
  void pastTheWindowsBudgetOfFullRecordsNewAddressesAreCountedTogether() {
    AuditFloods f =
        new AuditFloods(
            (level, code, text) -> written.add(text), clock, Duration.ofSeconds(60), 100, 3);
    for (int i = 0; i < 50; i++) {
      refused(f, "10.0.1." + i, 1);
    }
    assertEquals(4, written.size(), "three in full, then the first of the others: " + written);
    // A new window has a new budget.
    clock.advance(Duration.ofSeconds(60));
    refused(f, "10.0.2.1", 1);
    assertEquals("r0", written.get(written.size() - 1));
  }

  @Test
  void aFullTableFindsItsExpiredWindowsAtItsHead() {
    AuditFloods f = floods(Duration.ofSeconds(60), 3);
    refused(f, "10.0.3.1", 1);
    clock.advance(Duration.ofSeconds(30));
    refused(f, "10.0.3.2", 1);
    refused(f, "10.0.3.3", 2);
    clock.advance(Duration.ofSeconds(30));
    // The first window is over: its key is dropped for the new address; the others are live.
    refused(f, "10.0.3.4", 1);
    assertEquals(3, f.size());
    assertEquals(List.of("r0", "r0", "r0", "r0"), written);
    refused(f, "10.0.3.3", 1); // still in its window: counted
    assertEquals(4, written.size());
  }

  /** Floods whose summaries a timer on the fake clock writes when their windows end. */
  private AuditFloods timed(Duration window, List<Duration> armed) {
    return new AuditFloods(
        (level, code, text) -> written.add(text),
        clock,
        window,
        100,
        AuditFloods.DEFAULT_FULL_RECORDS,
        (delay, write) -> {
          armed.add(delay);
          clock.schedule(write, delay);
        });
  }

  /**
   * A burst on a quiet host: its summary used to wait for the next record of its kind or the
   * periodic flush, up to two windows later. Now its window's end writes it, with one timer for the
   * earliest window that folded something, not one per record.
   */
  @Test
  void aBurstsSummaryIsWrittenWhenItsWindowEndsWithoutAnotherRecordOrFlush() {
    List<Duration> armed = new ArrayList<>();
    AuditFloods f = timed(Duration.ofSeconds(60), armed);
    refused(f, "192.0.2.7", 500);
    assertEquals(List.of(Duration.ofSeconds(60)), armed, "one timer for the burst, not 499");
    clock.advance(Duration.ofSeconds(10));
    refused(f, "198.51.100.1", 1); // a full record only: nothing to summarise, no timer
    refused(f, "203.0.113.9", 3); // ends later than the armed timer: waits its turn
    assertEquals(1, armed.size(), armed.toString());
    clock.advance(Duration.ofSeconds(49));
    assertEquals(List.of("r0", "r0", "r0"), written, "no window is over yet");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(
        "summary: 499 more 'refused 401' from client=192.0.2.7 in the last 60 s",
        written.get(written.size() - 1));
    assertEquals(Duration.ofSeconds(10), armed.get(1), "armed for the next window that folded");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(
        "summary: 2 more 'refused 401' from client=203.0.113.9 in the last 60 s",
        written.get(written.size() - 1));
    assertEquals(5, written.size(), written.toString());
    assertEquals(2, armed.size(), "nothing else folded: no timer");
    assertEquals(0, f.size(), "every window is over and forgotten");
  }

  /** A window that begins earlier than the armed one but folds later gets its own, earlier end. */
  @Test
  void anEarlierWindowThatFoldsLaterIsArmedForItsOwnEnd() {
    List<Duration> armed = new ArrayList<>();
    AuditFloods f = timed(Duration.ofSeconds(60), armed);
    refused(f, "10.0.0.1", 1);
    clock.advance(Duration.ofSeconds(20));
    refused(f, "10.0.0.2", 2);
    clock.advance(Duration.ofSeconds(20));
    refused(f, "10.0.0.1", 1);
    assertEquals(List.of(Duration.ofSeconds(60), Duration.ofSeconds(20)), armed);
    clock.advance(Duration.ofSeconds(20));
    assertEquals(
        "summary: 1 more 'refused 401' from client=10.0.0.1 in the last 60 s",
        written.get(written.size() - 1));
    clock.advance(Duration.ofSeconds(20));
    assertEquals(
        "summary: 1 more 'refused 401' from client=10.0.0.2 in the last 60 s",
        written.get(written.size() - 1));
    assertEquals(4, written.size(), "each summary once: " + written);
  }
}
