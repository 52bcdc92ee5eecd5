package org.authhost.api;

import java.time.Duration;

/**
 * The life cycle every plug-in implements: initialize once, enable and disable any number of times,
 * heartbeat while enabled, shut down once.
 *
 * <p>WMS counterpart: {@code IWMSBasicPlugin}. The host calls, in this order: {@link #initialize}
 * (only when the plug-in is created) → {@link #enable} → {@link #onHeartbeat} (repeatedly, while
 * enabled) → {@link #disable} (always before shutdown) → {@link #shutdown}. A plug-in can be
 * disabled and enabled again while it stays loaded. Both {@code initialize} and {@code enable} must
 * succeed before the host uses the plug-in.
 *
 * <p>Every method returns an {@link HResult}: {@link HResult#S_OK} on success, anything that {@link
 * HResult#failed()} otherwise. If the plug-in has already written the error through the {@link
 * EventLog}, it returns {@link HResult#NS_E_PLUGIN_ERROR_REPORTED} so that the host does not log it
 * twice. {@code GetCustomAdminInterface} has no counterpart: a plug-in's settings are its {@link
 * NamedValues}, edited in the host's configuration.
 */
public interface BasicPlugin {

  /**
   * {@code InitializePlugin}: called once, before the first {@link #enable}.
   *
   * @param server the host's services ({@code pServerContext})
   * @param namedValues this plug-in's configured properties ({@code pNamedValues}); keep it, it is
   *     also the plug-in's identity when it calls {@link EventLog#logEvent}
   */
  HResult initialize(ServerContext server, NamedValues namedValues);

  /**
   * {@code EnablePlugin}: called after a successful {@link #initialize} and whenever an operator
   * enables the plug-in.
   *
   * @param heartbeatPeriod in/out: starts at {@link Duration#ZERO}; the plug-in may set the
   *     interval at which it wants {@link #onHeartbeat}. Zero means none; 100 ms or less means it
   *     is never called (the WMS floor); delivery is low-priority and not exact.
   */
  HResult enable(Out<Duration> heartbeatPeriod);

  /** {@code OnHeartbeat}: periodic work, only while enabled and only if a period was set. */
  default HResult onHeartbeat() {
    return HResult.S_OK;
  }

  /**
   * {@code DisablePlugin}: an operator (or the host, after an error) disabled the plug-in. By
   * default nothing to do: {@link HResult#S_OK}.
   */
  default HResult disable() {
    return HResult.S_OK;
  }

  /**
   * {@code ShutdownPlugin}: release everything; no method is called after this one. By default
   * nothing to release: {@link HResult#S_OK}.
   */
  default HResult shutdown() {
    return HResult.S_OK;
  }
}
