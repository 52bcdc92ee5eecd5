package org.authhost.api;

/**
 * The outcome a plug-in reports through {@link AuthenticationCallback#onAuthenticateComplete}.
 *
 * <p>WMS counterpart: {@code WMS_AUTHENTICATION_RESULT}. It starts at 1; there is no 0 member.
 */
public enum AuthenticationResult {
  /** The client is authenticated ({@code WMS_AUTHENTICATION_SUCCESS}). */
  SUCCESS(1),
  /** The client is refused ({@code WMS_AUTHENTICATION_DENIED}). */
  DENIED(2),
  /**
   * Not finished: the host sends the challenge blob and waits for more ({@code
   * WMS_AUTHENTICATION_CONTINUE}).
   */
  CONTINUE(3),
  /**
   * The plug-in failed while authenticating ({@code WMS_AUTHENTICATION_ERROR}); the host fails
   * closed.
   */
  ERROR(4);

  private final int value;

  AuthenticationResult(int value) {
    this.value = value;
  }

  /** The WMS numeric value. */
  public int value() {
    return value;
  }
}
