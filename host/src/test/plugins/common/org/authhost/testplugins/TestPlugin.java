package org.authhost.testplugins;

import java.time.Duration;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.BasicPlugin;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.ServerContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.UserContext;

/**
 * A well-behaved authentication plug-in that test plug-ins break one method at a time. Compiled
 * into each test plug-in's own JAR, so each copy lives in its plug-in's class loader.
 */
public class TestPlugin implements BasicPlugin, AuthenticationPlugin {
  protected ServerContext server;
  protected NamedValues values;

  @Override
  public HResult initialize(ServerContext server, NamedValues values) {
    this.server = server;
    this.values = values;
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
    return HResult.S_OK;
  }

  @Override
  public HResult getPackageName(Out<String> name) {
    name.set("Test " + values.pluginId());
    return HResult.S_OK;
  }

  @Override
  public HResult getProtocolName(Out<String> name) {
    name.set("Test");
    return HResult.S_OK;
  }

  @Override
  public HResult getFlags(Out<Integer> flags) {
    flags.set(AuthenticationFlags.TEXT_CHALLENGE | AuthenticationFlags.CLIENT_SHOWS_UI);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(new Context());
    return HResult.S_OK;
  }

  /** What Authenticate does; the default logs {@link #account} on and succeeds. */
  protected HResult authenticate(Context self, AuthenticationCallback callback, Object context) {
    Out<TokenHandle> token = new Out<>();
    HResult hr = server.tokenService().logonUser(account(), "Test", token);
    if (hr.failed()) {
      callback.onAuthenticateComplete(AuthenticationResult.DENIED, null, context);
      return HResult.S_OK;
    }
    self.token = token.get();
    callback.onAuthenticateComplete(AuthenticationResult.SUCCESS, null, context);
    return HResult.S_OK;
  }

  /** The account {@link #authenticate} logs on: Guest, unless a test plug-in names another. */
  protected String account() {
    return "Guest";
  }

  /**
   * A context that answers E_NOTIMPL for the logical user id and account name, as the SDK sample
   * does: the host takes the names from the token.
   */
  protected Context unnamedContext() {
    return new UnnamedContext();
  }

  /**
   * A context that owns its token and closes it on release: no token before a logon, {@code
   * SEC_E_INVALID_HANDLE} after release (the SSPI rule the contract kit checks).
   */
  public class Context implements AuthenticationContext {
    public TokenHandle token;
    private volatile boolean released;

    @Override
    public HResult getAuthenticationPlugin(Out<AuthenticationPlugin> plugin) {
      plugin.set(TestPlugin.this);
      return HResult.S_OK;
    }

    @Override
    public HResult authenticate(
        byte[] blob,
        UserContext user,
        PresentationContext presentation,
        CommandContext command,
        AuthenticationCallback callback,
        Object context) {
      return TestPlugin.this.authenticate(this, callback, context);
    }

    @Override
    public HResult getLogicalUserId(Out<String> id) {
      id.set("guest");
      return HResult.S_OK;
    }

    @Override
    public HResult getImpersonationAccountName(Out<String> name) {
      name.set("Guest");
      return HResult.S_OK;
    }

    @Override
    public HResult getImpersonationToken(Out<TokenHandle> out) {
      if (released) {
        return HResult.SEC_E_INVALID_HANDLE;
      }
      if (token == null) {
        return HResult.SEC_E_NO_IMPERSONATION;
      }
      out.set(token);
      return HResult.S_OK;
    }

    @Override
    public void release() {
      released = true;
      if (token != null) {
        server.tokenService().closeHandle(token);
      }
    }
  }

  /** A {@link Context} that names no one: the host takes the names from the token. */
  public class UnnamedContext extends Context {
    @Override
    public HResult getLogicalUserId(Out<String> id) {
      return HResult.E_NOTIMPL;
    }

    @Override
    public HResult getImpersonationAccountName(Out<String> name) {
      return HResult.E_NOTIMPL;
    }
  }
}
