package org.authhost.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who another party's proof names, for {@link TokenService#logonPrincipal}: a principal with no
 * local account, as an OpenID Connect provider's ID token or a signed JWT describes it.
 *
 * <p>Only what makes the principal unique and when it ends are checked hard: a bad {@code issuer},
 * {@code subject} or a missing {@code expiresAt} throws {@link IllegalArgumentException} naming the
 * field. Everything else is the identity provider's to say and is made safe instead of refused (a
 * claim a user may set must not fail the plug-in for everybody): the display name has control and
 * bidirectional formatting characters replaced and is cut to {@link #MAX_LENGTH}; null or blank
 * group names are left out. A plug-in holding values it has not checked itself makes its logon with
 * {@link #of}, which answers an empty {@link Optional} instead of throwing, and answers {@code
 * DENIED} for it.
 *
 * <p>Windows counterpart: what {@code LsaLogonUser} learns from a Kerberos ticket's PAC for a
 * principal of a trusted realm: the realm (here {@code issuer}), the principal's name in it ({@code
 * subject}), its group memberships and the ticket's end time ({@code expiresAt}), after which the
 * logon session's credentials are no longer accepted ({@code SEC_E_CONTEXT_EXPIRED}).
 *
 * @param issuer who made the proof, e.g. an OpenID Connect {@code iss} ({@code
 *     https://idp.example/realms/media}); with {@code subject}, what makes the principal unique.
 *     Never holds {@code |}, which ends the issuer in the token's account name
 * @param subject the principal's id at the issuer, e.g. {@code sub}; never a name the issuer may
 *     give to somebody else later ({@code preferred_username}, {@code email})
 * @param displayName what people call the principal ({@code name}, {@code preferred_username}):
 *     shown in the audit record of the logon, never used to decide anything; {@code null} or blank
 *     gives {@code subject}
 * @param groups names of the host's local groups the proof maps to (the operator configures the
 *     mapping in the plug-in's settings); {@code null} or empty for none
 * @param expiresAt when the proof stops being valid ({@code exp}): on the host's clock from then on
 *     the host authorizes nothing with the token
 * @since API 1.3
 */
public record PrincipalLogon(
    String issuer, String subject, String displayName, List<String> groups, Instant expiresAt) {

  /** Longest issuer, subject or display name, in characters. */
  public static final int MAX_LENGTH = 256;

  /**
   * Checks the issuer, the subject and the expiry; makes the display name and the groups safe.
   *
   * @throws IllegalArgumentException for an empty or overlong issuer or subject, one with control
   *     characters or a backslash (a local account's {@code DOMAIN\name} form), an issuer with
   *     {@code |}, or no {@code expiresAt}
   */
  public PrincipalLogon {
    String problem = problem(issuer, subject, expiresAt);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    displayName = shown(displayName, subject);
    groups =
        groups == null
            ? List.of()
            : groups.stream().filter(g -> g != null && !g.isBlank()).map(String::strip).toList();
  }

  /**
   * The logon, or empty where the constructor would throw: for values straight from a proof, so
   * that a bad one is the client's refusal ({@code DENIED}), never a plug-in failure.
   */
  public static Optional<PrincipalLogon> of(
      String issuer, String subject, String displayName, List<String> groups, Instant expiresAt) {
    return problem(issuer, subject, expiresAt) == null
        ? Optional.of(new PrincipalLogon(issuer, subject, displayName, groups, expiresAt))
        : Optional.empty();
  }

  private static String problem(String issuer, String subject, Instant expiresAt) {
    String problem = problem("issuer", issuer);
    if (problem == null && issuer.indexOf('|') >= 0) {
      problem = "issuer holds '|', which ends the issuer in the token's account name";
    }
    if (problem == null) {
      problem = problem("subject", subject);
    }
    if (problem == null && expiresAt == null) {
      problem = "expiresAt is null; give the proof's expiry (exp), a principal's logon always ends";
    }
    return problem;
  }

  private static String problem(String field, String value) {
    if (value == null || value.isBlank()) {
      return field + " is empty";
    }
    if (value.length() > MAX_LENGTH) {
      return field + " is " + value.length() + " characters long, over " + MAX_LENGTH;
    }
    if (value.chars().anyMatch(c -> Character.isISOControl(c) || c == '\\')) {
      return field + " holds a control character or a backslash, which a principal's name cannot";
    }
    return null;
  }

  /**
   * A display name that cannot pose as something else where it is shown: control characters (C0,
   * DEL, C1) and formatting characters (bidirectional overrides and isolates, zero-width ones)
   * become {@code ?}, and it is cut to {@link #MAX_LENGTH} characters.
   */
  private static String shown(String displayName, String subject) {
    if (displayName == null || displayName.isBlank()) {
      return subject;
    }
    StringBuilder b = new StringBuilder(Math.min(displayName.length(), MAX_LENGTH));
    for (int i = 0; i < displayName.length() && b.length() < MAX_LENGTH; ) {
      int c = displayName.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        b.append('?');
      } else if (b.length() + Character.charCount(c) <= MAX_LENGTH) {
        b.appendCodePoint(c);
      } else {
        break;
      }
    }
    String shown = b.toString().strip();
    return shown.isEmpty() ? subject : shown;
  }
}
