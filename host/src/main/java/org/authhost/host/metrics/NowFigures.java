package org.authhost.host.metrics;

import java.time.Instant;
import java.util.List;

/**
 * The console's <b>Now</b> pane: what the host is doing at {@link #at}, from the same counters as
 * {@code /metrics}. WMS counterpart: the Monitor tab of the Windows Media Services snap-in (current
 * connections, the counters' rates).
 *
 * @param at when the figures were read, on the host's clock
 * @param openConnections client connections open now, every front
 * @param handshakesInProgress authentication legs being answered and bound handshakes (NTLM,
 *     Negotiate) waiting for the client's next leg
 * @param requestsPerSecond final answers per second, every front, over the last {@link
 *     LiveFigures#RATE_WINDOW} (or since the host started, if that is shorter)
 * @param logonsLastMinute what plug-ins answered over the last minute (or since the host started),
 *     by plug-in and result, without the pairs that saw none, ordered by plug-in and result
 */
public record NowFigures(
    Instant at,
    int openConnections,
    int handshakesInProgress,
    double requestsPerSecond,
    List<LogonRate> logonsLastMinute) {
  public NowFigures {
    logonsLastMinute = List.copyOf(logonsLastMinute);
  }

  /**
   * @param plugin the plug-in's id
   * @param result a {@link LogonResult#label()}
   * @param count how many over the last minute
   */
  public record LogonRate(String plugin, String result, long count) {}
}
