package org.authhost.api;

import java.nio.file.Path;
import java.time.Clock;

/**
 * The host's services, handed to a plug-in in {@link BasicPlugin#initialize}.
 *
 * <p>WMS counterpart: the server {@code IWMSContext} ({@code pServerContext}), with its {@code
 * WMS_SERVER_EVENT_LOG}, {@code WMS_SERVER_NAME} and {@code WMS_SERVER_SHUTTING_DOWN} properties as
 * typed getters, plus the token service that stands in for {@code LogonUser}.
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

  /**
   * The local accounts' per-protocol secrets (Digest HA1, NT hash).
   *
   * @since API 1.2
   */
  CredentialService credentials();

  /**
   * A folder of this plug-in's own, kept across restarts (e.g. for a key it must not lose), made by
   * the host and readable by the host's account only.
   *
   * @since API 1.2
   */
  Path dataDirectory();

  /**
   * The host's clock: read it for every instant a plug-in compares with time (nonce and ticket
   * ages, timestamps in a challenge, how often to warn) instead of the system clock, so that the
   * plug-in keeps the host's time, including a test's fake clock that moves only when told.
   *
   * <p>WMS counterpart: none as such; WMS plug-ins and SSPI packages read the system time ({@code
   * GetSystemTimeAsFileTime}), which was the server's time because they ran in its process. This is
   * that time, made explicit. UTC; a host that predates it gives the system clock.
   *
   * @since API 1.3
   */
  default Clock clock() {
    return Clock.systemUTC();
  }

  /**
   * State the host keeps for this plug-in across plug-in versions and, when configured, across
   * hosts: see {@link StateService}.
   *
   * <p>Ask for it in {@link BasicPlugin#enable} and build there what your contexts use with it: a
   * view asked for while the plug-in is being enabled belongs to that enable, so that after the
   * shared store lost its data and the host enabled the plug-in again, a request still inside what
   * the earlier enable built is refused ({@code NS_E_NO_NEW_CONNECTIONS}) rather than checked
   * against the emptied store. Take it again in each {@code EnablePlugin}: a view kept from one
   * enable into the next is refused after such a reset (the host names the plug-in in an ERROR
   * event). A view kept from {@code InitializePlugin} follows the latest enable.
   *
   * @throws UnsupportedOperationException from a server context that predates API 1.3 (a plug-in
   *     that declares {@code api-version=1.3} never gets one)
   * @since API 1.3
   */
  default StateService state() {
    throw new UnsupportedOperationException("this host predates API 1.3: no state service");
  }

  /**
   * The local account the operator maps unauthenticated clients to (the host's {@code
   * accounts.guestAccount}, default {@code Guest}), for a plug-in that lets clients in without a
   * credential: log it on with {@link TokenService#logonUser(String, String, Out)}, unless the
   * plug-in's own properties name another account. A local account's name (1 to 20 characters,
   * without a domain).
   *
   * <p>WMS counterpart: the anonymous user account of the WMS Anonymous User Authentication plug-in
   * ({@code IWMSAdminAnonUser.AnonymousUserName}), set once for the server.
   *
   * @since API 1.5
   */
  default String guestAccount() {
    return "Guest";
  }
}
