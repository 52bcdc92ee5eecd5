package org.authhost.plugins.digest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.BasicPlugin;
import org.authhost.api.CredentialService;
import org.authhost.api.HResult;
import org.authhost.api.NamedValueException;
import org.authhost.api.NamedValues;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.authhost.api.ServerContext;
import org.authhost.api.StateService;
import org.authhost.api.support.PluginEvents;

/**
 * RFC 7616 HTTP Digest authentication against the host's local accounts: the entry point ({@code
 * IWMSBasicPlugin} and {@code IWMSAuthenticationPlugin}), in the role of the WMS Digest
 * Authentication plug-in.
 *
 * <p>Algorithms MD5, SHA-256 and SHA-512-256 and their {@code -sess} forms; qop {@code auth} and
 * {@code auth-int}; {@code userhash}; {@code username*}; {@code charset=UTF-8}; {@code
 * Authentication-Info} with {@code rspauth} and {@code nextnonce}; the RFC 2069 form that RTSP
 * clients still send (over HTTP only when configured). For RTSP clients ({@code
 * UserContext.controlProtocol()} {@code RTSP}) the challenge puts MD5 last, the {@code uri} may be
 * any form they send for the request line ({@link RequestUris#namesRtsp}), and an RFC 2069 nonce is
 * bound to the client's connection and session instead of being spent at once. The named values are
 * in {@link DigestSettings}.
 *
 * <p>The password never reaches the plug-in: the host's {@link CredentialService} hands out {@code
 * H(user:realm:password)} for the realms in its {@code accounts.digestRealms}, so the plug-in's
 * realm must be one of them (checked in {@link #enable}).
 *
 * <p>State lives outside this object, in the host's {@link StateService} ({@link NonceLedger}): the
 * nonce key and the store's epoch, the counts used with each nonce, the connection an RTSP client's
 * RFC 2069 nonce is bound to. So a new version of the plug-in (the same id, on the same store)
 * accepts the nonces this one issued and refuses the counts it accepted, and a disable/enable
 * changes nothing for clients. The key file ({@link NonceKeyFile}) only seeds a new store, so that
 * a restart of a host whose store is in memory turns outstanding nonces stale, not forged.
 *
 * <p>Life cycle: {@link #initialize} reads the named values; {@link #enable} checks the realm with
 * the host and reads (or seeds) the nonce secrets in the state service. Each request gets its own
 * {@link DigestContext}; everything they share lives in one {@link DigestVerifier} and one {@link
 * RefusalLog}, whose summaries the heartbeat writes.
 */
public final class DigestAuthenticationPlugin implements BasicPlugin, AuthenticationPlugin {
  static final String PROTOCOL = "Digest";
  static final String PACKAGE = "AuthHost Digest";

  /** The tests' clock, or null for the host's (ServerContext.clock). */
  private final Clock ownClock;

  private final SecureRandom random;

  private volatile Clock clock;
  private volatile ServerContext server;
  private volatile NamedValues values;
  private volatile DigestSettings settings;
  private volatile DigestVerifier verifier;
  private volatile PluginEvents events;
  private volatile RefusalLog refusals;

  /** The host's constructor: the host's clock and a strong random source. */
  public DigestAuthenticationPlugin() {
    this(null, new SecureRandom());
  }

  /** For tests: a clock to move (null: the server context's). */
  DigestAuthenticationPlugin(Clock clock, SecureRandom random) {
    this.ownClock = clock;
    this.random = random;
  }

  @Override
  public HResult initialize(ServerContext server, NamedValues namedValues) {
    this.settings = DigestSettings.from(namedValues); // throws E_INVALIDARG with the fix
    this.clock = ownClock != null ? ownClock : server.clock();
    this.server = server;
    this.values = namedValues;
    return HResult.S_OK;
  }

  @Override
  public HResult enable(Out<Duration> heartbeatPeriod) {
    ServerContext current = server;
    if (current == null || settings == null) {
      return HResult.E_UNEXPECTED;
    }
    CredentialService credentials = current.credentials();
    if (credentials == null) {
      throw new PluginException(
          HResult.E_NOINTERFACE, "the host offers no credential service (API 1.2)");
    }
    checkRealm(credentials);
    StateService state = state(current);
    events = new PluginEvents(current.eventLog(), values);
    byte[] seedKey = loadKey(current);
    NonceLedger.Secrets secrets = secrets(state, seedKey);
    if (!Arrays.equals(secrets.key(), seedKey)) {
      adoptKey(current, secrets.key());
    }
    NonceService nonces =
        new NonceService(secrets.key(), secrets.epoch(), settings.nonceLifetime(), clock, random);
    refusals = new RefusalLog(events, clock, RefusalLog.DEFAULT_INTERVAL, RefusalLog.DEFAULT_SLOTS);
    verifier = new DigestVerifier(settings, nonces, new NonceLedger(state), credentials);
    if (heartbeatPeriod != null) {
      // The summaries of refusal floods; a fraction of their interval, so that none is late by
      // much.
      heartbeatPeriod.set(RefusalLog.DEFAULT_INTERVAL.dividedBy(6));
    }
    return HResult.S_OK;
  }

  @Override
  public HResult onHeartbeat() {
    RefusalLog current = refusals;
    if (current != null) {
      current.flush();
    }
    return HResult.S_OK;
  }

