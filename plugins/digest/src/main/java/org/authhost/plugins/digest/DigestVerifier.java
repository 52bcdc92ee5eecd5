package org.authhost.plugins.digest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
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
 *   <li>the nonce's MAC: a nonce not issued here is refused outright, without {@code stale} (a
 *       nonce the replay cache holds octet for octet was checked when it was made, and is not
 *       checked again);
 *   <li>the account and its HA1 from the host, then the response, compared in constant time;
 *   <li>only for a right response: the nonce's age and count. Too old, unknown to the replay cache,
 *       or a count already used: {@code stale=true}. Because the digest was right, the client knows
 *       the password and can simply retry on a fresh nonce; a wrong digest never learns whether the
 *       nonce was still good, and never uses up a count.
 * </ol>
 *
 * <p>{@code qop=auth-int} hashes the request body, which the host does not give plug-ins. A request
 * without a body ({@code Content-Length} absent or 0, no {@code Transfer-Encoding}) is checked with
 * {@code H("")}; a request with a body is refused for {@code auth-int} (the client can use {@code
 * auth}). The success of an {@code auth-int} request carries no {@code rspauth}: its A2 would need
 * the hash of the response body, which the plug-in does not see either.
 */
final class DigestVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private final DigestSettings settings;
  private final NonceService nonces;
  private final ReplayCache replays;
  private final CredentialService credentials;

  DigestVerifier(
      DigestSettings settings,
      NonceService nonces,
      ReplayCache replays,
      CredentialService credentials) {
    this.settings = settings;
    this.nonces = nonces;
    this.replays = replays;
    this.credentials = credentials;
  }

  /** Fresh challenges, one per offered algorithm, sharing one new nonce. */
  String challenges(boolean stale) {
    return Challenges.challenges(settings, issue(), nonces.opaque(), stale);
  }

  /** A new nonce, entered in the replay cache. */
  private String issue() {
    NonceService.Minted nonce = nonces.mint();
    replays.register(nonce.id());
    return nonce.value();
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
   * @param blob the {@code Authorization} value after {@code "Digest "}, as ISO-8859-1 octets
   * @param command the request: method, target and headers
   * @param user receives the account name once known, for the host's audit
   */
  Verdict verify(byte[] blob, CommandContext command, UserContext user) {
    try {
      DigestCredentials c = DigestCredentials.parse(new String(blob, StandardCharsets.ISO_8859_1));
      checkOffer(c, command);
      NonceService.Check nonce = nonces.check(c.nonce(), replays::issued);
      if (nonce.status() == NonceService.Status.FORGED) {
        throw new Malformed("the nonce was not issued by this server (bad form or MAC)");
      }
      String account = account(c);
      if (user != null) {
        user.setUserName(account);
      }
      String ha1 =
          DigestMath.sessionHa1(
              c.algorithm(), storedHa1(account, c.algorithm()), c.nonce(), c.cnonce());
      // auth-int reaches here only for a request without a body (checkOffer): H(entity-body) =
      // H("").
      String bodyHash =
          DigestMath.AUTH_INT.equals(c.qop()) ? c.algorithm().hash(new byte[0]) : null;
      String ha2 = DigestMath.ha2(c.algorithm(), c.qop(), command.method(), c.uri(), bodyHash);
      String expected =
          DigestMath.response(c.algorithm(), ha1, c.nonce(), c.nc(), c.cnonce(), c.qop(), ha2);
      if (!MessageDigest.isEqual(
          expected.getBytes(StandardCharsets.US_ASCII),
          c.response().getBytes(StandardCharsets.US_ASCII))) {
        return new Verdict.Denied(
            null, false); // a wrong password: the host audits the failed logon
      }
      // A replay keeps the account's name: the host checks alice's lockout on it (a locked
      // account answers a replay as it answers anything else), and the refusal is benign
      // (S_FALSE, see DigestContext), so it counts against nobody.
      checkFresh(c, nonce, account);
      String rspauth =
          DigestMath.AUTH.equals(c.qop())
              ? DigestMath.rspauth(c.algorithm(), ha1, c.nonce(), c.nc(), c.cnonce(), c.uri())
              : null;
      // The RFC 2069 form spends its nonce at once, so it always gets the next one.
      String next =
          c.qop() == null || (nonces.wantsNext(nonce) && replays.claimNext(nonce.id()))
              ? issue()
              : null;
      return new Verdict.Success(account, Challenges.authenticationInfo(rspauth, c, next));
    } catch (Malformed e) {
      return new Verdict.Denied(new Refusal(Refusal.Kind.MALFORMED, e.getMessage()), false);
    } catch (Stop e) {
      return e.verdict;
    }
  }

  /** That the response answers what this server offered, for this request. */
  private void checkOffer(DigestCredentials c, CommandContext command) throws Malformed {
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
    if (c.qop() == null && !settings.legacy()) {
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
    if (!RequestUris.names(c.uri(), command.requestTarget(), command.header("host").orElse(null))) {
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
  private String account(DigestCredentials c) throws Stop {
    if (!c.userhash()) {
      return c.username();
    }
    Out<String> found = new Out<>();
    HResult hr =
        credentials.findUserByHash(
            settings.realm(), c.algorithm().baseToken(), c.username(), found);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      throw new Stop(new Verdict.Denied(null, false)); // no such user: as for a wrong password
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

  /** {@code H(user:realm:password)} from the host's account store, as lower-case hex. */
  private String storedHa1(String account, DigestAlgorithm algorithm) throws Stop {
    Out<byte[]> ha1 = new Out<>();
    HResult hr = credentials.getDigestHa1(account, settings.realm(), algorithm.baseToken(), ha1);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      throw new Stop(new Verdict.Denied(null, false)); // unknown, disabled or without a password
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
    return HEX.formatHex(ha1.get());
  }

  /** For a right response only: the nonce's age and this use of it. */
  private void checkFresh(DigestCredentials c, NonceService.Check nonce, String account)
      throws Stop {
    if (nonce.status() == NonceService.Status.EXPIRED) {
      throw new Stop(new Verdict.Denied(null, true));
    }
    // The RFC 2069 form has no count: it counts as 1, so its nonce is good once.
    switch (replays.use(nonce.id(), c.qop() == null ? 1 : c.ncValue())) {
      case ACCEPTED:
        return;
      case UNKNOWN: // evicted, or issued before a restart: not an error of the client's
      case TOO_OLD: // too far behind to tell: a fresh nonce settles it
        throw new Stop(new Verdict.Denied(null, true));
      default:
        if (c.qop() == null) {
          // RFC 2069 clients reuse nonces by design; stale=true is how they get the next one.
          throw new Stop(new Verdict.Denied(null, true));
        }
        // An exact repeat of a count: a replay, refused as such (no stale=true), in the plug-in's
        // own refusal log; the host audits it as a refusal, not as a failed logon of the account.
        throw new Stop(
            new Verdict.Denied(
                new Refusal(
                    Refusal.Kind.REPLAYED,
                    "nc "
                        + c.nc()
                        + " was already used with this nonce (a replayed request of account '"
                        + account
                        + "')"),
                false));
    }
  }
}
