package org.authhost.plugins.negotiate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationCallback;
import org.authhost.api.AuthenticationContext;
import org.authhost.api.AuthenticationPlugin;
import org.authhost.api.AuthenticationResult;
import org.authhost.api.CommandContext;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PresentationContext;
import org.authhost.api.TokenHandle;
import org.authhost.api.TokenService;
import org.authhost.api.UserContext;
import org.authhost.api.support.OwnedToken;
import org.authhost.api.support.PluginEvents;
import org.authhost.plugins.ntlm.NtlmStep;

/**
 * One connection's Negotiate exchange ({@code IWMSAuthenticationContext}; the host keeps it for the
 * life of the keep-alive connection and gives it every leg, as SSPI's Negotiate package keeps one
 * {@code CtxtHandle} per connection).
 *
 * <p>The first token decides the mechanism (RFC 4559 §4, MS-N2HT):
 *
 * <ul>
 *   <li>a raw NTLMSSP message (what Windows sends under Negotiate without a ticket) goes to the
 *       NTLM mechanism, and its CHALLENGE comes back raw;
 *   <li>a SPNEGO NegTokenInit whose preferred mechanism is NTLMSSP goes to the NTLM mechanism too,
 *       wrapped: NegTokenResp accept-incomplete with the CHALLENGE, then the AUTHENTICATE in the
 *       client's NegTokenResp (its mechListMIC checked when sent), then accept-completed;
 *   <li>everything else (SPNEGO with Kerberos, or a bare Kerberos token) goes whole to the JDK's
 *       GSS-API, whose output token is the mutual-authentication blob of the SUCCESS.
 * </ul>
 *
 * A new initial token on the same connection starts over, as a client restarting its handshake
 * expects. Every refusal (malformed token, replay, wrong key, principal without an account) is
 * DENIED with an INFORMATION event naming why, and {@code S_OK} when it names who the client proved
 * or claimed to be, else {@code S_FALSE} (API 1.3: no guess at a password, counted by no lockout);
 * only a fault of the plug-in or the host is an ERROR event.
 */
final class NegotiateContext implements AuthenticationContext {
  /** The longest Authorization value looked at: Kerberos tickets with large PACs reach ~48 KiB. */
  static final int MAX_BLOB = 64 * 1024;

  /**
   * What a context works with, shared by all contexts of one enabled plug-in.
   *
   * @param kerberos the acceptor
   * @param ntlm the NTLM mechanism, or {@code null} when {@code allowNtlm} is false
   * @param mapping principal to account
   * @param keyWarnings limits the WARNINGs about tickets for keys the keytab lacks
   */
  record Mechanisms(
      GssAcceptor kerberos, NtlmPort ntlm, PrincipalMapping mapping, WarningLimit keyWarnings) {}

  private enum Mode {
    NONE,
    KERBEROS,
    RAW_NTLM,
    SPNEGO_NTLM
  }

  /** What one leg decided, before any logon. */
  private sealed interface Decision {
    /** CONTINUE with this token. */
    record Reply(byte[] token) implements Decision {}

    /**
     * Log the account on; SUCCESS carries {@code finalToken} when there is one. With {@code
     * checkCase}, the account the host logs on must be named exactly {@code account}.
     */
    record LogOn(String account, String principal, byte[] finalToken, boolean checkCase)
        implements Decision {
      LogOn(String account, byte[] finalToken) {
        this(account, null, finalToken, false);
      }
    }

    /** DENIED; {@code name} is who the client proved to be, when known. */
    record Refuse(String reason, String name) implements Decision {}

    /** Not checked, through no fault of the client's or the plug-in's: ERROR with S_OK. */
    record Unavailable(String reason) implements Decision {}

    /** The plug-in cannot work. */
    record Fail(HResult code, String text) implements Decision {}
  }

  /** The callback's arguments and Authenticate's return value. */
  private record Outcome(AuthenticationResult result, byte[] blob, HResult hr) {}

  private final AuthenticationPlugin plugin;
  private final TokenService tokens;
  private final Mechanisms mechanisms;
  private final PluginEvents events;

  private Mode mode = Mode.NONE;
  private GssAcceptor.Handshake gss;
  private NtlmPort.Leg ntlm;

  /** SPNEGO-NTLM: the client's MechTypeList as sent, for the mechListMIC. */
  private byte[] mechTypes;

