package org.authhost.host.console;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.authhost.api.AccessToken;
import org.authhost.api.AuthenticationFlags;
import org.authhost.api.Sid;
import org.authhost.host.access.AccessControlList;
import org.authhost.host.access.IpRules;
import org.authhost.host.access.PublishingPoint;
import org.authhost.host.access.Right;
import org.authhost.host.accounts.AccountStore;
import org.authhost.host.accounts.UserView;
import org.authhost.host.config.AceConfig;
import org.authhost.host.config.ConsoleConfig;
import org.authhost.host.plugins.PluginHost;
import org.authhost.host.plugins.PluginView;
import org.authhost.host.tokens.Account;

/**
 * The console as the authentication driver sees it: a publishing point of its own, {@code
 * /console/}, whose ACL grants Administrators everything and the operators group (if configured)
 * reading, and whose plug-ins are those that suit a browser. The driver does the rest as for any
 * client: challenges, lockout, audit, the ACL check.
 */
final class ConsolePoint {
  static final String NAME = "console";
  static final String PREFIX = "/console/";

  /**
   * An id no plug-in has (ids are lower-case letters, digits and dashes): a list of only this
   * offers nothing, where an empty list would mean "the server's list", anonymous included.
   */
  private static final String NOTHING = "(none suits a browser)";

  private final ConsoleConfig config;
  private final PluginHost plugins;
  private final AccessControlList acl;
  private final AccountStore accounts;
  private final IpRules serverIpRules;

  /**
   * @throws IllegalArgumentException when the operators group is no local group
   */
  ConsolePoint(
      ConsoleConfig config, PluginHost plugins, AccountStore accounts, IpRules serverIpRules) {
    this.config = config;
    this.serverIpRules = serverIpRules;
    this.plugins = plugins;
    this.accounts = accounts;
    List<AceConfig> entries = new ArrayList<>();
    entries.add(new AceConfig(false, "Administrators", Set.of("read", "write", "create")));
    if (config.operatorsGroup() != null) {
      entries.add(new AceConfig(false, config.operatorsGroup(), Set.of("read")));
    }
    this.acl = AccessControlList.of(entries, accounts);
  }

  /**
   * The point for one request, its plug-ins as they are now (an operator may have enabled or
   * disabled one): the configured list, or the enabled ones whose flags say a browser answers them
   * ({@link AuthenticationFlags#BROWSER_ANSWERS}: the host knows no protocol by name); never an
   * anonymous plug-in. Basic is left to the driver, which offers it only over TLS or loopback.
   */
  PublishingPoint now() {
    List<String> ids = new ArrayList<>();
    for (PluginView p : plugins.offeredAuthenticationPlugins()) {
      if (AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS)) {
        continue;
      }
      if (offers(p)) {
        ids.add(p.id());
      }
    }
    if (!config.plugins().isEmpty()) {
      // In the operator's order.
      ids.sort((a, b) -> config.plugins().indexOf(a) - config.plugins().indexOf(b));
    }
    return new PublishingPoint(
        NAME, PREFIX, null, null, ids.isEmpty() ? List.of(NOTHING) : ids, acl, IpRules.NONE);
  }

  /**
   * Whether the console offers {@code p} for its logon when {@code p} is enabled: listed in {@code
   * console.plugins}, or, without that list, a plug-in whose flags say a browser answers it; never
   * an anonymous one.
   */
  boolean offers(PluginView p) {
    if (AuthenticationFlags.has(p.flags(), AuthenticationFlags.ANONYMOUS)) {
      return false;
    }
    return config.plugins().isEmpty()
        ? AuthenticationFlags.has(p.flags(), AuthenticationFlags.BROWSER_ANSWERS)
        : config.plugins().contains(p.id());
  }

  /**
   * What a signed-on local account may do now, from its current store entry: empty when it is gone,
   * disabled or no longer in the ACL; else whether it may change things. An account the store does
   * not hold (a principal's logon) keeps what its logon proved, until its proof ends.
   */
  Optional<Boolean> recheck(Operator operator) {
    Optional<Account> found = accounts.find(operator.account());
    if (found.isEmpty()) {
      return Optional.of(operator.administrator());
    }
    Account a = found.get();
    if (a.disabled()
        || !Objects.equals(passwordChanged(operator.account()), operator.passwordChanged())) {
      // Disabled, or its password set again since the logon (by the console, which also ends
      // the sessions at once, or by 'authhost accounts password' in another process).
      return Optional.empty();
    }
    List<Sid> groups = new ArrayList<>();
    groups.add(Sid.EVERYONE);
    groups.addAll(a.groups());
    AccessToken token =
        new AccessToken(a.sid(), groups, a.qualifiedName(), "console", Instant.EPOCH);
    if (!acl.permits(token, Right.READ)) {
      return Optional.empty();
    }
    return Optional.of(acl.permits(token, Right.WRITE));
  }

  /** The server's address lists ({@code security.ipAllow}, {@code ipDeny}): the console's too. */
  IpRules serverIpRules() {
    return serverIpRules;
  }

  /** When the local account's password was last set; null for an account the store lacks. */
  Instant passwordChanged(String account) {
    return accounts.user(account).map(UserView::passwordChanged).orElse(null);
  }

  /**
   * {@link #passwordChanged} as the store is now, asked once a logon says whose: a password set
   * while the logon's check ran then differs from what its session records, and ends it.
   */
  Function<String, Instant> passwordTimesNow() {
    Function<String, Optional<UserView>> users = accounts.usersNow();
    return account -> users.apply(account).map(UserView::passwordChanged).orElse(null);
  }

  /** Whether the token may change things here (Administrators), not only look. */
  boolean mayChange(AccessToken token) {
    return token != null && acl.permits(token, Right.WRITE);
  }
}
