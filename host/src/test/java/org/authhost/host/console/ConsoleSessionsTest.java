package org.authhost.host.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.authhost.host.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The console's session table: its bounds. */
class ConsoleSessionsTest {
  static final ConsoleSessions.Recheck SAME = o -> Optional.of(o.administrator());

  @Test
  void oneAccountsManyLogonsEndItsOwnOldestSessionsNeverAnothersOperators() {
    MutableClock clock = new MutableClock();
    ConsoleSessions sessions = new ConsoleSessions(clock, Duration.ofMinutes(15));
    String other = sessions.open("TESTHOST\\olga", false, Instant.MAX, "127.0.0.1", null);
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < ConsoleSessions.MAX_SESSIONS_PER_ACCOUNT + 5; i++) {
      clock.advance(Duration.ofSeconds(1));
      mine.add(sessions.open("TESTHOST\\root", true, Instant.MAX, "127.0.0.1", null));
    }
    assertEquals(ConsoleSessions.MAX_SESSIONS_PER_ACCOUNT + 1, sessions.open());
    assertTrue(sessions.use(other, "127.0.0.1", false, SAME).isPresent(), "olga's session stays");
    for (int i = 0; i < 5; i++) {
      assertTrue(sessions.use(mine.get(i), "127.0.0.1", false, SAME).isEmpty(), "oldest " + i);
    }
    assertTrue(sessions.use(mine.get(mine.size() - 1), "127.0.0.1", false, SAME).isPresent());
  }
}