  /**
   * Fails enable with the fix when the host keeps no secrets for the realm, instead of refusing
   * every logon later. Not an event: the host records a failed enable itself.
   */
  private void checkRealm(CredentialService credentials) {
    Set<String> bases = new LinkedHashSet<>();
    settings.algorithms().forEach(a -> bases.add(a.baseToken()));
    for (String base : bases) {
      HResult hr = credentials.keepsDigestSecrets(settings.realm(), base);
      if (hr.equals(HResult.S_FALSE)) {
        // Named: at a host's start a realm that can never log anyone on is a mistake of host.json.
        throw new NamedValueException(
            "realm",
            DigestSettings.NAMES,
            "the host keeps no Digest secrets for realm '"
                + settings.realm()
                + "' ("
                + base
                + "): add it to accounts.digestRealms in host.json and set the users' passwords again, or set "
                + "plugins.settings."
                + values.pluginId()
                + ".properties.realm to one of accounts.digestRealms");
      }
      if (hr.failed()) {
        throw new PluginException(
            hr,
            "the host's credential service answered "
                + hr
                + " for realm '"
                + settings.realm()
                + "'");
      }
    }
  }

  private static StateService state(ServerContext current) {
    StateService state;
    try {
      state = current.state();
    } catch (UnsupportedOperationException tooOld) {
      state = null;
    }
    if (state == null) {
      throw new PluginException(
          HResult.E_NOINTERFACE,
          "the host offers no state service (API 1.3), where Digest keeps its nonces");
    }
    if (!NonceLedger.checkWindowSupport(state)) {
      throw new PluginException(
          HResult.E_NOTIMPL,
          "the host's state service does not offer claimInWindow (API 1.4), the atomic replay"
              + " window Digest keeps its nonce counts in; Digest stays disabled rather than check"
              + " replays unsafely. Fix: run it on a host (or a state store) of API 1.4 or later");
    }
    return state;
  }

  /** The nonce secrets every version shares; a store that fails them fails the enable. */
  private NonceLedger.Secrets secrets(StateService state, byte[] seedKey) {
    Out<HResult> failure = new Out<>();
    NonceLedger.Secrets secrets = NonceLedger.secrets(state, seedKey, random, failure);
    if (secrets == null) {
      throw new PluginException(
          failure.get(),
          "the host's state service answered "
              + failure.get()
              + " for the nonce key ("
              + NonceLedger.SECRETS_KEY
              + "); when the store works again, run: authhost plugins enable "
              + values.pluginId());
    }
    return secrets;
  }

  private byte[] loadKey(ServerContext current) {
    Path folder = null;
    try {
      folder = current.dataDirectory();
      return NonceKeyFile.loadOrCreate(folder, random);
    } catch (IOException | UncheckedIOException e) {
      HResult code =
          e instanceof AccessDeniedException || e.getCause() instanceof AccessDeniedException
              ? HResult.E_ACCESSDENIED
              : HResult.E_FAIL;
      throw new PluginException(
          code,
          "cannot read or create the nonce key "
              + NonceKeyFile.NAME
              + " in "
              + (folder == null ? "the plug-in's data folder" : folder)
              + ": "
              + e.getMessage()
              + "; fix it, then run: authhost plugins enable "
              + values.pluginId());
    }
  }

  /**
   * Keeps the shared key in this node's key file too, so that every node's file converges on the
   * key all of them use. A shared store that loses the key (a restart without persistence, a
   * failover: the host resets the store) is then seeded again with that same key, whichever node
   * enables first, and only the epoch is new: outstanding nonces earn {@code stale=true} (the
   * client retries by itself) instead of failing their MAC (a password prompt). A file that cannot
   * be written costs only that, so it is a WARNING, not a failed enable.
   */
  private void adoptKey(ServerContext current, byte[] key) {
    try {
      NonceKeyFile.replace(current.dataDirectory(), key);
    } catch (IOException | UncheckedIOException e) {
      events.warning(
          "cannot write the shared nonce key to "
              + NonceKeyFile.NAME
              + " ("
              + e.getMessage()
              + "); after the state store loses its data, nonces issued before may be refused"
              + " as forged (a password prompt) rather than stale. Fix: let the host write to"
              + " the plug-in's data folder");
    }
  }

  @Override
  public HResult disable() {
    verifier = null; // contexts already created keep theirs until they finish
    closeRefusals();
    return HResult.S_OK;
  }

  @Override
  public HResult shutdown() {
    verifier = null;
    closeRefusals();
    server = null;
    return HResult.S_OK;
  }

  /** What is still counted goes out now: the next enable starts a new log. */
  private void closeRefusals() {
    RefusalLog current = refusals;
    refusals = null;
    if (current != null) {
      current.close();
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
    // Text challenge, the client asks its user for a password, the server speaks first (nonce),
    // the blob of a SUCCESS is Authentication-Info's value (rspauth), and one context may verify
    // each request of a connection (API 1.7).
    flags.set(
        AuthenticationFlags.TEXT_CHALLENGE
            | AuthenticationFlags.CLIENT_SHOWS_UI
            | AuthenticationFlags.CHALLENGE_FIRST
            | AuthenticationFlags.AUTHENTICATION_INFO
            | AuthenticationFlags.BROWSER_ANSWERS
            | AuthenticationFlags.REVERIFYING_CONTEXT);
    return HResult.S_OK;
  }

  @Override
  public HResult createAuthenticationContext(Out<AuthenticationContext> context) {
    ServerContext current = server;
    DigestVerifier shared = verifier;
    PluginEvents ownEvents = events;
    RefusalLog ownRefusals = refusals;
    if (current == null || shared == null || ownRefusals == null) {
      return HResult.E_UNEXPECTED; // not enabled
    }
    context.set(new DigestContext(this, current.tokenService(), shared, ownEvents, ownRefusals));
    return HResult.S_OK;
  }
}
