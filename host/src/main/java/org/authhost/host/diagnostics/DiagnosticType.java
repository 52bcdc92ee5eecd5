package org.authhost.host.diagnostics;

/**
 * Why an entry is on the troubleshooting list.
 *
 * <p>WMS counterpart: {@code WMS_DIAGNOSTIC_EVENT}, same names and values.
 */
public enum DiagnosticType {
  /** A limit was reached. */
  LIMIT_HIT,
  /** A plug-in logged an error (and was disabled for it). */
  PLUGIN_EVENT_LOG_ERROR,
  /** A plug-in logged a warning. */
  PLUGIN_EVENT_LOG_WARNING,
  /** The host logged an error. */
  SERVER_EVENT_LOG_ERROR,
  /** The host logged a warning. */
  SERVER_EVENT_LOG_WARNING
}
