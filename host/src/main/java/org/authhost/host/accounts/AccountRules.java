package org.authhost.host.accounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.authhost.api.Sid;
import org.authhost.host.accounts.StoreFile.Data;
import org.authhost.host.accounts.StoreFile.GroupData;
import org.authhost.host.accounts.StoreFile.SecretsData;
import org.authhost.host.accounts.StoreFile.UserData;

/**
 * The rules of this machine's accounts, applied to the store's data: which names are this domain's,
 * that names are unique across users and groups, that built-in accounts and groups stay, that
 * Administrators keeps an enabled member and Guest never has a password, and which secrets a
 * password leaves behind. The changes here run under the file's lock on freshly read data and throw
 * {@link IllegalArgumentException} to refuse.
 */
final class AccountRules {
  private static final String MACHINE_SID_FILE = "machine.sid";
  private static final Pattern MACHINE_SID =
      Pattern.compile("S-1-5-21-\\d{1,10}-\\d{1,10}-\\d{1,10}");

  private final String domain;
  private final List<String> digestRealms;
  private final Path dataDirectory;
  private final Clock clock;
  private final String guestAccount;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param guestAccount {@code accounts.guestAccount}: the account anonymous clients log on as,
   *     kept out of Administrators as the built-in Guest is
   */
  AccountRules(
      String domain,
      List<String> digestRealms,
      Path dataDirectory,
      Clock clock,
      String guestAccount) {
    this.guestAccount = guestAccount;
    this.domain = domain;
    this.digestRealms = List.copyOf(digestRealms);
    this.dataDirectory = dataDirectory;
    this.clock = clock;
  }

  String domain() {
    return domain;
  }

  List<String> digestRealms() {
    return digestRealms;
  }

  // ---------------------------------------------------------------- a new store

  /**
   * A new store's data: the built-in accounts under the machine SID of {@link #newMachineSid()}.
   */
  Data newStore() throws IOException {
    return StoreFile.initial(newMachineSid());
  }

  /**
   * The machine SID for a new store: the one in {@code machine.sid} if the host made one, else
   * random.
   */
  private Sid newMachineSid() throws IOException {
    Path legacy = dataDirectory == null ? null : dataDirectory.resolve(MACHINE_SID_FILE);
    if (legacy != null && Files.exists(legacy)) {
      String value = Files.readString(legacy, StandardCharsets.US_ASCII).strip();
      if (!MACHINE_SID.matcher(value).matches()) {
        throw new IOException(legacy + ": '" + value + "' is not a machine SID (S-1-5-21-a-b-c)");
      }
      return new Sid(value);
    }
    return new Sid(
        String.format(
            "S-1-5-21-%d-%d-%d",
            Integer.toUnsignedLong(random.nextInt()),
            Integer.toUnsignedLong(random.nextInt()),
            Integer.toUnsignedLong(random.nextInt())));
  }

  // ---------------------------------------------------------------- names

  /**
   * The user named {@code accountName} in any form {@link AccountNames#parse} reads, if it is this
   * domain's.
   */
  Optional<UserData> lookup(Snapshot s, String accountName) {
    if (accountName == null) {
      return Optional.empty();
    }
    AccountNames.Qualified q = AccountNames.parse(accountName);
    if (!q.isLocalTo(domain)) {
      return Optional.empty();
    }
    return Optional.ofNullable(s.users.get(AccountNames.key(q.name())));
  }

  static boolean isBuiltin(UserData u) {
    return u.rid == StoreFile.ADMINISTRATOR_RID || u.rid == StoreFile.GUEST_RID;
  }

  // ---------------------------------------------------------------- secrets

