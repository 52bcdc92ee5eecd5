package org.authhost.host.http.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** The {@code Date} value formatted once per second is the one formatted for every response. */
class DateHeaderTest {
  private static String formatted(long millis) {
    return DateFormatter.format(new Date(millis));
  }

  @Test
  void eachMomentGetsItsOwnSecondsValueWhicheverOrderTheyComeIn() {
    long t = 1_796_478_013_999L;
    long[] moments = {t, t + 1, t - 999, t - 1000, t + 1001, t, 0, -1, -1000, 999, t + 86_400_000};
    for (long m : moments) {
      assertEquals(formatted(m), DateHeader.at(m), "at " + m);
    }
    assertEquals("Sun, 06 Dec 2026 13:40:13 GMT", DateHeader.at(t + 86_400_000));
  }
}