  /** SPNEGO-NTLM: whether the NEGOTIATE has been answered (the next token is the AUTHENTICATE). */
  private boolean challenged;

  private final OwnedToken owned;
  private volatile String account;

  NegotiateContext(
      AuthenticationPlugin plugin,
      TokenService tokens,
      Mechanisms mechanisms,
      PluginEvents events) {
    this.plugin = plugin;
    this.tokens = tokens;
    this.owned = new OwnedToken(tokens);
    this.mechanisms = mechanisms;
    this.events = events;
  }

  @Override
  public HResult getAuthenticationPlugin(Out<AuthenticationPlugin> out) {
    out.set(plugin);
    return HResult.S_OK;
  }

  @Override
  public HResult authenticate(
      byte[] responseBlob,
      UserContext user,
      PresentationContext presentation,
      CommandContext command,
      AuthenticationCallback callback,
      Object context) {
    Outcome outcome = new Outcome(AuthenticationResult.ERROR, null, HResult.E_UNEXPECTED);
    try {
      outcome = decide(responseBlob, user);
    } catch (RuntimeException fault) {
      // A bug or a host service failing under us: our own error event, and
      // NS_E_PLUGIN_ERROR_REPORTED so that the host does not log it a second time.
      outcome =
          new Outcome(
              AuthenticationResult.ERROR,
              null,
              events.error(HResult.E_UNEXPECTED, "Negotiate could not check a token: " + fault));
    } finally {
      // Exactly once on every path; the context value goes back unchanged.
      callback.onAuthenticateComplete(outcome.result(), outcome.blob(), context);
    }
    return outcome.hr();
  }

