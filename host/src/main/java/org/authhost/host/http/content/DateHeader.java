package org.authhost.host.http.content;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/**
 * The {@code Date} header's value, formatted once per second of the clock rather than for every
 * response: an HTTP date has a resolution of one second, and formatting one was a {@code Date}, a
 * calendar walk and a string on every answer (about 0.2 µs each, as much as serving a small file's
 * headers). Shared by every event loop: one write per second, read by every response.
 */
final class DateHeader {
  private record Second(long epochSecond, String text) {}

  private static volatile Second last = new Second(Long.MIN_VALUE, "");

  private DateHeader() {}

  /** The value for the moment {@code epochMillis}. */
  static String at(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000L);
    Second s = last;
    if (s.epochSecond() != second) {
      s = new Second(second, DateFormatter.format(new Date(second * 1000L)));
      last = s;
    }
    return s.text();
  }
}
