package org.authhost.host.authn;

import java.util.Optional;
import org.authhost.api.UserContext;
import org.authhost.host.tokens.LogonCaller;

/**
 * {@code pUserCtx} for one request of a front that speaks HTTP's authentication (HTTP, RTSP);
 * {@link #ipAddress()} is the client as resolved through {@code security.trustedProxies}.
 */
public final class HttpUserContext implements UserContext, LogonCaller.Observer {
  private final String userAgent;
  private final String ipAddress;
  private final int port;
  private final long connectionId;
  private final String controlProtocol;
  private volatile String userName;
  private volatile String claimedName;
  private volatile boolean slowCheckRefused;
  private volatile String passwordCheckedFor;

  public HttpUserContext(String userAgent, String ipAddress, int port, long connectionId) {
    this(userAgent, ipAddress, port, connectionId, "HTTP");
  }

  /**
   * The same for another wire protocol that carries HTTP's authentication headers: {@code
   * controlProtocol} is what a plug-in reads to tell them apart ({@code "RTSP"}: Digest's {@code
   * uri} is then the RTSP request URL).
   */
  public HttpUserContext(
      String userAgent, String ipAddress, int port, long connectionId, String controlProtocol) {
    this.userAgent = userAgent;
    this.ipAddress = ipAddress;
    this.port = port;
    this.connectionId = connectionId;
    this.controlProtocol = controlProtocol;
  }

  @Override
  public Optional<String> userAgent() {
    return Optional.ofNullable(userAgent);
  }

  @Override
  public Optional<String> userName() {
    return Optional.ofNullable(userName);
  }

  @Override
  public void setUserName(String userName) {
    this.userName = userName;
    if (userName != null) {
      claimedName = userName;
    }
  }

  /**
   * The last name a plug-in reported for this request, even if it withdrew it afterwards: whom the
   * client claimed to be, which is what a lockout is checked against. Kept apart from {@link
   * #userName()} (the name a failed logon counts against) so that withdrawing a name cannot take a
   * request past a locked account.
   */
  public Optional<String> claimedName() {
    return Optional.ofNullable(claimedName);
  }

  @Override
  public void slowCheckRefused() {
    slowCheckRefused = true;
  }

  @Override
  public void passwordChecked(String account) {
    passwordCheckedFor = account;
  }

  /**
   * The account whose password the host compared for this request on the plug-in's behalf, if any:
   * a real credential check, whether or not the plug-in named the account.
   */
  public Optional<String> passwordCheckedFor() {
    return Optional.ofNullable(passwordCheckedFor);
  }

  /** Whether a password check for this request was refused because the verifier was busy. */
  public boolean wasSlowCheckRefused() {
    return slowCheckRefused;
  }

  @Override
  public String ipAddress() {
    return ipAddress;
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String controlProtocol() {
    return controlProtocol;
  }

  @Override
  public long connectionId() {
    return connectionId;
  }
}
