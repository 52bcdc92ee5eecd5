package org.authhost.host.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Repeats each appended event in the process log ({@code authhost.events}), so an operator watching
 * the console or a log shipper sees events without reading the segment files.
 */
final class EventEcho {
  static final String LOGGER_NAME = "authhost.events";
  static final String MDC_PLUGIN = "plugin";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

  private EventEcho() {}

  static void echo(EventRecord record) {
    Level level =
        switch (record.level()) {
          case ERROR -> Level.ERROR;
          case WARNING -> Level.WARN;
          case INFORMATION -> Level.INFO;
        };
    // Checked first so a silenced logger costs the append nothing, not even the MDC update.
    if (!LOG.isEnabledForLevel(level)) {
      return;
    }
    String previous = MDC.get(MDC_PLUGIN);
    MDC.put(MDC_PLUGIN, record.source());
    try {
      String format = "[#{}] {} {}: {}";
      Object[] args = {record.recordNumber(), record.source(), record.hresult(), record.text()};
      switch (level) {
        case ERROR -> LOG.error(format, args);
        case WARN -> LOG.warn(format, args);
        default -> LOG.info(format, args);
      }
    } finally {
      if (previous == null) {
        MDC.remove(MDC_PLUGIN);
      } else {
        MDC.put(MDC_PLUGIN, previous);
      }
    }
  }
}
