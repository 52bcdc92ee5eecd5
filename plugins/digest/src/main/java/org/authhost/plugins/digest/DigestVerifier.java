package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.authhost.api.CommandContext;
import org.authhost.api.CredentialService;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.UserContext;

/**
 * Decides on one Digest response: the whole of RFC 7616 §3.4 on the server side, and the nonce and
 * replay rules of this plug-in. Shared by every context of an enabled plug-in; thread-safe.
 *
 * <p>The order of the checks matters:
 *
 * <ol>
 *   <li>form ({@link DigestCredentials}), then agreement with what was offered: realm, opaque,
 *       algorithm, qop, userhash, and that {@code uri} names this request;
 *   <li>the nonce's MAC: a nonce not issued here is refused outright, without {@code stale};
 *   <li>the account and its HA1 from the host, then the response, compared in constant time;
 *   <li>only for a right response: the nonce's age and epoch, then its use, recorded in the host's
 *       state service ({@link NonceLedger}): a count already used is a replay; an expired nonce,
 *       one from before the store's epoch, a count too far behind its nonce's highest ({@link
 *       NonceLedger#NC_WINDOW}), or an RFC 2069 nonce bound to another RTSP connection or session
 *       earns {@code stale=true}. Because the digest was right, the client knows the password and
 *       can simply retry on a fresh nonce; a wrong digest never learns whether the nonce was still
 *       good, and never uses up a count. A store that does not answer fails the request closed
 *       (ERROR).
 * </ol>
 *
 * <p>{@code qop=auth-int} hashes the request body, which the host does not give plug-ins. A request
 * without a body ({@code Content-Length} absent or 0, no {@code Transfer-Encoding}) is checked with
 * {@code H("")}; a request with a body is refused for {@code auth-int} (the client can use {@code
 * auth}). The success of an {@code auth-int} request carries no {@code rspauth}: its A2 would need
 * the hash of the response body, which the plug-in does not see either.
 */
final class DigestVerifier {
  private final DigestSettings settings;
  private final NonceService nonces;
  private final NonceLedger ledger;
  private final CredentialService credentials;

  DigestVerifier(
      DigestSettings settings,
      NonceService nonces,
      NonceLedger ledger,
      CredentialService credentials) {
    this.settings = settings;
    this.nonces = nonces;
    this.ledger = ledger;
    this.credentials = credentials;
  }

  /** Fresh challenges, one per offered algorithm, sharing one new nonce. */
  String challenges(boolean stale, boolean rtsp) {
    return challenges(nonces.mint(), stale, rtsp);
  }

  /** Challenges, one per offered algorithm, sharing {@code nonce}. */
  String challenges(String nonce, boolean stale, boolean rtsp) {
    return Challenges.challenges(settings, nonce, nonces.opaque(), stale, rtsp);
  }

  /**
   * A wrong password or an unknown user: the host audits a failed logon. An RTSP client that speaks
   * the RFC 2069 form on a nonce of ours still in its lifetime is challenged again with that same
   * nonce: GStreamer's rtspsrc sends the same password again on every 401 (up to nine times), and
   * with the nonce kept each of those retries is the same octets, which the host counts as one
   * guess (a fresh nonce would make every retry a new response, each a failed logon, and one typo a
   * lockout). No replay gets in by it: a wrong response never binds or uses the nonce, a right one
   * on it is checked and bound as on any nonce, and every different guess is still new octets.
   */
  private static Verdict wrong(DigestCredentials c, NonceService.Check nonce, boolean rtsp) {
    boolean keep = rtsp && c.qop() == null && nonce.status() == NonceService.Status.FRESH;
    return new Verdict.Denied(null, false, keep ? c.nonce() : null);
  }

  /** Whether the request came over RTSP, whose clients get their own challenge order and forms. */
  static boolean rtsp(UserContext user) {
    String protocol = user == null ? null : user.controlProtocol();
    return protocol != null && protocol.regionMatches(true, 0, "RTSP", 0, 4);
  }

  /** Thrown by a step that has reached a verdict other than success. */
  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Verdict verdict;

