package org.authhost.host.admin;

import io.netty.util.NetUtil;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.host.access.AddressKey;
import org.authhost.host.access.LogonThrottle;
import org.authhost.host.authn.Audit;
import org.authhost.host.diagnostics.HostEvents;
import org.authhost.host.tokens.Account;
import org.authhost.host.tokens.AccountDirectory;

/**
 * The operator lifts a lockout, of an account (any spelling of its name) or of a client address (an
 * IP literal): from the command line's admin endpoint or the web console, audited either way,
 * naming who did it, whether or not there was one, so the log shows who was let in early.
 */
@Singleton
public final class LockoutRelease {
  private final LogonThrottle throttle;
  private final AccountDirectory accounts;
  private final HostEvents events;

  @Inject
  LockoutRelease(LogonThrottle throttle, AccountDirectory accounts, HostEvents events) {
    this.throttle = throttle;
    this.accounts = accounts;
    this.events = events;
  }

  /** The lockouts in force, as the admin endpoint and the console show them. */
  public List<Map<String, Object>> lockouts() {
    return throttle.lockouts().stream().map(AdminJson::lockout).toList();
  }

  /**
   * @param type {@code account} or {@code address}
   * @param by who lifts it, for the audit, e.g. {@code the operator (admin endpoint)}
   * @throws IllegalArgumentException for a name that is no account nor counted, or no IP literal
   */
  public Map<String, Object> unlock(String type, String name, String by) {
    boolean account = type.equals("account");
    if (!account && !type.equals("address")) {
      throw new IllegalArgumentException("unlock an 'account' or an 'address', not '" + type + "'");
    }
    String target = account ? name.strip() : ipLiteral(name.strip());
    if (target.isEmpty()) {
      throw new IllegalArgumentException("no account name to unlock");
    }
    // A name that is neither an account nor one the lockout has counted is a typo: saying
    // "unlocked" would leave the operator believing the locked-out user can log on again.
    if (account && accounts.find(target).isEmpty() && !throttle.knowsAccount(target)) {
      throw new IllegalArgumentException(
          "no account '"
              + target
              + "': it is not in the account store and no failed logons are counted under that"
              + " name, so there is nothing to unlock by name (an unknown name is counted by name"
              + " only where the plug-in names it, and only up to security.lockout.namesPerAddress"
              + " names per address; the address's own count still applies: see 'authhost"
              + " accounts lockouts'). Check the name with 'authhost accounts list'");
    }
    boolean wasLocked = account ? throttle.unlockAccount(target) : throttle.unlockAddress(target);
    events.audit(
        EventLevel.INFORMATION,
        HResult.S_OK,
        "unlock: "
            + (account ? "account=" + Audit.quoted(shown(target)) : "address \"" + target + "\"")
            + " "
            + (wasLocked ? "was locked out and" : "was not locked out; its failed logons")
            + " cleared by "
            + by);
    return Map.of(type, target, "wasLockedOut", wasLocked);
  }

  /**
   * An account's name as the audit's other records spell it ({@code AUTHHOST\\alice}), so that one
   * search finds its failures, lockout and unlock; a name that is no account as the operator typed
   * it.
   */
  private String shown(String name) {
    return accounts.find(name).map(Account::qualifiedName).orElse(name);
  }

  /**
   * An IP address as the audit and the lockout write it, or a refusal for anything else. Parsed as
   * a literal only (Netty's parser): {@code InetAddress.getByName} would look a name up, and {@code
   * cafe} is both hex and a host name. A zone ({@code fe80::1%eth0}) is accepted and dropped: the
   * lockout does not count by zone. An IPv6 address is also accepted as the lockouts list shows it,
   * its /64 ({@code 2001:db8:1:2::/64}): the lockout counts an IPv6 client by its /64, so the
   * network address names the same count as any address in it.
   */
  private static String ipLiteral(String text) {
    String prefix = "/" + AddressKey.IPV6_PREFIX_LENGTH;
    boolean network = text.endsWith(prefix);
    String unprefixed = network ? text.substring(0, text.length() - prefix.length()) : text;
    int zone = unprefixed.indexOf('%');
    String literal = zone < 0 ? unprefixed : unprefixed.substring(0, zone);
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(literal);
    if (address == null
        || ((zone >= 0 || network) && !(address instanceof Inet6Address))
        || (network && zone >= 0)) {
      throw new IllegalArgumentException(
          "'" + text + "' is not an IP address (e.g. 192.0.2.7 or 2001:db8::7)");
    }
    return NetUtil.toAddressString(address);
  }
}
