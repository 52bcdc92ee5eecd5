package org.authhost.plugins.negotiate;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.authhost.api.ServerContext;
import org.authhost.api.support.PluginEvents;
import org.authhost.plugins.ntlm.NtlmMechanism;

/**
 * RFC 4559 HTTP Negotiate (SPNEGO, RFC 4178) against the host's local accounts: the entry point
 * ({@code IWMSBasicPlugin} and {@code IWMSAuthenticationPlugin}), in the role of the WMS Negotiate
 * Authentication plug-in, which hands the client's tokens to SSPI's Negotiate package.
 *
 * <p>Here the SSPI package is replaced by two mechanisms: Kerberos through the JDK's GSS-API
 * ({@link JdkGssAcceptor}, a keytab instead of the machine account), and NTLM through the NTLM
 * plug-in's mechanism, bundled under {@code lib/} (for NTLM inside SPNEGO, and the raw NTLMSSP
 * tokens Windows sends under Negotiate when it has no ticket). A Kerberos principal becomes a local
 * account through {@link PrincipalMapping}. The named values are in {@link NegotiateSettings}.
 *
 * <p>Life cycle: {@link #initialize} reads the named values and builds the NTLM mechanism; {@link
 * #enable} points the JDK at the krb5.conf, logs the service in from its keytab and acquires the
 * acceptor credential once (a failure there fails enable, with the keytab, principal and fix in the
 * message); {@link #disable} (and {@link #shutdown}) drops it and logs the service out, so its keys
 * leave memory. Protocol {@code Negotiate} is connection-bound in the host, so each keep-alive
 * connection gets one {@link NegotiateContext} for all its legs.
 */
