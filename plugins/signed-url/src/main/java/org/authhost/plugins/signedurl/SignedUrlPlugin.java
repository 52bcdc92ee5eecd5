package org.authhost.plugins.signedurl;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.HResult;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.ServerContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.support.PluginEvents;

/**
 * Signed URLs ({@link SignedUrl}): a platform signs a path prefix, an expiry and optionally the
 * client's address with a shared key, and AuthHost serves what the URL covers until it expires. The
 * host hands the plug-in the URL's {@code ah_*} parameters (its descriptor names them, API 1.4) and
 * removes them from what it forwards and logs; every refusal is {@code OnAuthenticateForbidden}, a
 * 403 without a challenge, since no credential the client could type would help.
 *
 * <p>Named values: {@code account} (required) — the local account a signed URL logs on as, so that
 * publishing points grant signed URLs what their ACL grants that account (a group such as Users);
 * {@code keysFile} — the signing keys ({@link SigningKeys}), default {@code signed-url.keys} in the
 * plug-in's data folder, a relative path resolved there; read at enable and again when the file
 * changes (checked every {@code keysCheckSeconds}, default 10), so a new key is picked up without a
 * restart; a file deleted, unreadable or emptied while enabled leaves no key in force (every signed
 * URL refused) until it holds a key again. {@code wowzaPrefix} — off by default: the prefix of
 * Wowza SecureToken (SHA-256) parameters, whose URLs are then verified too ({@link WowzaToken}; the
 * operator lists those parameters in {@code urlCredentials}); {@code wowzaKeys} — with it, the keys
 * that are Wowza shared secrets (only they verify such hashes, and they sign no AuthHost link);
 * {@code wowzaClientAddress} ({@code false}) — whether their hash includes the client's address.
 */
public final class SignedUrlPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "SignedURL";
  static final String PACKAGE = "AuthHost Signed URL";
  static final String DEFAULT_KEYS_FILE = "signed-url.keys";

  private volatile ServerContext server;
  private volatile PluginEvents events;
  private volatile String account;
  private volatile Path keysFile;
  private volatile Duration keysCheck;
  private volatile SigningKeys keys;
  private volatile SignedUrlContext.WowzaMode wowza = SignedUrlContext.WowzaMode.OFF;

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    this.server = server;
    this.events = new PluginEvents(server.eventLog(), namedValues);
    long seconds;
    try {
      seconds = Long.parseLong(namedValues.get("keysCheckSeconds", "10").strip());
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 1 || seconds > 86_400) {
      return events.error(
          HResult.E_INVALIDARG, "the named value 'keysCheckSeconds' is not 1 to 86400 seconds");
    }
    String wowzaPrefix = namedValues.get("wowzaPrefix", "").strip();
    if (!wowzaPrefix.isEmpty() && !wowzaPrefix.matches("[A-Za-z0-9._~-]{1,48}")) {
      return events.error(
          HResult.E_INVALIDARG,
          "the named value 'wowzaPrefix' is not 1 to 48 letters, digits, '.', '_', '~' or '-'"
              + " (Wowza's SecureToken prefix, e.g. wowzatoken)");
    }
    String clientAddress = namedValues.get("wowzaClientAddress", "false").strip();
    if (!clientAddress.equals("true") && !clientAddress.equals("false")) {
      return events.error(
          HResult.E_INVALIDARG, "the named value 'wowzaClientAddress' is not true or false");
    }
    java.util.Set<String> wowzaKeys = new java.util.LinkedHashSet<>();
    for (String name : namedValues.get("wowzaKeys", "").split(",")) {
      if (!name.isBlank()) {
        wowzaKeys.add(name.strip());
      }
    }
    if (!wowzaPrefix.isEmpty()
        && (wowzaKeys.isEmpty()
            || !wowzaKeys.stream().allMatch(n -> n.matches("[A-Za-z0-9._-]{1,64}")))) {
      return events.error(
          HResult.E_INVALIDARG,
          "the named value 'wowzaKeys' is missing or not a comma-separated list of key names:"
              + " with wowzaPrefix set, name the keys of the keys file that are Wowza SecureToken"
              + " shared secrets (e.g. wowza); only they verify SecureToken hashes, and they sign"
              + " no AuthHost link");
    }
    this.wowza =
        wowzaPrefix.isEmpty()
            ? SignedUrlContext.WowzaMode.OFF
            : new SignedUrlContext.WowzaMode(wowzaPrefix, clientAddress.equals("true"), wowzaKeys);
    // Checked at enable, not here: a host that ships the plug-in disabled starts without a word.
    this.account = namedValues.get("account", "").strip();
    this.keysCheck = Duration.ofSeconds(seconds);
    this.keysFile =
        server.dataDirectory().resolve(namedValues.get("keysFile", DEFAULT_KEYS_FILE).strip());
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    if (account.isEmpty() || account.length() > 256) {
      return events.error(
          HResult.E_INVALIDARG,
          "the named value 'account' is missing: set plugins.settings.<id>.properties.account"
              + " to the local account signed URLs log on as (e.g. a member of Users), then"
              + " authhost plugins enable <id>");
    }
    try {
      keys = SigningKeys.read(keysFile);
    } catch (SigningKeys.Unreadable e) {
      return events.error(HResult.E_INVALIDARG, e.getMessage());
    }
    // Prove the account can log on now, rather than refusing every client later.
    Out<TokenHandle> probe = new Out<>();
    HResult hr = server.tokenService().logonUser(account, PACKAGE, probe);
    if (hr.failed()) {
      return events.error(
          HResult.E_LOGON_FAILURE,
          "the account '"
              + account
              + "' (named value 'account') cannot log on ("
              + hr
              + "); create it, or name an existing account, and grant the plug-in"
              + " token-without-credential");
    }
    server.tokenService().closeHandle(probe.get());
    heartbeatPeriod.set(keysCheck);
    return HResult.S_OK;
  }

  /** Picks up a rotation: the keys file read again when it changed; a broken one is reported. */
  @Override
  public HResult onHeartbeat() {
    SigningKeys current = keys;
    if (current == null || !current.changed()) {
      return HResult.S_OK;
    }
    try {
      keys = SigningKeys.read(keysFile);
    } catch (SigningKeys.Unreadable e) {
      if (e.revokes()) {
        // Gone, unreadable or emptied: the operator revoked the keys (one event per change).
        events.warning(
            e.getMessage() + "; until then every signed URL is refused (403): no key is in force");
        keys = SigningKeys.none(keysFile);
      } else {
        // A bad line: the keys read before stay only where the new file still lists them as they
        // were, so that removing a leaked key's line revokes it even if the edit broke another.
        SigningKeys kept = current.keptBeside(e);
        events.warning(
            e.getMessage()
                + (kept.byName().isEmpty()
                    ? "; no key is in force until it is fixed"
                    : "; until it is fixed only the keys read before that it still lists are in"
                        + " force: "
                        + String.join(", ", kept.byName().keySet())));
        keys = kept;
      }
    }
    return HResult.S_OK;
  }

  @Override
  public HResult disable() {
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
    server = null;
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
    flags.set(0);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    ServerContext current = server;
    SigningKeys k = keys;
    if (current == null || k == null) {
      return HResult.E_UNEXPECTED;
    }
    Clock clock = current.clock();
    context.set(
        new SignedUrlContext(this, current.tokenService(), account, k.byName(), clock, wowza));
    return HResult.S_OK;
  }
}