    Stop(Verdict verdict) {
      super(null, null, false, false);
      this.verdict = verdict;
    }
  }

  /**
   * Decides on one response. Everything but the state service is checked at once; the stage
   * completes when the store has answered the replay check (at once on the host's local store).
   *
   * @param blob the {@code Authorization} value after {@code "Digest "}, as ISO-8859-1 octets
   * @param command the request: method, target and headers
   * @param user receives the account name once known, for the host's audit; its protocol and
   *     connection bind an RFC 2069 nonce over RTSP
   */
  CompletionStage<Verdict> verify(byte[] blob, CommandContext command, UserContext user) {
    try {
      boolean rtsp = rtsp(user);
      DigestCredentials c = DigestCredentials.parse(blob, settings.realm(), nonces.opaque());
      checkOffer(c, command, rtsp);
      NonceService.Check nonce = nonces.check(c.nonce());
      if (nonce.status() == NonceService.Status.FORGED) {
        throw new Malformed("the nonce was not issued by this server (bad form or MAC)");
      }
      String account = account(c, nonce, rtsp);
      if (user != null) {
        user.setUserName(account);
      }
      // One request's hashing, on this thread only: everything that needs it happens before the
      // state service is asked (which may answer on another thread).
      Hashing h = Hashing.of(c.algorithm());
      byte[] ha1 =
          DigestMath.sessionHa1(
              h, c.algorithm(), storedHa1(account, c, nonce, rtsp), c.nonce(), c.cnonce());
      // auth-int reaches here only for a request without a body (checkOffer): H(entity-body) =
      // H("").
      String bodyHash =
          DigestMath.AUTH_INT.equals(c.qop()) ? c.algorithm().hash(new byte[0]) : null;
      byte[] ha2 = DigestMath.ha2(h, c.qop(), command.method(), c.uri(), bodyHash);
      // Looked up before the response's input is written: an A2 not remembered is hashed in the
      // same buffer. The rspauth of RFC 7616 §3.5 is the response with this A2 for the request's.
      byte[] rspauthA2 =
          DigestMath.AUTH.equals(c.qop()) ? h.rspauthA2(command.method(), c.uri()) : null;
      int shared =
          DigestMath.responsePrefix(h, ha1, c.nonce(), c.nc(), c.cnonce(), c.qop()).length();
      if (!h.hex(ha2).digestEqualsHex(c.response(), shared)) {
        return done(wrong(c, nonce, rtsp));
      }
      if (nonce.status() != NonceService.Status.FRESH) {
        // Expired, or from an epoch whose counts this store never saw: the digest was right, so
        // the client knows the password and simply retries on a fresh nonce.
        return done(new Verdict.Denied(null, true));
      }
      // A replay keeps the account's name: the host checks alice's lockout on it (a locked
      // account answers a replay as it answers anything else), and the refusal is benign
      // (S_FALSE, see DigestContext), so it counts against nobody.
      byte[] rspauth = rspauthA2 != null ? h.hex(rspauthA2).digest() : null;
      CompletableFuture<Verdict> used =
          use(c, nonce, account, command, user, rtsp).toCompletableFuture();
      if (used.isDone() && !used.isCompletedExceptionally()) {
        // The host's local store answers at once: no stage composed for every request.
        Verdict refused = used.join();
        return refused != null ? done(refused) : success(c, nonce, account, rspauth, rtsp);
      }
      return used.thenCompose(
          refused -> refused != null ? done(refused) : success(c, nonce, account, rspauth, rtsp));
    } catch (Malformed e) {
      return done(new Verdict.Denied(new Refusal(Refusal.Kind.MALFORMED, e.getMessage()), false));
    } catch (Stop e) {
      return done(e.verdict);
    }
  }

  private static CompletionStage<Verdict> done(Verdict verdict) {
    return CompletableFuture.completedFuture(verdict);
  }

  /**
   * @param rspauth the server's proof for {@code qop=auth} (octets), else null
   */
  private CompletionStage<Verdict> success(
      DigestCredentials c, NonceService.Check nonce, String account, byte[] rspauth, boolean rtsp) {
    if (c.qop() == null && !rtsp) {
      // Over HTTP the RFC 2069 form spends its nonce at once, so it always gets the next one.
      return done(
          new Verdict.Success(
              account, Challenges.authenticationInfoOctets(rspauth, c, nonces.mint())));
    }
    if (!nonces.wantsNext(nonce)) {
      return done(
          new Verdict.Success(account, Challenges.authenticationInfoOctets(rspauth, c, null)));
    }
    return ledger
        .claimNext(c.nonce(), nonces.remembrance(nonce))
        .thenApply(
            first ->
                new Verdict.Success(
                    account,
                    Challenges.authenticationInfoOctets(rspauth, c, first ? nonces.mint() : null)));
  }

  /**
   * Records this use of the nonce in the state service: null when it may go ahead, else the
   * refusal. For a right response only, so a wrong digest never learns whether the nonce was still
   * good, and never uses up a count.
   */
  private CompletionStage<Verdict> use(
      DigestCredentials c,
      NonceService.Check nonce,
      String account,
      CommandContext command,
      UserContext user,
      boolean rtsp) {
    Duration ttl = nonces.remembrance(nonce);
    if (c.qop() != null) {
      CompletableFuture<NonceLedger.Check> counted =
          ledger.count(c.nonce(), c.ncValue(), ttl).toCompletableFuture();
      if (counted.isDone() && !counted.isCompletedExceptionally()) {
        // The host's local store answered at once: no stage and no lambda for every request.
        return done(counted(counted.join(), c, account));
      }
      return counted.thenApply(check -> counted(check, c, account));
    }
    if (!rtsp) {
      // The RFC 2069 form over HTTP has no count: it counts as 1, so its nonce is good once, and
      // stale=true is how such a client gets the next one.
      return ledger.count(c.nonce(), 1, ttl).thenApply(DigestVerifier::staleUnlessAccepted);
    }
    // RTSP clients that send the RFC 2069 form (live555/VLC, GStreamer) send it with every request
    // of a connection on the same nonce. The nonce is bound to the connection and the account on
    // its first use and good for them alone: from another connection (a captured header) or for
    // another account it is stale, and the client, if it knows the password, retries on a fresh
    // one. Once the connection has an RTSP session, the nonce is bound to that session too.
    byte[] binding = connectionBinding(user, account);
    Optional<String> session = command.header("session").map(DigestVerifier::sessionId);
    CompletionStage<Verdict> bound =
        ledger.bind(c.nonce(), binding, ttl).thenApply(DigestVerifier::staleUnlessAccepted);
    if (session.isEmpty() || session.get().isEmpty()) {
      return bound;
    }
    byte[] sessionValue = sha256(session.get());
    return bound.thenCompose(
        refused ->
            refused != null
                ? done(refused)
                : ledger
                    .bindSession(c.nonce(), sessionValue, ttl)
                    .thenApply(DigestVerifier::staleUnlessAccepted));
  }

  /** What the count of a qop response in the state service means: null when it may go ahead. */
  private static Verdict counted(NonceLedger.Check check, DigestCredentials c, String account) {
    return switch (check.use()) {
      case ACCEPTED -> null;
      case FAILED -> storeFailed(check.failure());
      // Far behind the nonce's highest count: its window no longer knows whether it was used.
      // The digest was right, so a fresh nonce is all the client needs.
      case TOO_OLD -> new Verdict.Denied(null, true);
      // An exact repeat of a count: a replay, refused as such (no stale=true), in the plug-in's
      // own refusal log; the host audits it as a refusal, not as a failed logon of the account.
      case TAKEN ->
          new Verdict.Denied(
              new Refusal(
                  Refusal.Kind.REPLAYED,
                  "nc "
                      + c.nc()
                      + " was already used with this nonce (a replayed request of account '"
                      + account
                      + "')"),
              false);
    };
  }

  private static Verdict staleUnlessAccepted(NonceLedger.Check check) {
    return switch (check.use()) {
      case ACCEPTED -> null;
      case TAKEN, TOO_OLD -> new Verdict.Denied(null, true);
      case FAILED -> storeFailed(check.failure());
    };
  }

  /**
   * The state service did not record the use: fail closed. A full or unreachable store is no fault
   * of the plug-in's (ERROR, which the host answers 503 with Retry-After); anything else is.
   */
  private static Verdict storeFailed(HResult hr) {
    if (hr.equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
      return new Verdict.Busy();
    }
    return new Verdict.Fault(
        hr,
        "the host's state service answered "
            + hr
            + " when Digest recorded a use of a nonce: the request was refused (ERROR), as the"
            + " replay check could not be made");
  }

  /**
   * What an RFC 2069 nonce is bound to over RTSP: the connection (the host's id and the client's
   * address and port, so that equal ids of two hosts sharing a store still differ) and the account.
   * Hashed, so that the entry is small whatever the name.
   */
  private static byte[] connectionBinding(UserContext user, String account) {
    return sha256(
        user.controlProtocol()
            + "\0"
            + user.ipAddress()
            + "\0"
            + user.port()
            + "\0"
            + user.connectionId()
            + "\0"
            + account);
  }

  /** The session id of an RTSP {@code Session} header, without its parameters. */
  private static String sessionId(String header) {
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).strip();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** That the response answers what this server offered, for this request. */
  private void checkOffer(DigestCredentials c, CommandContext command, boolean rtsp)
      throws Malformed {
    if (!c.realm().equals(settings.realm())) {
      throw new Malformed("realm '" + c.realm() + "' is not this server's realm");
    }
    // A missing opaque is accepted: live555 (VLC) never echoes it, and the nonce's MAC already
    // proves where the challenge came from. A different one is refused.
    if (c.opaque() != null && !c.opaque().equals(nonces.opaque())) {
      throw new Malformed("opaque does not match");
    }
    if (!settings.algorithms().contains(c.algorithm())) {
      throw new Malformed("algorithm " + c.algorithm() + " was not offered");
    }
    // RTSP clients (live555/VLC, GStreamer) know only the RFC 2069 form; over HTTP it is
    // accepted only when the operator asks for it.
    if (c.qop() == null && !settings.legacy() && !rtsp) {
      throw new Malformed("no qop (the RFC 2069 form is not accepted; named value legacy)");
    }
    if (c.qop() != null && !settings.qops().contains(c.qop())) {
      throw new Malformed("qop=" + c.qop() + " was not offered");
    }
    if (c.userhash() && !settings.userhash()) {
      throw new Malformed("userhash=true was not offered");
    }
    if (DigestMath.AUTH_INT.equals(c.qop()) && hasBody(command)) {
      throw new Malformed(
          "qop=auth-int for a request with a body: plug-ins do not see the body; use qop=auth");
    }
    // The same string as the target (nearly every request) names it without the Host header's
    // look-up among the request's headers.
    if (!c.uri().equals(command.requestTarget())
        && (rtsp
            ? !RequestUris.namesRtsp(c.uri(), command.requestTarget(), command.method())
            : !RequestUris.names(
                c.uri(), command.requestTarget(), command.header("host").orElse(null)))) {
      throw new Malformed(
          "uri '"
              + c.uri()
              + "' does not name the request target '"
              + command.requestTarget()
              + "'");
    }
  }

  /**
   * Whether the request declares a body (RFC 9112 §6.3): any Transfer-Encoding, or a non-zero
   * length.
   */
  private static boolean hasBody(CommandContext command) {
    if (command.header("transfer-encoding").isPresent()) {
      return true;
    }
    String length = command.header("content-length").orElse("0").strip();
    return length.isEmpty() || !length.chars().allMatch(ch -> ch == '0');
  }

  /** The local account: the name itself, or the one whose {@code H(name:realm)} the client sent. */
  private String account(DigestCredentials c, NonceService.Check nonce, boolean rtsp) throws Stop {
    if (!c.userhash()) {
      return c.username();
    }
    Out<String> found = new Out<>();
    HResult hr =
        credentials.findUserByHash(
            settings.realm(), c.algorithm().baseToken(), c.username(), found);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      throw new Stop(wrong(c, nonce, rtsp)); // no such user: as for a wrong password
    }
    if (hr.failed() || found.get() == null) {
      throw new Stop(
          new Verdict.Fault(
              hr.failed() ? hr : HResult.E_POINTER,
              "the host's findUserByHash(realm '"
                  + settings.realm()
                  + "', "
                  + c.algorithm().baseToken()
                  + ") answered "
                  + hr));
    }
    return found.get();
  }

  /** {@code H(user:realm:password)} from the host's account store, as octets. */
  private byte[] storedHa1(
      String account, DigestCredentials c, NonceService.Check nonce, boolean rtsp) throws Stop {
    DigestAlgorithm algorithm = c.algorithm();
    Out<byte[]> ha1 = new Out<>();
    HResult hr = credentials.getDigestHa1(account, settings.realm(), algorithm.baseToken(), ha1);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      throw new Stop(wrong(c, nonce, rtsp)); // unknown, disabled or without a password
    }
    if (hr.equals(HResult.E_INVALIDARG)) {
      throw new Stop(
          new Verdict.Fault(
              hr,
              "the host keeps no Digest secret for realm '"
                  + settings.realm()
                  + "' and "
                  + algorithm.baseToken()
                  + " (getDigestHa1 answered "
                  + hr
                  + "): add the realm to "
                  + "accounts.digestRealms and set the users' passwords again, or change the named value realm"));
    }
    if (hr.failed() || ha1.get() == null || ha1.get().length * 2 != algorithm.hexLength()) {
      throw new Stop(
          new Verdict.Fault(
              hr.failed() ? hr : HResult.E_UNEXPECTED,
              "the host's getDigestHa1(realm '"
                  + settings.realm()
                  + "', "
                  + algorithm.baseToken()
                  + ") answered "
                  + hr
                  + (hr.failed() ? "" : " with a value of the wrong length")));
    }
    return ha1.get();
  }
}
