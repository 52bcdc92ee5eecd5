package org.authhost.plugins.bearer;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.authhost.api.ServerContext;
import org.authhost.api.support.OwnedToken;
import org.authhost.api.support.PluginEvents;

/**
 * RFC 6750 bearer tokens: {@code Authorization: Bearer <JWT>}, a JWT access token of an OpenID
 * Connect provider, verified against the provider's keys (JWKS), logs on the local account a claim
 * names, or, with {@code identity=principal}, a principal without a local account whose token
 * groups the operator maps to local groups ({@code TokenService.logonPrincipal}).
 *
 * <p>WMS had no such plug-in; the nearest SSPI counterpart is Kerberos with a trusted realm: a
 * ticket another party issued, checked against that party's key, turned into a logon session.
 */
public final class BearerPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "Bearer";
  static final String PACKAGE = "OpenID Connect";

  private final Set<String> missingAccounts = ConcurrentHashMap.newKeySet();
  private volatile ServerContext server;
  private volatile NamedValues identity;
  private volatile PluginEvents events;
  private volatile BearerSettings settings;
  private volatile TokenVerifier verifier;
  private volatile VerifiedTokens verified;
  private final Fetcher fetcher = new Fetcher();

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    BearerSettings read;
    KeySource source;
    try {
      read = BearerSettings.read(namedValues);
      source =
          read.jwks().isPresent()
              ? KeySource.inline(read.jwks().get())
              : KeySource.remote(
                  read.issuer(), read.jwksUri(), (int) read.fetchTimeout().toMillis());
    } catch (IllegalArgumentException e) {
      // Not logged: the host reports a failed initialize itself, with this message.
      throw new PluginException(HResult.E_INVALIDARG, e.getMessage());
    }
    this.server = server;
    this.identity = namedValues;
    this.events = new PluginEvents(server.eventLog(), namedValues);
    this.settings = read;
    Clock clock = server.clock();
    this.verified = new VerifiedTokens(read.maxCachedTokens(), clock);
    ProviderKeys keys =
        new ProviderKeys(
            source,
            clock,
            read.keysMaxAge(),
            read.refetchInterval(),
            new KeyEvents(),
            read.fetchTimeout());
    this.verifier = new TokenVerifier(read, keys, verified, clock);
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    missingAccounts.clear(); // after the operator's fix, warn again about what is still wrong
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    fetcher.stop();
    VerifiedTokens v = verified;
    if (v != null) { // null: initialize never succeeded
      v.clear(); // a re-enabled plug-in verifies again what it accepted before
    }
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
    fetcher.close();
    return HResult.S_OK;
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
    flags.set(AuthenticationFlags.TEXT_CHALLENGE);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    context.set(new BearerContext(this, new OwnedToken(server.tokenService())));
    return HResult.S_OK;
  }

  BearerSettings settings() {
    return settings;
  }

  TokenVerifier verifier() {
    return verifier;
  }

  Fetcher fetcher() {
    return fetcher;
  }

  ServerContext server() {
    return server;
  }

  /** The host refused a logon for a verified token: nothing can work until the operator acts. */
  HResult cannotLogOn(String who, HResult refused) {
    return events.error(
        refused,
        "the host refused to log on "
            + who
            + " for a verified bearer token: "
            + refused
            + (refused.equals(HResult.E_ACCESSDENIED)
                ? " (grant the capability: plugins.settings."
                    + identity.pluginId()
                    + ".capabilities must list "
                    + (settings.identity() == BearerSettings.Identity.ACCOUNT
                        ? "token-without-credential"
                        : "principal-token")
                    + ")"
                : ""));
  }

  /** How many unknown accounts are remembered (and warned about) until the next enable. */
  static final int MAX_MISSING_ACCOUNTS = 1000;

  /**
   * A verified token names an account the host does not know: once per account, for at most {@link
   * #MAX_MISSING_ACCOUNTS} of them. The name is the provider's claim, so the ready-to-run command
   * is offered only for a plain account name, never for text a shell would interpret.
   */
  void accountMissing(String account) {
    if (missingAccounts.size() >= MAX_MISSING_ACCOUNTS || !missingAccounts.add(account)) {
      return;
    }
    boolean plain = account.matches("[A-Za-z0-9._@-]{1,64}");
    events.warning(
        "a verified bearer token's claim '" + settings.accountClaim() + "' names '",
        plain ? account : account.replaceAll("[^\\x20-\\x7E]", "?"),
        "', which is not an enabled account of this host; "
            + (plain
                ? "add it (authhost accounts add " + account + " --no-password)"
                : "add that account")
            + " or use identity=principal with groupMap");
  }

  /** A verified token names an administrator, which {@code allowAdministrators} forbids. */
  void administratorRefused(String account) {
    if (missingAccounts.size() >= MAX_MISSING_ACCOUNTS
        || !missingAccounts.add("admin:" + account)) {
      return;
    }
    events.warning(
        "a verified bearer token names the account '",
        account,
        "', a member of Administrators, and was refused: a bearer token logs on no administrator"
            + " unless properties.allowAdministrators is true");
  }

  /** The key outage's start (ERROR or WARNING) and end (INFORMATION), once each. */
  private final class KeyEvents implements ProviderKeys.Events {
    @Override
    public void error(String text) {
      events.outage(text); // stays in service: it recovers when the provider answers again
    }

    @Override
    public void warning(String text) {
      events.warning(text);
    }

    @Override
    public void information(String text) {
      server.eventLog().logEvent(identity, EventLevel.INFORMATION, HResult.S_OK, text);
    }
  }
}
