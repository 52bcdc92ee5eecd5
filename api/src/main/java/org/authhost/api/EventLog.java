package org.authhost.api;

/**
 * The host's durable event log, as a plug-in writes to it.
 *
 * <p>WMS counterpart: {@code IWMSEventLog}, obtained from the server context. A failure of {@link
 * BasicPlugin#initialize} or {@link BasicPlugin#enable} is not logged by the plug-in: it returns
 * the code (or throws {@link PluginException}) and the host logs it once; warnings and information
 * may be logged at any time. After logging an error yourself, return {@link
 * HResult#NS_E_PLUGIN_ERROR_REPORTED} from the failing method so that the host does not log it a
 * second time.
 */
public interface EventLog {

  /**
   * {@code LogEvent}. Returns once the event is durable: it survives the host process being killed.
   *
   * @param pluginNamedValues the {@link NamedValues} the host passed to {@link
   *     BasicPlugin#initialize}; it identifies the plug-in
   * @param level the level; {@link EventLevel#ERROR} disables the plug-in, unless (since API 1.4)
   *     {@code code} is a success: an outage the plug-in survives ({@code PluginEvents.outage})
   * @param code the HResult tied to the event ({@link HResult#S_OK} for information and warnings; a
   *     failure code for an ERROR that takes the plug-in out of service)
   * @param text free-text detail for the operator
   * @return {@link HResult#S_OK}; {@link HResult#E_INVALIDARG} for named values the host did not
   *     issue to this plug-in; {@link HResult#NS_E_CRITICAL_ERROR} (since API 1.3) when the plug-in
   *     is not enabled, except during its own {@link BasicPlugin#disable} and {@link
   *     BasicPlugin#shutdown}, its last word about what it closes
   */
  HResult logEvent(NamedValues pluginNamedValues, EventLevel level, HResult code, String text);
}