  /** What is kept of {@code password}: its Argon2id hash, NT hash and Digest HA1 per realm. */
  SecretsData secretsFor(String userName, char[] password) {
    Secrets.checkPassword(password);
    byte[] utf8 = Secrets.utf8(password);
    try {
      SecretsData s = new SecretsData();
      s.argon2id = Secrets.argon2id(utf8, random);
      byte[] nt = Secrets.ntHash(password);
      s.ntHash = Secrets.hex(nt);
      Arrays.fill(nt, (byte) 0);
      for (String realm : digestRealms) {
        Map<String, String> byAlgorithm = new LinkedHashMap<>();
        for (String algorithm : Secrets.DIGEST_ALGORITHMS) {
          byAlgorithm.put(
              algorithm, Secrets.hex(Secrets.digestHa1(algorithm, userName, realm, utf8)));
        }
        s.digestHa1.put(realm, byAlgorithm);
      }
      return s;
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  /** A random 24-character password, for an Administrator that has none. */
  String randomPassword() {
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Refuses a password for Guest, the account anonymous clients use. */
  static void requirePasswordAllowed(UserData user) {
    if (user.rid == StoreFile.GUEST_RID) {
      throw new IllegalArgumentException(
          "Guest cannot have a password: it is the account anonymous clients use");
    }
  }

  // ---------------------------------------------------------------- changes

  /** Adds a user, a member of Users and of {@code groups}; returns its name. */
  String addUser(
      Data data, String name, String fullName, List<String> groups, SecretsData secrets) {
    requireFreeName(data, name);
    List<String> memberOf = new ArrayList<>();
    memberOf.add(StoreFile.USERS);
    for (String g : groups == null ? List.<String>of() : groups) {
      String canonical = groupOf(data, g).name;
      requireNotAnonymousAdministrator(name, data.nextRid, canonical);
      if (!memberOf.contains(canonical)) {
        memberOf.add(canonical);
      }
    }
    UserData u = new UserData();
    u.name = name;
    u.rid = data.nextRid;
    data.nextRid = data.nextRid + 1;
    u.fullName = fullName;
    u.groups = memberOf;
    if (secrets != null) {
      u.secrets = secrets;
      u.passwordChanged = clock.instant().toString();
    }
    data.users.add(u);
    return u.name;
  }

  /**
   * Sets the password of {@code account}, which must still be the user {@code known} read before.
   */
  void setPassword(Data data, String account, UserData known, SecretsData secrets) {
    UserData u = userOf(data, account);
    if (u.rid.intValue() != known.rid.intValue() || !u.name.equals(known.name)) {
      throw noSuchUser(account);
    }
    u.secrets = secrets;
    u.passwordChanged = clock.instant().toString();
  }

  void disable(Data data, String account) {
    UserData u = userOf(data, account);
    if (isLastEnabledAdministrator(data, u)) {
      throw new IllegalArgumentException(
          "cannot disable "
              + u.name
              + ": it is the last enabled member of Administrators; enable or add another administrator first");
    }
    u.disabled = true;
  }

  void enable(Data data, String account) {
    userOf(data, account).disabled = false;
  }

  void delete(Data data, String account) {
    UserData u = userOf(data, account);
    if (isBuiltin(u)) {
      throw new IllegalArgumentException(
          "cannot delete " + u.name + ": it is a built-in account (disable it instead)");
    }
    if (isLastEnabledAdministrator(data, u)) {
      throw new IllegalArgumentException(
          "cannot delete "
              + u.name
              + ": it is the last enabled member of Administrators; enable or add another administrator first");
    }
    data.users.remove(u);
  }

  /** Adds a local group, with SID {@code <machine SID>-<next RID>}; returns its name. */
  String addGroup(Data data, String name) {
    requireFreeName(data, name);
    int rid = data.nextRid;
    data.nextRid = rid + 1;
    data.groups.add(new GroupData(name, data.machineSid + "-" + rid));
    return name;
  }

  void deleteGroup(Data data, String name) {
    GroupData g = groupOf(data, name);
    if (StoreFile.BUILTIN_GROUPS.containsKey(g.name)) {
      throw new IllegalArgumentException("cannot delete " + g.name + ": it is a built-in group");
    }
    data.groups.remove(g);
    for (UserData u : data.users) {
      u.groups.remove(g.name);
    }
  }

  /**
   * Refuses Administrators to the account anonymous clients log on as, the built-in Guest or the
   * configured guest account: every client that sends nothing would be an administrator.
   */
  private void requireNotAnonymousAdministrator(String user, int rid, String group) {
    if (!group.equals(StoreFile.ADMINISTRATORS)) {
      return;
    }
    if (rid == StoreFile.GUEST_RID) {
      throw new IllegalArgumentException(
          "Guest cannot be a member of Administrators: anonymous clients log on as Guest");
    }
    if (user.equalsIgnoreCase(guestAccount)) {
      throw new IllegalArgumentException(
          user
              + " cannot be a member of Administrators: it is accounts.guestAccount, the account"
              + " anonymous clients log on as");
    }
  }

  /**
   * @return false if the user already was a member
   */
  boolean addMember(Data data, String group, String user) {
    GroupData g = groupOf(data, group);
    UserData u = userOf(data, user);
    requireNotAnonymousAdministrator(u.name, u.rid, g.name);
    if (u.groups.contains(g.name)) {
      return false;
    }
    u.groups.add(g.name);
    return true;
  }

  /**
   * @return false if the user was not a member
   */
  boolean removeMember(Data data, String group, String user) {
    GroupData g = groupOf(data, group);
    UserData u = userOf(data, user);
    if (!u.groups.contains(g.name)) {
      return false;
    }
    if (g.name.equals(StoreFile.ADMINISTRATORS) && isLastEnabledAdministrator(data, u)) {
      throw new IllegalArgumentException(
          "cannot remove "
              + u.name
              + " from Administrators: it is the group's last enabled member; add another administrator first");
    }
    u.groups.remove(g.name);
    return true;
  }

  /**
   * Gives Administrator {@code secrets}, enabled and in Administrators, unless an enabled member of
   * Administrators has a password.
   *
   * @return the Administrator's name if it got the password, else empty
   */
  Optional<String> giveAdministratorPassword(Data data, SecretsData secrets) {
    if (hasAdministratorWithPassword(data)) {
      return Optional.empty();
    }
    UserData admin =
        data.users.stream()
            .filter(u -> u.rid == StoreFile.ADMINISTRATOR_RID)
            .findFirst()
            .orElseThrow();
    admin.secrets = secrets;
    admin.passwordChanged = clock.instant().toString();
    admin.disabled = false;
    if (!admin.groups.contains(StoreFile.ADMINISTRATORS)) {
      admin.groups.add(StoreFile.ADMINISTRATORS);
    }
    return Optional.of(admin.name);
  }

  static boolean hasAdministratorWithPassword(Data data) {
    return data.users.stream()
        .anyMatch(
            u -> !u.disabled && u.secrets != null && u.groups.contains(StoreFile.ADMINISTRATORS));
  }

  private static boolean isLastEnabledAdministrator(Data data, UserData target) {
    if (target.disabled || !target.groups.contains(StoreFile.ADMINISTRATORS)) {
      return false;
    }
    return data.users.stream()
        .noneMatch(u -> u != target && !u.disabled && u.groups.contains(StoreFile.ADMINISTRATORS));
  }

  private static void requireFreeName(Data data, String name) {
    String key = AccountNames.key(name);
    for (UserData u : data.users) {
      if (AccountNames.key(u.name).equals(key)) {
        throw new IllegalArgumentException(
            "the name '" + name + "' is taken by the user " + u.name);
      }
    }
    for (GroupData g : data.groups) {
      if (AccountNames.key(g.name).equals(key)) {
        throw new IllegalArgumentException(
            "the name '" + name + "' is taken by the group " + g.name);
      }
    }
  }

  private UserData userOf(Data data, String account) {
    AccountNames.Qualified q = AccountNames.parse(account);
    if (q.isLocalTo(domain)) {
      String key = AccountNames.key(q.name());
      for (UserData u : data.users) {
        if (AccountNames.key(u.name).equals(key)) {
          return u;
        }
      }
    }
    throw noSuchUser(account);
  }

  private static GroupData groupOf(Data data, String group) {
    String key = AccountNames.key(group.strip());
    for (GroupData g : data.groups) {
      if (AccountNames.key(g.name).equals(key)) {
        return g;
      }
    }
    throw new IllegalArgumentException("no group '" + group + "'");
  }

  IllegalArgumentException noSuchUser(String account) {
    return new IllegalArgumentException("no user '" + account + "' in " + domain);
  }
}
