package org.authhost.host.authn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** Which successes of streaming servers' calls are audited, on the host's (fake) clock. */
class SuccessAuditsTest {
  final MutableClock clock = new MutableClock();

  @Test
  void oncePerClientAccountAndStreamInTheInterval() {
    SuccessAudits audits = new SuccessAudits(clock, Duration.ofSeconds(300));
    assertTrue(audits.isFirst("192.0.2.1", "alice", "/hls/"));
    assertFalse(audits.isFirst("192.0.2.1", "alice", "/hls/"));
    assertTrue(audits.isFirst("192.0.2.2", "alice", "/hls/"), "another client");
    assertTrue(audits.isFirst("192.0.2.1", "alice", "/vod/"), "another stream");
    assertTrue(audits.isFirst("192.0.2.1", "bob", "/hls/"), "another account");
    clock.advance(Duration.ofSeconds(299));
    assertFalse(audits.isFirst("192.0.2.2", "alice", "/hls/"));
    clock.advance(Duration.ofSeconds(2));
    assertTrue(audits.isFirst("192.0.2.2", "alice", "/hls/"), "the interval has passed");
  }

  @Test
  void aFailureMakesTheNextSuccessAuditedAgain() {
    SuccessAudits audits = new SuccessAudits(clock, Duration.ofSeconds(300));
    assertTrue(audits.isFirst("192.0.2.1", "HOST\\alice", "/hls/"));
    // The failure knows the name as typed, the success the qualified one: client and stream do.
    audits.failed("192.0.2.1", "/hls/");
    assertTrue(audits.isFirst("192.0.2.1", "HOST\\alice", "/hls/"));
    assertFalse(audits.isFirst("192.0.2.1", "HOST\\alice", "/hls/"));
  }

  @Test
  void boundedInCountAndInBytesWhateverTheNames() {
    SuccessAudits audits = new SuccessAudits(clock, Duration.ofSeconds(300), 64);
    String longName = "/live/" + "x".repeat(4096);
    for (int i = 0; i < 1000; i++) {
      assertTrue(audits.isFirst("192.0.2." + (i % 250), "alice" + i, longName + i));
    }
    assertTrue(audits.size() <= 64, "evicted down to the bound: " + audits.size());
  }

  @Test
  void zeroSecondsAuditsEverySuccess() {
    SuccessAudits audits = new SuccessAudits(clock, Duration.ZERO);
    assertTrue(audits.isFirst("192.0.2.1", "alice", "/hls/"));
    assertTrue(audits.isFirst("192.0.2.1", "alice", "/hls/"));
    assertEquals(0, audits.size());
  }
}
