package org.authhost.host.authn;

import java.util.List;
import org.authhost.api.HResult;

/**
 * A request the host will not serve, as one value whatever refused it (the request checks, the
 * address lists, routing, the authentication driver, the path check): what the client is told and
 * what the audit records, so that the status is written once. It says nothing about HTTP: each
 * front renders it in its own protocol (the HTTP front through {@code HttpAnswers}), which is why
 * the driver can hand the same verdicts to a later RTSP front.
 *
 * @param kind what the client is told
 * @param text a short line for a human reading the answer
 * @param challenges the challenges to offer, in offer order ({@link Kind#LOG_ON} only)
 * @param retryAfterSeconds when the client may try again, or 0 for no hint
 * @param close whether the connection ends with the answer: the rest of a malformed request cannot
 *     be trusted to frame the next one
 * @param why the audit record's HRESULT, or null when this answer is not audited as a refusal (a
 *     challenge, or a refusal whose logon failure is already audited)
 * @param reason the audit record's reason, or null with {@code why}
 * @param lock the lockout that refused it, for the audit to name; null for any other refusal
 */
public record Refusal(
    Kind kind,
    String text,
    List<String> challenges,
    long retryAfterSeconds,
    boolean close,
    HResult why,
    String reason,
    Lock lock)
    implements Verdict {

  /** A refusal that no lockout made: every refusal but a lockout's 429. */
  public Refusal(
      Kind kind,
      String text,
      List<String> challenges,
      long retryAfterSeconds,
      boolean close,
      HResult why,
      String reason) {
    this(kind, text, challenges, retryAfterSeconds, close, why, reason, null);
  }

  /**
   * Which lockout refused a request: an account's, named as every record names it ({@code
   * AUTHHOST\\alice}), or the client address's. The operator unlocks the one or the other, so the
   * audit must say which.
   *
   * @param account the locked account as the audit shows it; null for the address's lockout
   */
  public record Lock(String account) {
    private static final Lock ADDRESS = new Lock(null);

    /** The client address's lockout. */
    public static Lock ofAddress() {
      return ADDRESS;
    }

    /** Whether it is an account's lockout, not the address's. */
    public boolean ofAccount() {
      return account != null;
    }
  }

  /** What the client is told; the codes are HTTP's, and RTSP's where it has them. */
  public enum Kind {
    BAD_REQUEST(400),
    LOG_ON(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    PAYLOAD_TOO_LARGE(413),
    URI_TOO_LONG(414),
    TOO_MANY(429),
    HEADERS_TOO_LARGE(431),
    VERSION_NOT_SUPPORTED(505),
    UNAVAILABLE(503),
    BAD_GATEWAY(502),
    GATEWAY_TIMEOUT(504);

    public final int code;

    Kind(int code) {
      this.code = code;
    }

    /** The kind answered with {@code code}. */
    public static Kind of(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new IllegalArgumentException("not a refusal status: " + code);
    }
  }

  /** How long a client waits after "unavailable": the plug-ins may be back by then. */
  public static final long UNAVAILABLE_RETRY_SECONDS = 30;

  public Refusal {
    challenges = List.copyOf(challenges);
  }

  /** Whether the audit records this answer as a refusal. */
  public boolean audited() {
    return why != null;
  }

  /** This refusal, recorded in the audit with {@code why} and {@code reason}. */
  public Refusal audited(HResult why, String reason) {
    return new Refusal(kind, text, challenges, retryAfterSeconds, close, why, reason, lock);
  }

  /** This refusal, ending the connection or not. */
  public Refusal withClose(boolean close) {
    return new Refusal(kind, text, challenges, retryAfterSeconds, close, why, reason, lock);
  }

  /** A malformed request: 400 (or 414, 431), audited, and the connection ends. */
  public static Refusal malformed(Kind kind, String text, String reason) {
    return new Refusal(kind, text, List.of(), 0, true, HResult.E_INVALIDARG, reason);
  }

  /** Log on (again): the challenges of the offered plug-ins. */
  public static Refusal logOn(List<String> challenges, String text) {
    return new Refusal(Kind.LOG_ON, text, challenges, 0, false, null, null);
  }

  /** Refused by an address list or an ACL; not audited until {@link #audited(HResult, String)}. */
  public static Refusal forbidden() {
    return new Refusal(Kind.FORBIDDEN, "access denied", List.of(), 0, false, null, null);
  }

  /** Too many failed logons, or too many at once: come back in {@code seconds}. */
  public static Refusal tooMany(String text, long seconds, String reason) {
    return tooMany(text, seconds, reason, null);
  }

  /** {@link #tooMany(String, long, String)} of a lockout, which the audit names. */
  public static Refusal tooMany(String text, long seconds, String reason, Lock lock) {
    return new Refusal(
        Kind.TOO_MANY, text, List.of(), seconds, false, HResult.E_ACCESSDENIED, reason, lock);
  }

  /** The host cannot authenticate now (fail closed); not audited as a refusal unless made so. */
  public static Refusal unavailable(String text) {
    return new Refusal(
        Kind.UNAVAILABLE, text, List.of(), UNAVAILABLE_RETRY_SECONDS, false, null, null);
  }

  /**
   * Too busy now, through no fault of the client (a full bulkhead, the slow password checks at
   * their limits): 503 with a short {@code Retry-After}, audited as a refusal with {@code
   * NS_E_NO_NEW_CONNECTIONS}, never as a failed logon, never counted towards a lockout.
   */
  public static Refusal busy(String text, long retryAfterSeconds, String reason) {
    return new Refusal(
        Kind.UNAVAILABLE,
        text,
        List.of(),
        retryAfterSeconds,
        false,
        HResult.NS_E_NO_NEW_CONNECTIONS,
        reason);
  }

  /**
   * A refusal of the content (the proxy), from {@link org.authhost.host.http.content.Refusals}:
   * audited (WARNING) when {@code reason} is not null — the origin failing, 502 with {@code E_FAIL}
   * and 504 with {@code E_TIMEOUT} — and not when it is the client's own mistake (null).
   */
  public static Refusal content(int code, String text, String reason) {
    Kind kind = Kind.of(code);
    HResult why =
        reason == null ? null : kind == Kind.GATEWAY_TIMEOUT ? HResult.E_TIMEOUT : HResult.E_FAIL;
    return new Refusal(kind, text, List.of(), 0, false, why, reason);
  }

  /** Nothing here, not audited: a client that asks for what does not exist. */
  public static Refusal notFound(String text) {
    return new Refusal(Kind.NOT_FOUND, text, List.of(), 0, false, null, null);
  }
}
