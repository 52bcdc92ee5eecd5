package org.authhost.api.support;

import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;

/**
 * A plug-in's voice in the host's event log, with the rules every plug-in otherwise repeats:
 * client-supplied text is cut short (garbage requests must not grow the log), and an ERROR event
 * yields {@link HResult#NS_E_PLUGIN_ERROR_REPORTED} so that the host does not log the failure a
 * second time.
 *
 * <p>WMS counterpart: {@code IWMSEventLog::LogEvent} called with the plug-in's own named values.
 *
 * @since API 1.3
 */
public final class PluginEvents {
  /** Longest client-derived text an event keeps. */
  public static final int MAX_CLIENT_TEXT = 300;

  private final EventLog log;
  private final NamedValues identity;

  /**
   * @param log the host's event log, from {@code ServerContext.eventLog()}
   * @param identity the named values the host passed to {@code initialize}: they identify the
   *     plug-in
   */
  public PluginEvents(EventLog log, NamedValues identity) {
    this.log = log;
    this.identity = identity;
  }

  /**
   * A client was refused for a reason the host's audit cannot see (e.g. a malformed header); {@code
   * clientText} may hold what the client sent, and is cut to {@link #MAX_CLIENT_TEXT}.
   */
  public HResult refused(String clientText) {
    return log.logEvent(identity, EventLevel.INFORMATION, HResult.S_OK, cut(clientText));
  }

  /** Something the operator should change while the plug-in stays in service. */
  public HResult warning(String text) {
    return log.logEvent(identity, EventLevel.WARNING, HResult.S_OK, text);
  }

  /**
   * A warning about something a client sent: {@code clientText} is cut, the plug-in's own {@code
   * lead} and {@code fix} are kept whole.
   */
  public HResult warning(String lead, String clientText, String fix) {
    return log.logEvent(identity, EventLevel.WARNING, HResult.S_OK, lead + cut(clientText) + fix);
  }

  /**
   * The plug-in cannot work: an ERROR event, which takes it out of service, ending with the command
   * that brings it back.
   *
   * @return what the failing method returns: {@link HResult#NS_E_PLUGIN_ERROR_REPORTED} once the
   *     event is logged; {@code code} itself if it could not be logged, so the host logs it
   */
  public HResult error(HResult code, String text) {
    HResult logged =
        log.logEvent(
            identity,
            EventLevel.ERROR,
            code,
            text + "; fix it, then run: authhost plugins enable " + identity.pluginId());
    return logged.succeeded() ? HResult.NS_E_PLUGIN_ERROR_REPORTED : code;
  }

  /**
   * Something the plug-in depends on has failed and it cannot serve until that comes back (a
   * provider or a directory it cannot reach), while the plug-in itself is sound: an ERROR event
   * with {@link HResult#S_OK}, which leaves it in service, so it recovers by itself when the outage
   * ends. Log it once when the outage starts, not once per refused request; say when it ends with
   * an INFORMATION event. Unlike {@link #error}, nothing to return: the calls that meet the outage
   * answer their clients ({@code ERROR} result, 503) and return {@code S_OK}.
   *
   * <p>WMS counterpart: none; WMS disabled any plug-in that logged an ERROR. A plug-in built for
   * API 1.3 or earlier is still disabled by any ERROR it logs.
   *
   * @return what the event log answered
   * @since API 1.4
   */
  public HResult outage(String text) {
    return log.logEvent(identity, EventLevel.ERROR, HResult.S_OK, text);
  }

  /** {@code text} cut to {@link #MAX_CLIENT_TEXT} characters, with "..." when it was longer. */
  public static String cut(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > MAX_CLIENT_TEXT ? text.substring(0, MAX_CLIENT_TEXT) + "..." : text;
  }
}
