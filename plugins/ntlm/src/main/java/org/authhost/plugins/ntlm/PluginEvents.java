package org.authhost.plugins.ntlm;

import org.authhost.api.EventLevel;
import org.authhost.api.EventLog;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;

/**
 * This plug-in's voice in the host's event log ({@code IWMSEventLog}), with the kinds of event it
 * writes while enabled. Texts carry reasons and names, never NT hashes, responses or keys: the
 * mechanism's reasons are written that way.
 */
final class PluginEvents {
  /** Longest client-derived text an event keeps: garbage requests must not grow the log. */
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

  /** A client's logon was refused for a reason the host's audit cannot see. */
  void information(String text) {
    log.logEvent(identity, EventLevel.INFORMATION, HResult.S_OK, cut(text));
  }

  /** Something the operator should change, e.g. a risky setting; the plug-in stays in service. */
  void warning(String text) {
    log.logEvent(identity, EventLevel.WARNING, HResult.S_OK, text);
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
            cut(text) + "; fix it, then run: authhost plugins enable " + identity.pluginId());
    return logged.succeeded() ? HResult.NS_E_PLUGIN_ERROR_REPORTED : code;
  }

  private static String cut(String text) {
    return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
  }
}
