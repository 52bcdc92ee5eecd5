package org.authhost.host.accounts;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.authhost.api.Sid;
import org.authhost.host.accounts.StoreFile.Data;
import org.authhost.host.accounts.StoreFile.GroupData;
import org.authhost.host.accounts.StoreFile.SecretsData;
import org.authhost.host.accounts.StoreFile.UserData;
import org.authhost.host.config.HostConfig;
import org.authhost.host.tokens.Account;
import org.authhost.host.tokens.AccountDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's local account store, the SAM of this host: users, groups and the secrets of their
 * passwords, kept in one JSON file ({@code accounts.file}, default {@code
 * <dataDirectory>/accounts.json}).
 *
 * <p>A façade over three parts: {@link AccountFile}, the file under its lock, replaced atomically,
 * so that the running host and any number of {@code authhost accounts} processes can write at once
 * without losing changes; {@link AccountRules}, what a change may do; and the {@link Snapshot} the
 * reads answer from. The host sees other processes' changes through {@link #reloadIfChanged()},
 * which the {@link AccountPoller} calls every second.
 *
 * <p>A file that cannot be read or is not a valid store is reported with its path and never reset.
 */
@Singleton
public final class AccountStore implements AccountDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(AccountStore.class);

  private final AccountRules rules;
  private final AccountFile file;
  private final String domain;

  /**
   * The store of this host's configuration; creates the file with the built-in accounts if missing.
   */
  @Inject
  public AccountStore(HostConfig config, Clock clock) throws IOException {
    this(
        config.accounts().file(),
        config.serverName(),
        config.dataDirectory(),
        config.accounts().digestRealms(),
        clock,
        config.accounts().guestAccount());
  }

  /** A store whose guest account is the built-in Guest (tests). */
  AccountStore(
      Path file, String serverName, Path dataDirectory, List<String> digestRealms, Clock clock)
      throws IOException {
    this(file, serverName, dataDirectory, digestRealms, clock, "Guest");
  }

  private AccountStore(
      Path file,
      String serverName,
      Path dataDirectory,
      List<String> digestRealms,
      Clock clock,
      String guestAccount)
      throws IOException {
    this.domain = serverName.toUpperCase(Locale.ROOT);
    this.rules = new AccountRules(domain, digestRealms, dataDirectory, clock, guestAccount);
    this.file = new AccountFile(file, rules::newStore);
  }

  /**
   * Re-reads the file if its modification time, size or identity changed since it was last read,
   * and takes the new content if its hash differs.
   *
   * @return whether the accounts changed
   * @throws IOException naming the file if it cannot be read or is not a valid store; the accounts
   *     read before stay in force
   */
  public boolean reloadIfChanged() throws IOException {
    return file.reloadIfChanged();
  }

  /**
   * {@link #reloadIfChanged()} without waiting: skipped, returning {@code null}, while a change in
   * this process holds the store's lock. For the poller on the scheduler's thread, which must not
   * block.
   */
  Boolean tryReloadIfChanged() throws IOException {
    return file.tryReloadIfChanged();
  }

  private Snapshot current() {
    return file.current();
  }

  // ---------------------------------------------------------------- reads

  /**
   * An object that stays the same while the accounts do and changes with every change (a reload, a
   * write): for indexes built from the accounts to know when to rebuild.
   */
  Object version() {
    return current();
  }

  /**
   * The SHA-256 of the store as last read or written, lower-case hex: what a running host has
   * loaded ({@link LoadedMark}), or what a change has just written.
   */
  public String loadedSha256() {
    return HexFormat.of().formatHex(current().sha256);
  }

  /** The store's file. */
  public Path file() {
    return file.path();
  }

  /** The machine's domain: the server name, upper-cased. */
  public String domain() {
    return domain;
  }

  /** The machine SID, {@code S-1-5-21-a-b-c}. */
  public Sid machineSid() {
    return current().machineSid;
  }

  @Override
  public Optional<Account> find(String accountName) {
    Snapshot s = current();
    return lookup(s, accountName)
        .map(
            u ->
                s.accounts.computeIfAbsent(
                    u.rid,
                    rid -> {
                      List<Sid> groups = new ArrayList<>();
                      for (String g : u.groups) {
                        groups.add(new Sid(s.groups.get(AccountNames.key(g)).sid));
                      }
                      if (u.rid != StoreFile.GUEST_RID) {
                        // As in a Windows logon: every account but Guest is an authenticated user.
                        groups.add(Sid.AUTHENTICATED_USERS);
                      }
                      return new Account(u.name, domain, userSid(s, u), groups, u.disabled);
                    }));
  }

  /**
   * The SID of a user or group: users as {@link #find}, groups by {@code name}, {@code
   * DOMAIN\name}, {@code .\name} or, for the built-in groups, {@code BUILTIN\name}.
   */
  @Override
  public Optional<Sid> findSid(String name) {
    if (name == null) {
      return Optional.empty();
    }
    Snapshot s = current();
    Optional<UserData> user = lookup(s, name);
    if (user.isPresent()) {
      return Optional.of(userSid(s, user.get()));
    }
    return groupSid(s, name);
  }

  @Override
  public Optional<Sid> findGroupSid(String name) {
    return name == null ? Optional.empty() : groupSid(current(), name);
  }

  private Optional<Sid> groupSid(Snapshot s, String name) {
    AccountNames.Qualified q = AccountNames.parse(name);
    GroupData g = s.groups.get(AccountNames.key(q.name()));
    if (g == null) {
      return Optional.empty();
    }
    boolean builtin = StoreFile.BUILTIN_GROUPS.containsKey(g.name);
    if (q.isLocalTo(domain) || (builtin && "BUILTIN".equalsIgnoreCase(q.domain()))) {
      return Optional.of(new Sid(g.sid));
    }
    return Optional.empty();
  }

  /**
   * The user with this name ({@code name}, {@code DOMAIN\name}, {@code .\name} or {@code
   * name@domain}).
   */
  public Optional<UserView> user(String name) {
    Snapshot s = current();
    return lookup(s, name).map(u -> view(s, u));
  }

  /**
   * The users as the store holds them now, to be asked later: the answers stay those of this moment
   * whatever is written or re-read meanwhile (a logon is judged by the accounts it was checked
   * against, not by a change that landed while its check ran).
   */
  public Function<String, Optional<UserView>> usersNow() {
    Snapshot s = current();
    return name -> lookup(s, name).map(u -> view(s, u));
  }

  /** Every user, by RID. */
  public List<UserView> users() {
    Snapshot s = current();
    return s.data.users.stream()
        .sorted(Comparator.comparingInt(u -> u.rid))
        .map(u -> view(s, u))
        .toList();
  }

  /** The group with this name. */
  public Optional<GroupView> group(String name) {
    Snapshot s = current();
    return Optional.ofNullable(s.groups.get(AccountNames.key(name.strip()))).map(g -> view(s, g));
  }

  /** Every group: the built-in ones first, then local groups in the order they were made. */
  public List<GroupView> groups() {
    Snapshot s = current();
    return s.data.groups.stream().map(g -> view(s, g)).toList();
  }

  /** The realms Digest secrets are kept for ({@code accounts.digestRealms}). */
  public List<String> digestRealms() {
    return rules.digestRealms();
  }

  /**
   * The NT hash (MD4 of the UTF-16LE password) of an enabled account with a password; empty for
   * unknown, disabled and password-less accounts.
   */
  public Optional<byte[]> ntHash(String account) {
    return lookup(current(), account)
        .filter(u -> !u.disabled && u.secrets != null)
        .map(u -> Secrets.unhex(u.secrets.ntHash));
  }

  /**
   * Digest HA1, {@code H(username:realm:password)} with the name as created, of an enabled account
   * with a password, for a realm in {@code accounts.digestRealms} when the password was set.
   *
   * @param algorithm {@code MD5}, {@code SHA-256} or {@code SHA-512-256}, case-insensitive; a
   *     {@code -sess} variant gives the HA1 of its base algorithm, from which the session HA1 is
   *     made
   */
  public Optional<byte[]> digestHa1(String account, String realm, String algorithm) {
    String alg = Secrets.digestAlgorithm(algorithm);
    if (alg == null || realm == null) {
      return Optional.empty();
    }
    // Read for every Digest request: no chain of optionals and lambdas on the way.
    UserData u = lookup(current(), account).orElse(null);
    if (u == null || u.disabled || u.secrets == null) {
      return Optional.empty();
    }
    Map<String, String> byAlgorithm = u.secrets.digestHa1.get(realm);
    String hex = byAlgorithm == null ? null : byAlgorithm.get(alg);
    return hex == null ? Optional.empty() : Optional.of(Secrets.unhex(hex));
  }

  /** What the password verifier needs; package-private, as it holds the Argon2 hash. */
  record Credential(
      int rid, String name, boolean disabled, String passwordChanged, String argon2id) {}

  Optional<Credential> credential(String account) {
    return lookup(current(), account)
        .map(
            u ->
                new Credential(
                    u.rid,
                    u.name,
                    u.disabled,
                    u.passwordChanged,
                    u.secrets == null ? null : u.secrets.argon2id));
  }

  private Optional<UserData> lookup(Snapshot s, String accountName) {
    return rules.lookup(s, accountName);
  }

  private static Sid userSid(Snapshot s, UserData u) {
    return new Sid(s.data.machineSid + "-" + u.rid);
  }

  private UserView view(Snapshot s, UserData u) {
    return new UserView(
        u.name,
        domain,
        userSid(s, u),
        u.rid,
        u.fullName,
        u.groups,
        u.disabled,
        u.secrets != null,
        u.passwordChanged == null ? null : Instant.parse(u.passwordChanged),
        AccountRules.isBuiltin(u));
  }

  private static GroupView view(Snapshot s, GroupData g) {
    List<String> members =
        s.data.users.stream()
            .filter(u -> u.groups.contains(g.name))
            .sorted(Comparator.comparingInt(u -> u.rid))
            .map(u -> u.name)
            .toList();
    return new GroupView(
        g.name, new Sid(g.sid), members, StoreFile.BUILTIN_GROUPS.containsKey(g.name));
  }

  // ---------------------------------------------------------------- writes

  /**
   * Adds a user, a member of Users and of {@code groups}.
   *
   * @param password its password, or null for none; not kept, and not cleared by this method
   * @throws IllegalArgumentException if the name is invalid or taken, a group does not exist, or
   *     the password cannot be used
   */
  public UserView addUser(String name, String fullName, List<String> groups, char[] password)
      throws IOException {
    AccountNames.validate("user", name);
    String full = AccountNames.validateFullName(fullName);
    // Hashing takes a while: before the lock, which other processes may be waiting for.
    SecretsData secrets = password == null ? null : rules.secretsFor(name, password);
    String added = file.change(data -> rules.addUser(data, name, full, groups, secrets));
    return user(added).orElseThrow();
  }

  /**
   * Sets a user's password.
   *
   * @throws IllegalArgumentException for an unknown user, Guest, or a password that cannot be used
   */
  public void setPassword(String account, char[] password) throws IOException {
    reloadIfChanged();
    UserData known = lookup(current(), account).orElseThrow(() -> rules.noSuchUser(account));
    AccountRules.requirePasswordAllowed(known);
    SecretsData secrets = rules.secretsFor(known.name, password);
    change(data -> rules.setPassword(data, account, known, secrets));
  }

  /**
   * Disables a user: it can no longer log on.
   *
   * @throws IllegalArgumentException for an unknown user or the last enabled member of
   *     Administrators
   */
  public void disable(String account) throws IOException {
    change(data -> rules.disable(data, account));
  }

  /** Enables a user. */
  public void enable(String account) throws IOException {
    change(data -> rules.enable(data, account));
  }

  /**
   * Deletes a user; its RID is never used again.
   *
   * @throws IllegalArgumentException for an unknown or built-in user, or the last enabled member of
   *     Administrators
   */
  public void delete(String account) throws IOException {
    change(data -> rules.delete(data, account));
  }

  /** Adds a local group, with SID {@code <machine SID>-<next RID>}. */
  public GroupView addGroup(String name) throws IOException {
    AccountNames.validate("group", name);
    String added = file.change(data -> rules.addGroup(data, name));
    return group(added).orElseThrow();
  }

  /**
   * Deletes a local group; its members lose it.
   *
   * @throws IllegalArgumentException for an unknown or built-in group
   */
  public void deleteGroup(String name) throws IOException {
    change(data -> rules.deleteGroup(data, name));
  }

  /**
   * Makes a user a member of a group.
   *
   * @return false if it already was
   */
  public boolean addMember(String group, String user) throws IOException {
    return file.change(data -> rules.addMember(data, group, user));
  }

  /**
   * Takes a user out of a group.
   *
   * @return false if it was not a member
   * @throws IllegalArgumentException if that would leave Administrators without an enabled member
   */
  public boolean removeMember(String group, String user) throws IOException {
    return file.change(data -> rules.removeMember(data, group, user));
  }

  /**
   * On first start: if no enabled member of Administrators has a password, gives Administrator a
   * random 24-character password (and enables it and puts it back in Administrators if need be).
   *
   * @return the new password, for the caller to show the operator once; empty if nothing was needed
   */
  public Optional<String> ensureAdministratorPassword() throws IOException {
    reloadIfChanged();
    if (AccountRules.hasAdministratorWithPassword(current().data)) {
      return Optional.empty();
    }
    String password = rules.randomPassword();
    char[] chars = password.toCharArray();
    SecretsData secrets;
    try {
      secrets = rules.secretsFor(StoreFile.ADMINISTRATOR, chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
    Optional<String> given = file.change(data -> rules.giveAdministratorPassword(data, secrets));
    given.ifPresent(
        name ->
            LOG.warn(
                "gave {} a new random password: no enabled member of Administrators had one",
                domain + "\\" + name));
    return given.map(name -> password);
  }

  /** A change that returns nothing. */
  private void change(Consumer<Data> change) throws IOException {
    file.change(
        data -> {
          change.accept(data);
          return null;
        });
  }
}
