package org.authhost.api;

/**
 * The bits an {@link AuthenticationPlugin} reports from {@link AuthenticationPlugin#getFlags}; they
 * combine with bitwise OR.
 *
 * <p>WMS counterpart: {@code WMS_AUTHENTICATION_FLAGS}, same names and values for the four WMS
 * bits. The bits from {@code 0x100} up are AuthHost's (API 1.3): what WMS knew of each protocol by
 * its own code, the host now learns from the plug-in, so that it never decides anything by a
 * protocol's name.
 */
public final class AuthenticationFlags {
  /** Challenge and response are text (Digest is; NTLM is not). */
  public static final int TEXT_CHALLENGE = 0x01;

  /** The client must prompt its user for a user name and password. */
  public static final int CLIENT_SHOWS_UI = 0x02;

  /** No credentials are needed from the client. */
  public static final int ANONYMOUS = 0x04;

  /** The server starts with a challenge; the client's response depends on it. */
  public static final int CHALLENGE_FIRST = 0x08;

  /**
   * The exchange is bound to the client's connection (NTLM, Negotiate): the host keeps one context
   * per connection across requests, releases it when the connection closes, and never moves a logon
   * to another connection. Without it a context lives for one request (RFC 9110 §11: HTTP
   * authentication is per request).
   *
   * @since API 1.3
   */
  public static final int CONNECTION_BOUND = 0x100;

  /**
   * The client sends its password itself (Basic): the host offers the protocol only where the
   * client's own leg is TLS or loopback, and passes a password the client gave outside the
   * authentication header (in a URL or a payload, see {@link CommandContext#passwordCredential()})
   * to this plug-in only.
   *
   * @since API 1.3
   */
  public static final int SENDS_PASSWORD = 0x200;

  /**
   * A blob sent with SUCCESS is the value of an {@code Authentication-Info} field (RFC 9110
   * §11.6.3, Digest's {@code rspauth}), not a final token of the protocol's own scheme (which the
   * host sends as {@code WWW-Authenticate: <scheme> <blob>}, as Negotiate's mutual authentication).
   *
   * @since API 1.3
   */
  public static final int AUTHENTICATION_INFO = 0x400;

  /**
   * A connection-bound protocol whose exchange can finish with the client's first token, so that it
   * can also work where no connection carries a context from one request to the next (behind nginx
   * {@code auth_request}, whose upstream connections are pooled and shared by many clients): there
   * the host keeps no context across requests and refuses a handshake that needs a second leg.
   *
   * <p>SSPI counterpart: a security package whose {@code AcceptSecurityContext} can return {@code
   * SEC_E_OK} on the first input token (Kerberos under Negotiate, RFC 4559), as opposed to one that
   * always answers {@code SEC_I_CONTINUE_NEEDED} first (NTLM, and NTLM inside Negotiate). Set it
   * only with {@link #CONNECTION_BOUND}; it means nothing for a protocol that is per request
   * anyway.
   *
   * @since API 1.3
   */
  public static final int COMPLETES_IN_ONE_LEG = 0x800;

  /**
   * Web browsers answer this protocol's challenge by themselves, with no code of the plug-in's on
   * the client (Basic, Digest, NTLM, Negotiate): the host may offer it where the client is a plain
   * browser, such as the operator's web console. Without it the console offers the plug-in only
   * when the operator lists it in {@code console.plugins}.
   *
   * <p>WMS counterpart: none; the WMS Administrator for the Web relied on IIS's own list of the
   * schemes Internet Explorer spoke.
   *
   * @since API 1.4
   */
  public static final int BROWSER_ANSWERS = 0x1000;

