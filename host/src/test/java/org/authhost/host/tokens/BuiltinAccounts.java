package org.authhost.host.tokens;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.authhost.api.Sid;

/**
 * A fixed account directory for the token-table tests (the host itself uses the account store): the
 * two accounts every Windows machine has, Administrator (RID 500) and Guest (RID 501), under a
 * machine SID made once and kept in the data folder so that SIDs stay stable across restarts.
 */
public final class BuiltinAccounts implements AccountDirectory {
  private static final String MACHINE_SID_FILE = "machine.sid";

  private final String domain;
  private final List<Account> accounts;

  BuiltinAccounts(String domain, Sid machineSid) {
    this.domain = domain.toUpperCase(Locale.ROOT);
    this.accounts =
        List.of(
            new Account(
                "Administrator",
                this.domain,
                new Sid(machineSid + "-500"),
                List.of(Sid.ADMINISTRATORS, Sid.USERS, Sid.AUTHENTICATED_USERS),
                false),
            new Account(
                "Guest", this.domain, new Sid(machineSid + "-501"), List.of(Sid.GUESTS), false));
  }

  /** The built-in accounts of the machine whose SID is kept in {@code dataDirectory}. */
  public static BuiltinAccounts load(String domain, Path dataDirectory) throws IOException {
    return new BuiltinAccounts(domain, machineSid(dataDirectory));
  }

  /**
   * The machine SID, {@code S-1-5-21-a-b-c} like Windows' own, made from random numbers on first
   * use; written atomically so that two hosts starting at once cannot both win.
   */
  static Sid machineSid(Path dataDirectory) throws IOException {
    Path file = dataDirectory.resolve(MACHINE_SID_FILE);
    if (Files.exists(file)) {
      return new Sid(Files.readString(file, StandardCharsets.US_ASCII).strip());
    }
    Files.createDirectories(dataDirectory);
    SecureRandom random = new SecureRandom();
    Sid sid =
        new Sid(
            String.format(
                "S-1-5-21-%d-%d-%d",
                Integer.toUnsignedLong(random.nextInt()),
                Integer.toUnsignedLong(random.nextInt()),
                Integer.toUnsignedLong(random.nextInt())));
    Path temp = Files.createTempFile(dataDirectory, MACHINE_SID_FILE, ".tmp");
    Files.writeString(temp, sid.value() + "\n", StandardCharsets.US_ASCII);
    try {
      // A hard link is created whole or not at all, and never over an existing file: of two hosts
      // starting at once exactly one wins, and the other reads the winner's SID below.
      Files.createLink(file, temp);
    } catch (FileAlreadyExistsException raced) {
      // The other host won.
    } finally {
      Files.deleteIfExists(temp);
    }
    return new Sid(Files.readString(file, StandardCharsets.US_ASCII).strip());
  }

  @Override
  public Optional<Account> find(String accountName) {
    String name = accountName.strip();
    int backslash = name.indexOf('\\');
    int at = name.lastIndexOf('@');
    String accountDomain = null;
    if (backslash >= 0) {
      accountDomain = name.substring(0, backslash);
      name = name.substring(backslash + 1);
    } else if (at >= 0) {
      accountDomain = name.substring(at + 1);
      name = name.substring(0, at);
    }
    if (accountDomain != null
        && !accountDomain.isEmpty()
        && !accountDomain.equalsIgnoreCase(domain)
        && !accountDomain.equals(".")) {
      return Optional.empty();
    }
    String wanted = name;
    return accounts.stream().filter(a -> a.name().equalsIgnoreCase(wanted)).findFirst();
  }
}
