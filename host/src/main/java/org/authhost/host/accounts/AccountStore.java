package org.authhost.host.accounts;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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
 * passwords, kept in one JSON file ({@code accounts.file}, default {@code <dataDirectory>/accounts.json}).
 *
 * <p>Every change takes an exclusive lock on {@code <file>.lock}, re-reads the file, changes it and
 * replaces it atomically (temp file in the same folder, fsync, atomic rename; mode 600 where POSIX),
 * so the running host and any number of {@code authhost accounts} processes can write at once
 * without losing changes. The host sees other processes' changes through {@link #reloadIfChanged()},
 * which the {@link AccountPoller} calls every second.
 *
 * <p>A file that cannot be read or is not a valid store is reported with its path and never reset.
 */
@Singleton
public final class AccountStore implements AccountDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(AccountStore.class);
  private static final String MACHINE_SID_FILE = "machine.sid";
  private static final java.util.regex.Pattern MACHINE_SID =
      java.util.regex.Pattern.compile("S-1-5-21-\\d{1,10}-\\d{1,10}-\\d{1,10}");
  /**
   * One lock per store file per JVM: a file lock is held by the whole process, so threads (and
   * store instances) of one process must take turns before they ask the OS for it.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final Path lockFile;
  private final Path dataDirectory;
  private final String domain;
  private final List<String> digestRealms;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ReentrantLock jvmLock;
  private final boolean posix;

  private volatile Snapshot snapshot;

  /** The store of this host's configuration; creates the file with the built-in accounts if missing. */
  @Inject
  public AccountStore(HostConfig config, Clock clock) throws IOException {
    this(config.accounts().file(), config.serverName(), config.dataDirectory(), config.accounts().digestRealms(),
        clock);
  }

  AccountStore(Path file, String serverName, Path dataDirectory, List<String> digestRealms, Clock clock)
      throws IOException {
    this.file = file.toAbsolutePath().normalize();
    this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    this.dataDirectory = dataDirectory;
    this.domain = serverName.toUpperCase(Locale.ROOT);
    this.digestRealms = List.copyOf(digestRealms);
    this.clock = clock;
    this.jvmLock = JVM_LOCKS.computeIfAbsent(this.file, f -> new ReentrantLock());
    this.posix = this.file.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (Files.exists(this.file)) {
      reloadIfChanged();
    } else {
      write(data -> null);
    }
  }

  // ---------------------------------------------------------------- snapshot

  private record Stamp(FileTime modified, long size, Object fileKey) {}

  /** One consistent state of the file, indexed; never changed once built. */
  private static final class Snapshot {
    final Data data;
    final Sid machineSid;
    final Map<String, UserData> users = new LinkedHashMap<>();
    final Map<String, GroupData> groups = new LinkedHashMap<>();
    /** Accounts as the token service sees them, built once per snapshot (it never changes). */
    final Map<Integer, Account> accounts = new java.util.concurrent.ConcurrentHashMap<>();
    final Stamp stamp;
    final byte[] sha256;

    Snapshot(Data data, Stamp stamp, byte[] sha256) {
      this.data = data;
      this.machineSid = new Sid(data.machineSid);
      this.stamp = stamp;
      this.sha256 = sha256;
      for (UserData u : data.users) {
        users.put(AccountNames.key(u.name), u);
      }
      for (GroupData g : data.groups) {
        groups.put(AccountNames.key(g.name), g);
      }
    }

    Snapshot withStamp(Stamp newStamp) {
      return new Snapshot(data, newStamp, sha256);
    }
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
    jvmLock.lock();
    try {
      Stamp stamp = stamp();
      Snapshot current = snapshot;
      if (current != null && stamp.equals(current.stamp)) {
        return false;
      }
      byte[] bytes = read();
      byte[] hash = sha256(bytes);
      if (current != null && Arrays.equals(hash, current.sha256)) {
        snapshot = current.withStamp(stamp);
        return false;
      }
      snapshot = new Snapshot(StoreFile.parse(file, bytes), stamp, hash);
      return true;
    } finally {
      jvmLock.unlock();
    }
  }

  private Snapshot current() {
    return snapshot;
  }

  // ---------------------------------------------------------------- reads

  /**
   * An object that stays the same while the accounts do and changes with every change (a reload,
   * a write): for indexes built from the accounts to know when to rebuild.
   */
  Object version() {
    return current();
  }

  /** The store's file. */
  public Path file() {
    return file;
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
    return lookup(s, accountName).map(u -> s.accounts.computeIfAbsent(u.rid, rid -> {
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
   * The SID of a user or group: users as {@link #find}, groups by {@code name}, {@code DOMAIN\name},
   * {@code .\name} or, for the built-in groups, {@code BUILTIN\name}.
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

  /** The user with this name ({@code name}, {@code DOMAIN\name}, {@code .\name} or {@code name@domain}). */
  public Optional<UserView> user(String name) {
    Snapshot s = current();
    return lookup(s, name).map(u -> view(s, u));
  }

  /** Every user, by RID. */
  public List<UserView> users() {
    Snapshot s = current();
    return s.data.users.stream().sorted(Comparator.comparingInt(u -> u.rid)).map(u -> view(s, u)).toList();
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

  /**
   * The NT hash (MD4 of the UTF-16LE password) of an enabled account with a password; empty for
   * unknown, disabled and password-less accounts.
   */
  /** The realms Digest secrets are kept for ({@code accounts.digestRealms}). */
  public List<String> digestRealms() {
    return digestRealms;
  }

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
   *     {@code -sess} variant gives the HA1 of its base algorithm, from which the session HA1 is made
   */
  public Optional<byte[]> digestHa1(String account, String realm, String algorithm) {
    String alg = Secrets.digestAlgorithm(algorithm);
    if (alg == null || realm == null) {
      return Optional.empty();
    }
    return lookup(current(), account)
        .filter(u -> !u.disabled && u.secrets != null)
        .map(u -> u.secrets.digestHa1.get(realm))
        .map(byAlgorithm -> byAlgorithm.get(alg))
        .map(Secrets::unhex);
  }

  /** What the password verifier needs; package-private, as it holds the Argon2 hash. */
  record Credential(int rid, String name, boolean disabled, String passwordChanged, String argon2id) {}

  Optional<Credential> credential(String account) {
    return lookup(current(), account).map(u -> new Credential(u.rid, u.name, u.disabled, u.passwordChanged,
        u.secrets == null ? null : u.secrets.argon2id));
  }

  private Optional<UserData> lookup(Snapshot s, String accountName) {
    if (accountName == null) {
      return Optional.empty();
    }
    AccountNames.Qualified q = AccountNames.parse(accountName);
    if (!q.isLocalTo(domain)) {
      return Optional.empty();
    }
    return Optional.ofNullable(s.users.get(AccountNames.key(q.name())));
  }

  private static Sid userSid(Snapshot s, UserData u) {
    return new Sid(s.data.machineSid + "-" + u.rid);
  }

  private UserView view(Snapshot s, UserData u) {
    return new UserView(u.name, domain, userSid(s, u), u.rid, u.fullName, u.groups, u.disabled, u.secrets != null,
        u.passwordChanged == null ? null : Instant.parse(u.passwordChanged), isBuiltin(u));
  }

  private static GroupView view(Snapshot s, GroupData g) {
    List<String> members = s.data.users.stream()
        .filter(u -> u.groups.contains(g.name))
        .sorted(Comparator.comparingInt(u -> u.rid))
        .map(u -> u.name)
        .toList();
    return new GroupView(g.name, new Sid(g.sid), members, StoreFile.BUILTIN_GROUPS.containsKey(g.name));
  }

  private static boolean isBuiltin(UserData u) {
    return u.rid == StoreFile.ADMINISTRATOR_RID || u.rid == StoreFile.GUEST_RID;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Adds a user, a member of Users and of {@code groups}.
   *
   * @param password its password, or null for none; not kept, and not cleared by this method
   * @throws IllegalArgumentException if the name is invalid or taken, a group does not exist, or the
   *     password cannot be used
   */
  public UserView addUser(String name, String fullName, List<String> groups, char[] password) throws IOException {
    AccountNames.validate("user", name);
    String full = AccountNames.validateFullName(fullName);
    SecretsData secrets = password == null ? null : secretsFor(name, password);
    return write(data -> {
      requireFreeName(data, name);
      List<String> memberOf = new ArrayList<>();
      memberOf.add(StoreFile.USERS);
      for (String g : groups == null ? List.<String>of() : groups) {
        String canonical = groupOf(data, g).name;
        if (!memberOf.contains(canonical)) {
          memberOf.add(canonical);
        }
      }
      UserData u = new UserData();
      u.name = name;
      u.rid = data.nextRid;
      data.nextRid = data.nextRid + 1;
      u.fullName = full;
      u.groups = memberOf;
      if (secrets != null) {
        u.secrets = secrets;
        u.passwordChanged = clock.instant().toString();
      }
      data.users.add(u);
      return u.name;
    }).transform(added -> user(added).orElseThrow());
  }

  /**
   * Sets a user's password.
   *
   * @throws IllegalArgumentException for an unknown user, Guest, or a password that cannot be used
   */
  public void setPassword(String account, char[] password) throws IOException {
    reloadIfChanged();
    UserData known = lookup(current(), account).orElseThrow(() -> noSuchUser(account));
    if (known.rid == StoreFile.GUEST_RID) {
      throw new IllegalArgumentException("Guest cannot have a password: it is the account anonymous clients use");
    }
    SecretsData secrets = secretsFor(known.name, password);
    write(data -> {
      UserData u = userOf(data, account);
      if (u.rid.intValue() != known.rid.intValue() || !u.name.equals(known.name)) {
        throw noSuchUser(account);
      }
      u.secrets = secrets;
      u.passwordChanged = clock.instant().toString();
      return null;
    });
  }

  /**
   * Disables a user: it can no longer log on.
   *
   * @throws IllegalArgumentException for an unknown user or the last enabled member of Administrators
   */
  public void disable(String account) throws IOException {
    write(data -> {
      UserData u = userOf(data, account);
      if (isLastEnabledAdministrator(data, u)) {
        throw new IllegalArgumentException("cannot disable " + u.name
            + ": it is the last enabled member of Administrators; enable or add another administrator first");
      }
      u.disabled = true;
      return null;
    });
  }

  /** Enables a user. */
  public void enable(String account) throws IOException {
    write(data -> {
      userOf(data, account).disabled = false;
      return null;
    });
  }

  /**
   * Deletes a user; its RID is never used again.
   *
   * @throws IllegalArgumentException for an unknown or built-in user, or the last enabled member of
   *     Administrators
   */
  public void delete(String account) throws IOException {
    write(data -> {
      UserData u = userOf(data, account);
      if (isBuiltin(u)) {
        throw new IllegalArgumentException("cannot delete " + u.name + ": it is a built-in account (disable it instead)");
      }
      if (isLastEnabledAdministrator(data, u)) {
        throw new IllegalArgumentException("cannot delete " + u.name
            + ": it is the last enabled member of Administrators; enable or add another administrator first");
      }
      data.users.remove(u);
      return null;
    });
  }

  /** Adds a local group, with SID {@code <machine SID>-<next RID>}. */
  public GroupView addGroup(String name) throws IOException {
    AccountNames.validate("group", name);
    return write(data -> {
      requireFreeName(data, name);
      int rid = data.nextRid;
      data.nextRid = rid + 1;
      data.groups.add(new GroupData(name, data.machineSid + "-" + rid));
      return name;
    }).transform(added -> group(added).orElseThrow());
  }

  /**
   * Deletes a local group; its members lose it.
   *
   * @throws IllegalArgumentException for an unknown or built-in group
   */
  public void deleteGroup(String name) throws IOException {
    write(data -> {
      GroupData g = groupOf(data, name);
      if (StoreFile.BUILTIN_GROUPS.containsKey(g.name)) {
        throw new IllegalArgumentException("cannot delete " + g.name + ": it is a built-in group");
      }
      data.groups.remove(g);
      for (UserData u : data.users) {
        u.groups.remove(g.name);
      }
      return null;
    });
  }

  /**
   * Makes a user a member of a group.
   *
   * @return false if it already was
   */
  public boolean addMember(String group, String user) throws IOException {
    return write(data -> {
      GroupData g = groupOf(data, group);
      UserData u = userOf(data, user);
      if (u.rid == StoreFile.GUEST_RID && g.name.equals(StoreFile.ADMINISTRATORS)) {
        throw new IllegalArgumentException("Guest cannot be a member of Administrators: anonymous clients log on as Guest");
      }
      if (u.groups.contains(g.name)) {
        return false;
      }
      u.groups.add(g.name);
      return true;
    }).value();
  }

  /**
   * Takes a user out of a group.
   *
   * @return false if it was not a member
   * @throws IllegalArgumentException if that would leave Administrators without an enabled member
   */
  public boolean removeMember(String group, String user) throws IOException {
    return write(data -> {
      GroupData g = groupOf(data, group);
      UserData u = userOf(data, user);
      if (!u.groups.contains(g.name)) {
        return false;
      }
      if (g.name.equals(StoreFile.ADMINISTRATORS) && isLastEnabledAdministrator(data, u)) {
        throw new IllegalArgumentException("cannot remove " + u.name
            + " from Administrators: it is the group's last enabled member; add another administrator first");
      }
      u.groups.remove(g.name);
      return true;
    }).value();
  }

  /**
   * On first start: if no enabled member of Administrators has a password, gives Administrator a
   * random 24-character password (and enables it and puts it back in Administrators if need be).
   *
   * @return the new password, for the caller to show the operator once; empty if nothing was needed
   */
  public Optional<String> ensureAdministratorPassword() throws IOException {
    reloadIfChanged();
    if (hasAdministratorWithPassword(current().data)) {
      return Optional.empty();
    }
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    char[] chars = password.toCharArray();
    SecretsData secrets;
    try {
      secrets = secretsFor(StoreFile.ADMINISTRATOR, chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
    return write(data -> {
      if (hasAdministratorWithPassword(data)) {
        return Optional.<String>empty();
      }
      UserData admin = data.users.stream().filter(u -> u.rid == StoreFile.ADMINISTRATOR_RID).findFirst().orElseThrow();
      admin.secrets = secrets;
      admin.passwordChanged = clock.instant().toString();
      admin.disabled = false;
      if (!admin.groups.contains(StoreFile.ADMINISTRATORS)) {
        admin.groups.add(StoreFile.ADMINISTRATORS);
      }
      LOG.warn("gave {} a new random password: no enabled member of Administrators had one", domain + "\\" + admin.name);
      return Optional.of(password);
    }).value();
  }

  private static boolean hasAdministratorWithPassword(Data data) {
    return data.users.stream().anyMatch(u -> !u.disabled && u.secrets != null
        && u.groups.contains(StoreFile.ADMINISTRATORS));
  }

  private static boolean isLastEnabledAdministrator(Data data, UserData target) {
    if (target.disabled || !target.groups.contains(StoreFile.ADMINISTRATORS)) {
      return false;
    }
    return data.users.stream().noneMatch(u -> u != target && !u.disabled
        && u.groups.contains(StoreFile.ADMINISTRATORS));
  }

  private void requireFreeName(Data data, String name) {
    String key = AccountNames.key(name);
    for (UserData u : data.users) {
      if (AccountNames.key(u.name).equals(key)) {
        throw new IllegalArgumentException("the name '" + name + "' is taken by the user " + u.name);
      }
    }
    for (GroupData g : data.groups) {
      if (AccountNames.key(g.name).equals(key)) {
        throw new IllegalArgumentException("the name '" + name + "' is taken by the group " + g.name);
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

  private IllegalArgumentException noSuchUser(String account) {
    return new IllegalArgumentException("no user '" + account + "' in " + domain);
  }

  private SecretsData secretsFor(String userName, char[] password) {
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
          byAlgorithm.put(algorithm, Secrets.hex(Secrets.digestHa1(algorithm, userName, realm, utf8)));
        }
        s.digestHa1.put(realm, byAlgorithm);
      }
      return s;
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  // ---------------------------------------------------------------- the file

  /** A change to the freshly read store, made under the lock; throws IllegalArgumentException to refuse. */
  @FunctionalInterface
  private interface Change<T> {
    T apply(Data data);
  }

  /** A value with a follow-up, so writes can return views built from the new snapshot. */
  private record Result<T>(T value) {
    <R> R transform(java.util.function.Function<T, R> f) {
      return f.apply(value);
    }
  }

  private <T> Result<T> write(Change<T> change) throws IOException {
    jvmLock.lock();
    try {
      Files.createDirectories(file.getParent());
      Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try (FileChannel channel = FileChannel.open(lockFile, options, ownerOnly())) {
        FileLock lock = channel.lock();
        try {
          byte[] before = null;
          Data data;
          if (Files.exists(file)) {
            before = read();
            data = StoreFile.parse(file, before);
          } else if (snapshot != null) {
            throw new IOException(file + ": the account store has disappeared since it was read; restore it"
                + " (it is not recreated, which would give every account a new SID)");
          } else {
            data = StoreFile.initial(newMachineSid());
          }
          T value = change.apply(data);
          try {
            StoreFile.validate(data);
          } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a change left the account store invalid: " + e.getMessage(), e);
          }
          byte[] after = StoreFile.serialize(data);
          if (before == null || !Arrays.equals(before, after)) {
            writeAtomically(after);
          }
          snapshot = new Snapshot(data, stamp(), sha256(after));
          return new Result<>(value);
        } finally {
          lock.release();
        }
      }
    } finally {
      jvmLock.unlock();
    }
  }

  /** The machine SID for a new store: the one in {@code machine.sid} if the host made one, else random. */
  private Sid newMachineSid() throws IOException {
    Path legacy = dataDirectory == null ? null : dataDirectory.resolve(MACHINE_SID_FILE);
    if (legacy != null && Files.exists(legacy)) {
      String value = Files.readString(legacy, StandardCharsets.US_ASCII).strip();
      if (!MACHINE_SID.matcher(value).matches()) {
        throw new IOException(legacy + ": '" + value + "' is not a machine SID (S-1-5-21-a-b-c)");
      }
      return new Sid(value);
    }
    return new Sid(String.format("S-1-5-21-%d-%d-%d", Integer.toUnsignedLong(random.nextInt()),
        Integer.toUnsignedLong(random.nextInt()), Integer.toUnsignedLong(random.nextInt())));
  }

  private void writeAtomically(byte[] bytes) throws IOException {
    Path dir = file.getParent();
    Path temp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp", ownerOnly());
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IOException(file + ": cannot write the account store: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(temp);
    }
    // Make the rename itself durable where the platform allows syncing a folder.
    try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
      folder.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // Windows cannot open a folder as a channel; the rename is still atomic.
    }
  }

  private FileAttribute<?>[] ownerOnly() {
    return posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  private byte[] read() throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": the account store is missing", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": cannot read the account store: permission denied", e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read the account store: " + e, e);
    }
  }

  private Stamp stamp() throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": the account store is missing", e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read the account store: " + e, e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
