package org.authhost.api;

import java.time.Instant;
import java.util.List;

/**
 * Who another party's proof names, for {@link TokenService#logonPrincipal}: a principal with no
 * local account, as an OpenID Connect provider's ID token or a signed JWT describes it. Checked
 * when it is made: a bad value throws {@link IllegalArgumentException} naming the field, so a
 * plug-in finds the mistake in its own code, not in a host's answer.
 *
 * <p>Windows counterpart: what {@code LsaLogonUser} learns from a Kerberos ticket's PAC for a
 * principal of a trusted realm: the realm (here {@code issuer}), the principal's name in it ({@code
 * subject}), its group memberships and the ticket's end time ({@code expiresAt}), after which the
 * logon session's credentials are no longer accepted ({@code SEC_E_CONTEXT_EXPIRED}).
 *
 * @param issuer who made the proof, e.g. an OpenID Connect {@code iss} ({@code
 *     https://idp.example/realms/media}); with {@code subject}, what makes the principal unique
 * @param subject the principal's id at the issuer, e.g. {@code sub}; never a name the issuer may
 *     give to somebody else later ({@code preferred_username}, {@code email})
 * @param displayName what people call the principal ({@code name}, {@code preferred_username});
 *     only shown, never used to decide anything; {@code null} gives {@code subject}
 * @param groups names of the host's local groups the proof maps to (the operator configures the
 *     mapping in the plug-in's settings); may be empty
 * @param expiresAt when the proof stops being valid ({@code exp}): on the host's clock from then on
 *     the host authorizes nothing with the token
 * @since API 1.3
 */
public record PrincipalLogon(
    String issuer, String subject, String displayName, List<String> groups, Instant expiresAt) {

  /** Longest issuer, subject or display name, in characters. */
  public static final int MAX_LENGTH = 256;

  /**
   * Checks every field.
   *
   * @throws IllegalArgumentException for an empty, overlong issuer or subject, one with control
   *     characters or a backslash (a local account's {@code DOMAIN\name} form), a display name of
   *     the same kind, a null or blank group name, or no {@code expiresAt}
   */
  public PrincipalLogon {
    check("issuer", issuer);
    check("subject", subject);
    displayName = displayName == null ? subject : displayName;
    check("displayName", displayName);
    if (groups == null) {
      throw new IllegalArgumentException("groups is null; give List.of() for none");
    }
    for (String g : groups) {
      if (g == null || g.isBlank()) {
        throw new IllegalArgumentException("groups holds a null or blank name: " + groups);
      }
    }
    groups = List.copyOf(groups);
    if (expiresAt == null) {
      throw new IllegalArgumentException(
          "expiresAt is null; give the proof's expiry (exp), a principal's logon always ends");
    }
  }

  private static void check(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          field + " is " + value.length() + " characters long, over " + MAX_LENGTH);
    }
    if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == '\\')) {
      throw new IllegalArgumentException(
          field + " holds a control character or a backslash, which a principal's name cannot");
    }
  }
}
