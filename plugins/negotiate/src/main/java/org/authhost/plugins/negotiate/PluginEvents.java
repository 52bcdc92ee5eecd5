package org.authhost.plugins.negotiate;

import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;

/**
 * This plug-in's voice in the host's event log ({@code IWMSEventLog}). While initializing or
 * enabling it reports failures by throwing a {@link org.authhost.api.PluginException}, which the
 * host records; warnings at enable, refusals and faults go through here.
 */
final class PluginEvents {
  /** Longest client-derived text an event keeps: garbage tokens must not grow the log. */
  static final int MAX_TEXT = 300;

  private final EventLog log;
  private final NamedValues identity;

  /**
   * @param identity the named values from {@code initialize}: the host knows the plug-in by them
   */
  PluginEvents(EventLog log, NamedValues identity) {
    this.log = log;
    this.identity = identity;
  }

  /** A client was refused for a reason the host's audit ("credentials refused") cannot see. */
  void refused(String text) {
    log.logEvent(identity, EventLevel.INFORMATION, HResult.S_OK, cut(text));
  }

  /**
   * Something the operator should fix, while the plug-in stays in service; {@code text} is the
   * plug-in's own (settings, paths), never what a client sent: use {@link #warning(String, String,
   * String)} for that.
   */
  void warning(String text) {
    log.logEvent(identity, EventLevel.WARNING, HResult.S_OK, text);
  }

  /**
   * A warning about something a client's token showed: {@code clientText} is cut as {@link
   * #refused} cuts it, the plug-in's own {@code lead} and {@code fix} are kept whole.
   */
  void warning(String lead, String clientText, String fix) {
    log.logEvent(identity, EventLevel.WARNING, HResult.S_OK, lead + cut(clientText) + fix);
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

  static String cut(String text) {
    return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
  }
}
