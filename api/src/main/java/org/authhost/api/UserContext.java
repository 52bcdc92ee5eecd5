package org.authhost.api;

import java.util.Optional;

/**
 * Who is connecting.
 *
 * <p>WMS counterpart: the user {@code IWMSContext} ({@code pUserCtx}) with {@code WMS_USER_AGENT},
 * {@code WMS_USER_NAME}, {@code WMS_USER_IP_ADDRESS_STRING}, {@code WMS_USER_PORT} and {@code
 * WMS_USER_CONTROL_PROTOCOL}. The plug-in fills in the user name once it knows it.
 */
public interface UserContext {

  /** {@code WMS_USER_AGENT}, if the client sent one. */
  Optional<String> userAgent();

  /** {@code WMS_USER_NAME}, once known. */
  Optional<String> userName();

  /** Sets {@code WMS_USER_NAME}. */
  void setUserName(String userName);

  /** {@code WMS_USER_IP_ADDRESS_STRING}, e.g. {@code 127.0.0.1} or {@code ::1}. */
  String ipAddress();

  /** {@code WMS_USER_PORT}: the client's port. */
  int port();

  /**
   * {@code WMS_USER_CONTROL_PROTOCOL}: {@code HTTP}, {@code RTSP}, {@code MMS} or {@code UNKNOWN}.
   */
  String controlProtocol();

  /**
   * An id of the client's connection, stable while it lasts; connection-bound protocols such as
   * NTLM use it to tell a new connection from the one they started on.
   */
  long connectionId();
}