  /**
   * One context may answer every request of a client's connection: the plug-in's verdict depends on
   * nothing a request carries (an anonymous plug-in's: no credentials, one account for everyone),
   * so the host keeps the context for the connection's life and calls {@code Authenticate} on it
   * for each request, as WMS kept one context per client and its anonymous sample answers SUCCESS
   * again from the token it holds. The plug-in still answers every request; what the host saves is
   * a context, a logon and a release per request. The host checks on each request that the token
   * the context holds still stands for its account as it is now (not disabled, deleted or moved to
   * other groups), and otherwise releases the context and asks a new one. For a {@code SUCCESS}
   * with the token it held the host asks {@code GetImpersonationToken} only, as for {@link
   * #REVERIFYING_CONTEXT}. Without this flag a context lives for one request (or, with {@link
   * #CONNECTION_BOUND}, for a handshake).
   *
   * @since API 1.6
   */
  public static final int REUSABLE_CONTEXT = 0x2000;

  /**
   * One context may verify every request of a client's connection, each request bringing its own
   * credentials (Digest): the host keeps the context that answered {@code SUCCESS} for the
   * connection's life and calls {@code Authenticate} on it with each later request's credentials
   * for this plug-in. The context verifies every request's credentials in full (a replayed or stale
   * proof is refused as on a new context); when they prove the account it already logged on, it
   * answers {@code SUCCESS} with the token it holds, without a new logon. Credentials that prove
   * another account are answered as a new context would answer them: a logon of that account, whose
   * token replaces (and closes) the one the context held, or a refusal; never the token it held.
   * Its answer is final: the host does not ask a new context about the same request (a proof the
   * context has spent, such as a Digest nonce count, would be a replay there). For a {@code
   * SUCCESS} with the token it held the host asks {@code GetImpersonationToken} only: the names
   * ({@code GetLogicalUserID}, {@code GetImpersonationAccountName}) are the logon's, read when it
   * was made. Any answer but {@code SUCCESS} ends the kept context. The host checks before each
   * request that the token the context holds still stands for its account as it is now (not
   * disabled, deleted or moved to other groups), and otherwise releases the context and asks a new
   * one; never on a streaming server's call, whose connection carries many clients.
   *
   * <p>WMS counterpart: the one {@code IWMSAuthenticationContext} WMS kept per client and called
   * {@code Authenticate} on for each of its requests. SSPI counterpart: a security context handle
   * passed to {@code AcceptSecurityContext} again for the client's next input token, which the
   * package verifies in full while the logon session (and its token) stay the same.
   *
   * @since API 1.7
   */
  public static final int REVERIFYING_CONTEXT = 0x4000;

  private AuthenticationFlags() {
    throw new AssertionError("constants only");
  }

  /** Whether {@code flags} has every bit of {@code flag}. */
  public static boolean has(int flags, int flag) {
    return (flags & flag) == flag;
  }

  /** The flags as text, e.g. {@code TEXT_CHALLENGE|CHALLENGE_FIRST}, or {@code 0}. */
  public static String toString(int flags) {
    StringBuilder b = new StringBuilder();
    append(b, flags, TEXT_CHALLENGE, "TEXT_CHALLENGE");
    append(b, flags, CLIENT_SHOWS_UI, "CLIENT_SHOWS_UI");
    append(b, flags, ANONYMOUS, "ANONYMOUS");
    append(b, flags, CHALLENGE_FIRST, "CHALLENGE_FIRST");
    append(b, flags, CONNECTION_BOUND, "CONNECTION_BOUND");
    append(b, flags, SENDS_PASSWORD, "SENDS_PASSWORD");
    append(b, flags, AUTHENTICATION_INFO, "AUTHENTICATION_INFO");
    append(b, flags, COMPLETES_IN_ONE_LEG, "COMPLETES_IN_ONE_LEG");
    append(b, flags, BROWSER_ANSWERS, "BROWSER_ANSWERS");
    append(b, flags, REUSABLE_CONTEXT, "REUSABLE_CONTEXT");
    append(b, flags, REVERIFYING_CONTEXT, "REVERIFYING_CONTEXT");
    int unknown = flags & ~0x7F0F;
    if (unknown != 0) {
      append(b, unknown, unknown, String.format("0x%X", unknown));
    }
    return b.length() == 0 ? "0" : b.toString();
  }

  private static void append(StringBuilder b, int flags, int flag, String name) {
    if ((flags & flag) != 0) {
      if (b.length() > 0) {
        b.append('|');
      }
      b.append(name);
    }
  }
}