  private synchronized Outcome decide(byte[] blob, UserContext user) {
    if (owned.isReleased()) {
      // The connection closed (the host released the context on another worker) while this leg
      // was on its way: nobody waits for the answer, and it is no fault of the plug-in, so no
      // failing HRESULT, which would take the plug-in out of service.
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (blob.length == 0) {
      // The offer: a bare "WWW-Authenticate: Negotiate" (RFC 4559 §5).
      resetHandshake();
      return new Outcome(AuthenticationResult.CONTINUE, null, HResult.S_OK);
    }
    Decision decision;
    try {
      decision = leg(decode(blob));
    } catch (Malformed e) {
      decision = new Decision.Refuse(e.getMessage(), null);
    }
    if (decision instanceof Decision.Reply reply) {
      return new Outcome(AuthenticationResult.CONTINUE, encode(reply.token()), HResult.S_OK);
    }
    resetHandshake(); // whatever follows, this handshake is over
    if (decision instanceof Decision.Refuse refuse) {
      return refuse(user, refuse.reason(), refuse.name());
    }
    if (decision instanceof Decision.Unavailable unavailable) {
      events.refused(
          "Negotiate from " + user.ipAddress() + " not checked: " + unavailable.reason());
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (decision instanceof Decision.Fail fail) {
      return new Outcome(AuthenticationResult.ERROR, null, events.error(fail.code(), fail.text()));
    }
    return logOn((Decision.LogOn) decision, user);
  }

  private static byte[] decode(byte[] blob) throws Malformed {
    if (blob.length > MAX_BLOB) {
      throw new Malformed("the token is longer than " + MAX_BLOB + " characters");
    }
    String text = new String(blob, StandardCharsets.ISO_8859_1).strip();
    try {
      byte[] token = Base64.getDecoder().decode(text);
      if (token.length == 0) {
        throw new Malformed("the token is empty");
      }
      return token;
    } catch (IllegalArgumentException e) {
      throw new Malformed("the token is not base64: " + e.getMessage());
    }
  }

  private static byte[] encode(byte[] token) {
    return token == null || token.length == 0
        ? null
        : Base64.getEncoder().encodeToString(token).getBytes(StandardCharsets.ISO_8859_1);
  }

  private Decision leg(byte[] token) throws Malformed {
    switch (Spnego.kind(token)) {
      case RAW_NTLMSSP -> {
        int type = Spnego.ntlmMessageType(token);
        if (type == 1) {
          resetHandshake();
          if (mechanisms.ntlm() == null) {
            return new Decision.Refuse(
                "raw NTLM under Negotiate, and NTLM is not allowed (allowNtlm=false)", null);
          }
          mode = Mode.RAW_NTLM;
          ntlm = mechanisms.ntlm().newExchange();
          return rawNtlm(ntlm.accept(token));
        }
        if (mode != Mode.RAW_NTLM) {
          return new Decision.Refuse(
              "an NTLMSSP message of type "
                  + type
                  + " without an NTLM handshake in progress on this connection",
              null);
        }
        return rawNtlm(ntlm.accept(token));
      }
      case INITIAL -> {
        resetHandshake();
        return initial(token);
      }
      case RESPONSE -> {
        if (mode == Mode.KERBEROS) {
          return kerberos(gss.accept(token));
        }
        if (mode == Mode.SPNEGO_NTLM) {
          return spnegoNtlmResponse(Spnego.parseResp(token));
        }
        return new Decision.Refuse(
            "a SPNEGO NegTokenResp without a handshake in progress on this connection", null);
      }
      default -> {
        return new Decision.Refuse(
            "not a SPNEGO, Kerberos or NTLMSSP token (it starts with 0x"
                + Integer.toHexString(token[0] & 0xFF)
                + ")",
            null);
      }
    }
  }

  private Decision initial(byte[] token) throws Malformed {
    String mech = Spnego.initialMech(token);
    if (mech.equals(Spnego.SPNEGO_OID)) {
      Spnego.NegTokenInit init = Spnego.parseInit(token);
      List<String> offered = init.mechTypes();
      if (offered.get(0).equals(Spnego.NTLMSSP_OID) && mechanisms.ntlm() != null) {
        mode = Mode.SPNEGO_NTLM;
        mechTypes = init.mechTypesEncoding();
        ntlm = mechanisms.ntlm().newExchange();
        if (init.mechToken() == null) {
          // NTLM chosen, but no optimistic NEGOTIATE: ask for it (RFC 4178 §5 step c).
          return new Decision.Reply(
              Spnego.encodeResp(Spnego.ACCEPT_INCOMPLETE, Spnego.NTLMSSP_OID, null, null));
        }
        return spnegoNtlm(init.mechToken(), null);
      }
      if (!offered.contains(Spnego.KRB5_OID) && !offered.contains(Spnego.MS_KRB5_OID)) {
        return new Decision.Refuse(
            "the client offers only "
                + String.join(", ", offered)
                + "; this server accepts "
                + (mechanisms.ntlm() == null ? "Kerberos" : "Kerberos and NTLM"),
            null);
      }
    } else if (!mech.equals(Spnego.KRB5_OID) && !mech.equals(Spnego.MS_KRB5_OID)) {
      return new Decision.Refuse("GSS-API mechanism " + mech + " is not supported", null);
    }
    // SPNEGO with Kerberos (the JDK also picks Kerberos from a list where it is not first), or a
    // bare Kerberos token: all the JDK's.
    mode = Mode.KERBEROS;
    gss = mechanisms.kerberos().newHandshake();
    return kerberos(gss.accept(token));
  }

  private Decision kerberos(Step step) {
    if (step instanceof Step.Continue c) {
      return new Decision.Reply(c.token());
    }
    if (step instanceof Step.Refused r) {
      if (r.keyProblem()) {
        // The plug-in stays in service (other tickets may be fine), but this is for the operator;
        // a client can send such a ticket on every request, so at most one WARNING a period.
        int suppressed = mechanisms.keyWarnings().take();
        if (suppressed >= 0) {
          events.warning(
              "a Kerberos ticket could not be decrypted with the keytab: ",
              r.reason(),
              "; export the service principal's current keys again (kadmin: ktadd) and restart or re-enable the "
                  + "plug-in"
                  + (suppressed == 0
                      ? ""
                      : " ("
                          + suppressed
                          + " more such tickets in the last "
                          + WarningLimit.PERIOD.toSeconds()
                          + " s or more, each in its own refusal event)"));
        }
      }
      return new Decision.Refuse(r.reason(), null);
    }
    if (step instanceof Step.Unavailable u) {
      return new Decision.Unavailable(u.reason());
    }
    if (step instanceof Step.Fault f) {
      return new Decision.Fail(f.code(), f.text());
    }
    Step.Established established = (Step.Established) step;
    PrincipalMapping.Result mapped = mechanisms.mapping().map(established.principal());
    if (mapped instanceof PrincipalMapping.Result.Refused r) {
      return new Decision.Refuse(r.reason(), established.principal());
    }
    PrincipalMapping.Result.Account account = (PrincipalMapping.Result.Account) mapped;
    return new Decision.LogOn(
        account.name(), established.principal(), established.token(), account.checkCase());
  }

  private Decision rawNtlm(NtlmStep step) {
    if (step instanceof NtlmStep.Challenge c) {
      return new Decision.Reply(c.token());
    }
    if (step instanceof NtlmStep.Authenticated a) {
      return new Decision.LogOn(a.account(), null);
    }
    return ntlmFailure(step);
  }

  private Decision spnegoNtlmResponse(Spnego.NegTokenResp response) throws Malformed {
    if (response.negState() == Spnego.REJECT) {
      return new Decision.Refuse("the client rejected the SPNEGO negotiation", null);
    }
    if (response.supportedMech() != null && !response.supportedMech().equals(Spnego.NTLMSSP_OID)) {
      return new Decision.Refuse(
          "the client switched the SPNEGO mechanism to " + response.supportedMech(), null);
    }
    if (response.responseToken() == null) {
      return new Decision.Refuse("the client's NegTokenResp carries no NTLM token", null);
    }
    return spnegoNtlm(response.responseToken(), response.mechListMic());
  }

  private Decision spnegoNtlm(byte[] inner, byte[] clientMic) {
    if (!Spnego.isNtlmssp(inner)) {
      return new Decision.Refuse("the SPNEGO NTLM token is not an NTLMSSP message", null);
    }
    int type = Spnego.ntlmMessageType(inner);
    if (type != (challenged ? 3 : 1)) {
      return new Decision.Refuse(
          "NTLMSSP message of type " + type + " out of order inside SPNEGO", null);
    }
    NtlmStep step = ntlm.accept(inner);
    if (step instanceof NtlmStep.Challenge c) {
      challenged = true;
      return new Decision.Reply(
          Spnego.encodeResp(Spnego.ACCEPT_INCOMPLETE, Spnego.NTLMSSP_OID, c.token(), null));
    }
    if (!(step instanceof NtlmStep.Authenticated a)) {
      return ntlmFailure(step);
    }
    if (clientMic == null && a.micVerified()) {
      // MS-SPNG §3.3.5.1: the mechanism supports integrity and the client used it (its
      // AUTHENTICATE carried a verified MIC), so the mechListMIC is required; without it a
      // rewritten mechanism list would go unnoticed.
      return new Decision.Refuse(
          "the NTLM AUTHENTICATE carries a MIC but the SPNEGO NegTokenResp no mechListMIC "
              + "(MS-SPNG 3.3.5.1: the mechanism list must be protected)",
          a.account());
    }
    byte[] serverMic = null;
    if (clientMic != null) {
      // RFC 4178 §5: the MIC protects the mechanism list against a downgrade; MS-SPNG: a server
      // that received one answers with its own.
      int flags = NtlmSigning.authenticateFlags(inner);
      byte[] key = a.exportedSessionKey();
      if (key == null || key.length != 16) {
        return new Decision.Refuse(
            "a mechListMIC, but the NTLM exchange produced no session key", null);
      }
      if ((flags & NtlmSigning.NEGOTIATE_EXTENDED_SESSIONSECURITY) == 0) {
        return new Decision.Refuse(
            "a mechListMIC without NTLM extended session security, which is not supported", null);
      }
      byte[] expected =
          NtlmSigning.firstSignature(key, flags, NtlmSigning.Direction.CLIENT_TO_SERVER, mechTypes);
      if (!MessageDigest.isEqual(expected, clientMic)) {
        return new Decision.Refuse(
            "the SPNEGO mechListMIC does not match the mechanism list (tampered with, or a "
                + "wrong session key)",
            a.account());
      }
      serverMic =
          NtlmSigning.firstSignature(key, flags, NtlmSigning.Direction.SERVER_TO_CLIENT, mechTypes);
    }
    return new Decision.LogOn(
        a.account(), Spnego.encodeResp(Spnego.ACCEPT_COMPLETED, null, null, serverMic));
  }

  private static Decision ntlmFailure(NtlmStep step) {
    if (step instanceof NtlmStep.Refused r) {
      return new Decision.Refuse("NTLM: " + r.reason(), r.user());
    }
    if (step instanceof NtlmStep.Failed f) {
      return new Decision.Fail(f.code(), "the NTLM mechanism failed: " + f.detail());
    }
    return new Decision.Fail(
        HResult.E_UNEXPECTED, "the NTLM mechanism answered " + step + " out of turn");
  }

  private Outcome refuse(UserContext user, String reason, String name) {
    if (name != null) {
      user.setUserName(name); // for the host's audit and lockout
    }
    events.refused("Negotiate from " + user.ipAddress() + " refused: " + reason);
    // Naming nobody, the token was malformed or proved no one (a ticket is no password guess):
    // benign (API 1.3), so garbage locks nothing.
    return new Outcome(
        AuthenticationResult.DENIED, null, name == null ? HResult.S_FALSE : HResult.S_OK);
  }

  private Outcome logOn(Decision.LogOn decision, UserContext user) {
    String name = decision.account();
    Out<TokenHandle> issued = new Out<>();
    HResult hr = tokens.logonUser(name, NegotiateAuthenticationPlugin.PACKAGE, issued);
    if (hr.equals(HResult.E_LOGON_FAILURE)) {
      return refuse(
          user,
          (decision.principal() == null
                  ? "'" + name + "'"
                  : "principal '"
                      + decision.principal()
                      + "' maps to account '"
                      + name
                      + "', which")
              + " is not a local account the host knows, or it is disabled",
          decision.principal() == null ? name : decision.principal());
    }
    if (hr.equals(HResult.NS_E_NO_NEW_CONNECTIONS)) {
      // The host is too busy now: not the client's fault and not a broken plug-in.
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK);
    }
    if (hr.failed()) {
      return new Outcome(
          AuthenticationResult.ERROR,
          null,
          events.error(hr, "the host's logonUser for account '" + name + "' answered " + hr));
    }
    if (decision.checkCase()) {
      Outcome mismatch = checkCase(decision, issued.get(), user);
      if (mismatch != null) {
        return mismatch;
      }
    }
    if (owned.adopt(issued.get()).failed()) {
      return new Outcome(AuthenticationResult.ERROR, null, HResult.S_OK); // released meanwhile
    }
    account = name;
    user.setUserName(name);
    return new Outcome(AuthenticationResult.SUCCESS, encode(decision.finalToken()), HResult.S_OK);
  }

  /**
   * Kerberos names are case-sensitive and the host's account names are not: {@code ADMIN@REALM} and
   * {@code admin@REALM} are two people, but one account. The account the host logged on must carry
   * the principal's name in the principal's case (as stored in the account), or the handle is
   * closed again and the client refused.
   *
   * @return the refusal or fault, or {@code null} when the names agree
   */
  private Outcome checkCase(Decision.LogOn decision, TokenHandle issued, UserContext user) {
    Out<AccessToken> about = new Out<>();
    HResult hr = tokens.queryToken(issued, about);
    if (hr.failed()) {
      tokens.closeHandle(issued);
      return new Outcome(
          AuthenticationResult.ERROR,
          null,
          events.error(
              hr,
              "the host's queryToken for a token just issued for account '"
                  + decision.account()
                  + "' answered "
                  + hr));
    }
    String qualified = about.get().accountName();
    String local = qualified == null ? "" : qualified.substring(qualified.lastIndexOf('\\') + 1);
    if (local.equals(decision.account())) {
      return null;
    }
    tokens.closeHandle(issued);
    return refuse(
        user,
        "principal "
            + decision.principal()
            + " differs in case from local account "
            + local
            + "; add map."
            + decision.principal()
            + "="
            + local
            + " if they are the same person",
        decision.principal());
  }

  private void resetHandshake() {
    if (gss != null) {
      gss.dispose();
      gss = null;
    }
    ntlm = null;
    mechTypes = null;
    challenged = false;
    mode = Mode.NONE;
  }

  @Override
  public HResult getLogicalUserId(Out<String> out) {
    out.set(account);
    return HResult.S_OK;
  }

  @Override
  public HResult getImpersonationToken(Out<TokenHandle> out) {
    return owned.handOut(out);
  }

  @Override
  public void release() {
    synchronized (this) {
      resetHandshake();
    }
    owned.release();
  }
}
