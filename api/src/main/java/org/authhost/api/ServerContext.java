package org.authhost.api;

/**
 * The host's services, handed to a plug-in in {@link BasicPlugin#initialize}.
 *
 * <p>WMS counterpart: the server {@code IWMSContext} ({@code pServerContext}), with its
 * {@code WMS_SERVER_EVENT_LOG}, {@code WMS_SERVER_NAME} and {@code WMS_SERVER_SHUTTING_DOWN}
 * properties as typed getters, plus the token service that stands in for {@code LogonUser}.
 */
public interface ServerContext {

  /** {@code WMS_SERVER_NAME}. */
  String serverName();

  /** The host's version, e.g. {@code 0.1.0}. */
  String hostVersion();

  /** {@code WMS_SERVER_EVENT_LOG}. */
  EventLog eventLog();

  /** Issues and closes access-token handles for verified users. */
  TokenService tokenService();

  /** {@code WMS_SERVER_SHUTTING_DOWN}. */
  boolean isShuttingDown();
}
