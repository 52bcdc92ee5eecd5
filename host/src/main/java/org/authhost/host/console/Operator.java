package org.authhost.host.console;

import java.time.Instant;

/**
 * Who is signed on to one console session: the account the authentication driver named, and whether
 * the console's ACL lets them change things (Administrators) or only look (the operators group).
 *
 * @param account the account as the logon named it, e.g. {@code AUTHHOST\alice}
 * @param administrator whether changes are allowed
 * @param csrf the token every change of this session must carry in {@code X-AuthHost-CSRF}
 * @param expires when the logon's own proof ends ({@link Instant#MAX} for a local account)
 * @param passwordChanged when the local account's password was last set, as the store said at the
 *     logon (null for an account the store does not hold): a later change ends the session
 */
record Operator(
    String account, boolean administrator, String csrf, Instant expires, Instant passwordChanged) {
  String role() {
    return administrator ? "administrator" : "operator (read-only)";
  }
}