public final class NegotiateAuthenticationPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "Negotiate";
  static final String PACKAGE = "AuthHost Negotiate";
  static final String KRB5_CONF_PROPERTY = "java.security.krb5.conf";

  /** SSPI's SEC_E_NO_CREDENTIALS: the acceptor has no usable key, what a failed keytab login is. */
  static final HResult SEC_E_NO_CREDENTIALS = new HResult(0x8009030E);

  /** Starts the Kerberos acceptor; replaced in tests that have no KDC. */
  interface AcceptorFactory {
    GssAcceptor start(NegotiateSettings settings, boolean refreshConfig)
        throws JdkGssAcceptor.StartFailure;
  }

  private final AcceptorFactory acceptors;
  private final Clock clock;

  private volatile ServerContext server;
  private volatile NamedValues values;
  private volatile NegotiateSettings settings;
  private volatile NtlmPort ntlm;
  private volatile NegotiateContext.Mechanisms mechanisms;

  /** The host's constructor: the JDK's GSS-API and the host's clock. */
  public NegotiateAuthenticationPlugin() {
    this((s, refresh) -> JdkGssAcceptor.start(s.servicePrincipal(), s.keytab(), refresh), null);
  }

  /** For tests: another Kerberos acceptor, on the server's clock like the bundled NTLM. */
  NegotiateAuthenticationPlugin(AcceptorFactory acceptors) {
    this(acceptors, null);
  }

  /**
   * For tests: another Kerberos acceptor, and the clock that paces the warnings (null: the server
   * context's).
   */
  NegotiateAuthenticationPlugin(AcceptorFactory acceptors, Clock clock) {
    this.acceptors = acceptors;
    this.clock = clock;
  }

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    NegotiateSettings read =
        NegotiateSettings.from(namedValues); // throws E_INVALIDARG with the fix
    this.ntlm =
        read.allowNtlm()
            ? NtlmPort.of(NtlmMechanism.create(namedValues, NegotiateSettings.NTLM_PREFIX, server))
            : null;
    this.settings = read;
    this.server = server;
    this.values = namedValues;
    return HResult.S_OK;
  }

  /** For tests: the NTLM mechanism to use instead of the bundled one. */
  void useNtlm(NtlmPort port) {
    this.ntlm = port;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    ServerContext current = server;
    NegotiateSettings s = settings;
    if (current == null || s == null) {
      return HResult.E_UNEXPECTED;
    }
    PluginEvents events = new PluginEvents(current.eventLog(), values);
    boolean refresh = pointJdkAtKrb5Config(s, events);
    GssAcceptor acceptor;
    try {
      acceptor = acceptors.start(s, refresh);
    } catch (JdkGssAcceptor.StartFailure e) {
      // Not an event of ours: the host records a failed enable itself, with this message.
      throw new PluginException(
          SEC_E_NO_CREDENTIALS,
          "Negotiate cannot accept Kerberos for "
              + s.servicePrincipal()
              + ": "
              + e.getMessage()
              + "; then run: authhost plugins enable "
              + values.pluginId());
    }
    NtlmPort port = ntlm;
    if (port != null) {
      for (String warning : port.startupWarnings()) {
        events.warning("NTLM inside Negotiate: " + warning);
      }
    }
    WarningLimit warnings = new WarningLimit(clock != null ? clock : current.clock());
    mechanisms = new NegotiateContext.Mechanisms(acceptor, port, s.mapping(), warnings);
    return HResult.S_OK; // no heartbeat: nothing here needs periodic work
  }

  /**
   * Sets {@code java.security.krb5.conf} when the operator named a krb5.conf and nothing in this
   * JVM has set one: the JDK reads it once per JVM, so a second, different value cannot take
   * effect.
   *
   * @return whether the property was set here, so the login should make the JDK re-read it
   */
  private boolean pointJdkAtKrb5Config(NegotiateSettings s, PluginEvents events) {
    if (s.krb5Config() == null) {
      return false;
    }
    if (!Files.isReadable(s.krb5Config())) {
      throw NegotiateSettings.invalid(
          values, "krb5Config", "names " + s.krb5Config() + ", which cannot be read");
    }
    String wanted = s.krb5Config().toString();
    synchronized (System.class) {
      String already = System.getProperty(KRB5_CONF_PROPERTY);
      if (already == null) {
        System.setProperty(KRB5_CONF_PROPERTY, wanted);
        return true;
      }
      if (!already.equals(wanted)) {
        events.warning(
            "krb5Config "
                + wanted
                + " is not used: this JVM already has "
                + KRB5_CONF_PROPERTY
                + "="
                + already
                + ", which the JDK reads once; remove one of the two so that they agree");
      }
      return false;
    }
  }

  @Override
  public HResult disable() {
    dropCredential();
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
    dropCredential(); // normally disable did it already; not if disable failed or was never called
    server = null;
    return HResult.S_OK;
  }

  /**
   * Disposes the acceptor credential and logs the service out, so that its keys leave memory.
   * Contexts created before keep their {@link NegotiateContext.Mechanisms}; a Kerberos leg they
   * still get is answered ERROR without a failing HRESULT.
   */
  private synchronized void dropCredential() {
    NegotiateContext.Mechanisms old = mechanisms;
    mechanisms = null;
    if (old != null) {
      old.kerberos().dispose();
    }
  }

  @Override
  public HResult getPackageName(Out<String> packageName) {
    packageName.set(PACKAGE);
    return HResult.S_OK;
  }

  @Override
  public HResult getProtocolName(Out<String> protocolName) {
    protocolName.set(PROTOCOL);
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    // Binary tokens, no prompt (the client uses its logon session's ticket or hash), and the
    // server speaks first with a bare "WWW-Authenticate: Negotiate". Kerberos completes with the
    // client's first token, so Negotiate can serve where no connection keeps a context (nginx
    // auth_request); only its NTLM fallback needs the second leg.
    flags.set(
        AuthenticationFlags.CHALLENGE_FIRST
            | AuthenticationFlags.CONNECTION_BOUND
            | AuthenticationFlags.COMPLETES_IN_ONE_LEG
            | AuthenticationFlags.BROWSER_ANSWERS);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    ServerContext current = server;
    NegotiateContext.Mechanisms shared = mechanisms;
    if (current == null || shared == null) {
      return HResult.E_UNEXPECTED; // not enabled
    }
    context.set(
        new NegotiateContext(
            this, current.tokenService(), shared, new PluginEvents(current.eventLog(), values)));
    return HResult.S_OK;
  }
}
