package org.authhost.plugins.digest;

import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;

/**
 * This plug-in's voice in the host's event log ({@code IWMSEventLog}), with the two kinds of event
 * it writes while enabled. Refusals reach it through {@link RefusalLog}, which keeps a flood short.
 * (While initializing or enabling it writes none: it throws a {@link
 * org.authhost.api.PluginException} and the host records that.)
 */
final class PluginEvents {
  private final EventLog log;
  private final NamedValues identity;

  /**
   * @param identity the named values from {@code initialize}: the host knows the plug-in by them
   */
  PluginEvents(EventLog log, NamedValues identity) {
    this.log = log;
    this.identity = identity;
  }

  /** Longest client-derived text an event keeps: garbage requests must not grow the log. */
  static final int MAX_TEXT = 300;

  /** A client's request was refused for a reason the host's audit cannot see. */
  void information(String text) {
    String kept = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
    log.logEvent(identity, EventLevel.INFORMATION, HResult.S_OK, kept);
  }

  /**
   * The plug-in cannot work: an ERROR event, which takes it out of service.
   *
   * @return what the failing method returns: {@link HResult#NS_E_PLUGIN_ERROR_REPORTED} once the
   *     event is logged, so the host does not log it again; {@code code} if it could not be logged
   */
  HResult error(HResult code, String text) {
    HResult logged =
        log.logEvent(
            identity,
            EventLevel.ERROR,
            code,
            text + "; fix it, then run: authhost plugins enable " + identity.pluginId());
    return logged.succeeded() ? HResult.NS_E_PLUGIN_ERROR_REPORTED : code;
  }
}
