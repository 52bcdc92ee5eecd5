package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.inject.Guice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import org.authhost.api.Sid;
import org.authhost.host.config.HostConfig;
import org.authhost.host.testing.LogCapture;
import org.authhost.host.testing.MutableClock;
import org.authhost.host.testing.TestHosts;
import org.authhost.host.tokens.Account;
import org.authhost.host.tokens.AccountDirectory;
import org.authhost.host.tokens.AccountLockouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountStoreTest {
  @TempDir Path temp;

  final MutableClock clock = new MutableClock();

  AccountStore store() throws IOException {
    return store("authhost");
  }

  AccountStore store(String serverName) throws IOException {
    return new AccountStore(
        temp.resolve("var/accounts.json"),
        serverName,
        temp.resolve("var"),
        List.of("AuthHost", "Other realm"),
        clock);
  }

  @Test
  void aNewStoreHasTheBuiltInAccountsAndGroups() throws Exception {
    AccountStore store = store();
    String machine = store.machineSid().value();
    assertTrue(machine.matches("S-1-5-21-\\d+-\\d+-\\d+"), machine);
    assertEquals("AUTHHOST", store.domain());

    UserView admin = store.user("Administrator").orElseThrow();
    assertEquals(new Sid(machine + "-500"), admin.sid());
    assertEquals(List.of("Administrators", "Users"), admin.groups());
    assertTrue(admin.builtin());
    assertFalse(admin.passwordSet());
    UserView guest = store.user("guest").orElseThrow();
    assertEquals(new Sid(machine + "-501"), guest.sid());
    assertEquals(List.of("Guests"), guest.groups());
    assertFalse(guest.disabled());

    assertEquals(
        List.of("Administrators", "Users", "Guests"),
        store.groups().stream().map(GroupView::name).toList());
    assertEquals(Sid.ADMINISTRATORS, store.group("administrators").orElseThrow().sid());
    assertEquals(Sid.USERS, store.group("Users").orElseThrow().sid());
    assertEquals(Sid.GUESTS, store.group("Guests").orElseThrow().sid());
    assertEquals(List.of("Administrator"), store.group("Administrators").orElseThrow().members());

    // Stable across instances: kept in the file.
    assertEquals(store.machineSid(), store().machineSid());
  }

  @Test
  void theMachineSidOfAnEarlierHostIsKept() throws Exception {
    Files.createDirectories(temp.resolve("var"));
    Files.writeString(temp.resolve("var/machine.sid"), "S-1-5-21-1-2-3\n");
    AccountStore store = store();
    assertEquals(new Sid("S-1-5-21-1-2-3"), store.machineSid());
    assertEquals(new Sid("S-1-5-21-1-2-3-500"), store.find("Administrator").orElseThrow().sid());
  }

  @Test
  void theFileIsOwnerOnly() throws Exception {
    AccountStore store = store();
    store.addUser("alice", "", List.of(), "pw-alice-1".toCharArray());
    if (store.file().getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
    }
    String text = Files.readString(store.file());
    assertFalse(text.contains("pw-alice-1"), "no cleartext in the file");
    try (var files = Files.list(store.file().getParent())) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(
          List.of("accounts.json", "accounts.json.lock"), names, "no temp files left behind");
    }
  }

  @Test
  void addUserAndFindItInEveryForm() throws Exception {
    AccountStore store = store();
    UserView alice =
        store.addUser(
            "Alice", "Alice Liddell", List.of("administrators"), "Secret-1".toCharArray());
    assertEquals(1000, alice.rid());
    assertEquals(new Sid(store.machineSid() + "-1000"), alice.sid());
    assertEquals(List.of("Users", "Administrators"), alice.groups());
    assertEquals("Alice Liddell", alice.fullName());
    assertTrue(alice.passwordSet());
    assertEquals(clock.instant(), alice.passwordChanged());
    assertEquals("AUTHHOST\\Alice", alice.qualifiedName());

    for (String form :
        List.of(
            "alice",
            "ALICE",
            "authhost\\alice",
            "AUTHHOST\\Alice",
            ".\\alice",
            "alice@authhost",
            "Alice@AUTHHOST",
            " alice ")) {
      Account a = store.find(form).orElseThrow(() -> new AssertionError(form));
      assertEquals("Alice", a.name(), form);
      assertEquals("AUTHHOST", a.domain());
      assertEquals(alice.sid(), a.sid());
      assertTrue(
          a.groups().containsAll(List.of(Sid.USERS, Sid.ADMINISTRATORS, Sid.AUTHENTICATED_USERS)),
          form);
      assertFalse(a.disabled());
    }
    assertTrue(store.find("OTHER\\alice").isEmpty());
    assertTrue(store.find("alice@other").isEmpty());
    assertTrue(store.find("bob").isEmpty());
    assertEquals(
        List.of(Sid.GUESTS),
        store.find("Guest").orElseThrow().groups(),
        "Guest is not an authenticated user");
  }

  @Test
  void findSidAnswersForUsersAndGroups() throws Exception {
    AccountStore store = store();
    UserView mia = store.addUser("mia", "", List.of(), null);
    GroupView editors = store.addGroup("Editors");
    assertEquals(Optional.of(mia.sid()), store.findSid("AUTHHOST\\Mia"));
    assertEquals(Optional.of(editors.sid()), store.findSid("editors"));
    assertEquals(Optional.of(editors.sid()), store.findSid(".\\Editors"));
    assertEquals(Optional.of(Sid.ADMINISTRATORS), store.findSid("BUILTIN\\Administrators"));
    assertEquals(Optional.of(Sid.USERS), store.findSid("users"));
    assertTrue(store.findSid("BUILTIN\\Editors").isEmpty());
    assertTrue(store.findSid("OTHER\\Editors").isEmpty());
    assertTrue(store.findSid("nobody").isEmpty());
    assertTrue(store.find("Editors").isEmpty(), "a group cannot log on");
  }

  @Test
  void findGroupSidAnswersForGroupsOnlyNeverForAUser() throws Exception {
    AccountStore store = store();
    store.addUser("mia", "", List.of(), null);
    GroupView editors = store.addGroup("Editors");
    assertEquals(Optional.of(editors.sid()), store.findGroupSid("editors"));
    assertEquals(Optional.of(Sid.ADMINISTRATORS), store.findGroupSid("BUILTIN\\Administrators"));
    assertTrue(store.findGroupSid("mia").isEmpty(), "a user is not a group");
    assertTrue(store.findGroupSid("Administrator").isEmpty(), "nor is the Administrator account");
    assertTrue(store.findGroupSid("OTHER\\Editors").isEmpty());
  }

  @Test
  void secretsAreKeptForNtlmAndDigest() throws Exception {
    AccountStore store = store();
    store.addUser("Mufasa", "", List.of(), "Circle Of Life".toCharArray());
    store.addUser("nopw", "", List.of(), null);
    byte[] nt = store.ntHash("mufasa").orElseThrow();
    assertArrayEquals(Secrets.ntHash("Circle Of Life".toCharArray()), nt);
    byte[] password = "Circle Of Life".getBytes(StandardCharsets.UTF_8);
    for (String realm : List.of("AuthHost", "Other realm")) {
      for (String algorithm : List.of("MD5", "SHA-256", "SHA-512-256")) {
        assertArrayEquals(
            Secrets.digestHa1(algorithm, "Mufasa", realm, password),
            store.digestHa1("MUFASA", realm, algorithm).orElseThrow(),
            realm + " " + algorithm);
      }
    }
    assertArrayEquals(
        store.digestHa1("Mufasa", "AuthHost", "MD5").orElseThrow(),
        store.digestHa1("Mufasa", "AuthHost", "md5-sess").orElseThrow());
    assertTrue(store.digestHa1("Mufasa", "unknown realm", "MD5").isEmpty());
    assertTrue(store.digestHa1("Mufasa", "AuthHost", "SHA-1").isEmpty());
    assertTrue(store.ntHash("nopw").isEmpty());
    assertTrue(store.ntHash("Guest").isEmpty());
    assertTrue(store.ntHash("nobody").isEmpty());
    store.disable("Mufasa");
    assertTrue(store.ntHash("Mufasa").isEmpty(), "no secrets of a disabled account");
    assertTrue(store.digestHa1("Mufasa", "AuthHost", "MD5").isEmpty());
  }

  @Test
  void passwdDisableEnableDelete() throws Exception {
    AccountStore store = store();
    PasswordVerifier verifier = new PasswordVerifier(store, clock);
    store.addUser("bob", "", List.of(), "first-password".toCharArray());
    assertTrue(verifier.verify("bob", "first-password"));
    assertFalse(verifier.verify("bob", "wrong"));

    clock.advance(Duration.ofMinutes(5));
    store.setPassword("AUTHHOST\\Bob", "second-password".toCharArray());
    assertEquals(clock.instant(), store.user("bob").orElseThrow().passwordChanged());
    assertFalse(verifier.verify("bob", "first-password"));
    assertTrue(verifier.verify("bob", "second-password"));

    store.disable("bob");
    assertTrue(store.user("bob").orElseThrow().disabled());
    assertTrue(store.find("bob").orElseThrow().disabled());
    assertFalse(verifier.verify("bob", "second-password"));
    store.enable("bob");
    assertTrue(verifier.verify("bob", "second-password"));

    store.delete("bob");
    assertTrue(store.user("bob").isEmpty());
    assertFalse(verifier.verify("bob", "second-password"));
    // RIDs are never reused.
    assertEquals(1001, store.addUser("bob", "", List.of(), null).rid());
    assertEquals(
        new Sid(store.machineSid() + "-1002"),
        store.addGroup("Editors").sid(),
        "groups share the RID pool");
  }

  @Test
  void refusals() throws Exception {
    AccountStore store = store();
    store.addUser("carol", "", List.of(), null);
    IllegalArgumentException e;
    e =
        assertThrows(
            IllegalArgumentException.class, () -> store.addUser("CAROL", "", List.of(), null));
    assertTrue(e.getMessage().contains("taken"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> store.addUser("users", "", List.of(), null));
    assertTrue(e.getMessage().contains("group"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> store.addGroup("Carol"));
    assertTrue(e.getMessage().contains("user"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> store.addUser("dave", "", List.of("Nope"), null));
    assertTrue(e.getMessage().contains("Nope"), e.getMessage());
    for (String bad :
        List.of(
            "",
            "a/b",
            "a\\b",
            "a[b",
            "a:b",
            "a;b",
            "a|b",
            "a=b",
            "a,b",
            "a+b",
            "a*b",
            "a?b",
            "a<b",
            "a@b",
            "a\"b",
            "tab\tname",
            "...",
            " . ",
            "abcdefghijklmnopqrstu",
            " lead")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> store.addUser(bad, "", List.of(), null),
          "'" + bad + "'");
    }
    assertEquals(
        "abcdefghijklmnopqrst", store.addUser("abcdefghijklmnopqrst", "", List.of(), null).name());
    assertEquals("o'brien.x y", store.addUser("o'brien.x y", "", List.of(), null).name());

    e = assertThrows(IllegalArgumentException.class, () -> store.delete("Administrator"));
    assertTrue(e.getMessage().contains("built-in"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> store.delete("guest"));
    assertTrue(e.getMessage().contains("built-in"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> store.deleteGroup("Users"));
    assertTrue(e.getMessage().contains("built-in"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> store.setPassword("Guest", "x".toCharArray()));
    assertTrue(e.getMessage().contains("Guest"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> store.setPassword("nobody", "x".toCharArray()));
    assertTrue(e.getMessage().contains("nobody"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.setPassword("carol", new char[0]));
    assertThrows(IllegalArgumentException.class, () -> store.addMember("Administrators", "Guest"));
    assertThrows(IllegalArgumentException.class, () -> store.disable("nobody"));
  }

  @Test
  void theLastEnabledAdministratorIsProtected() throws Exception {
    AccountStore store = store();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> store.disable("Administrator"));
    assertTrue(e.getMessage().contains("last enabled member of Administrators"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> store.removeMember("Administrators", "Administrator"));

    store.addUser("root2", "", List.of("Administrators"), null);
    store.disable("Administrator");
    e = assertThrows(IllegalArgumentException.class, () -> store.delete("root2"));
    assertTrue(e.getMessage().contains("last enabled member"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> store.disable("root2"));
    assertThrows(
        IllegalArgumentException.class, () -> store.removeMember("administrators", "ROOT2"));

    store.enable("Administrator");
    store.disable("root2");
    store.delete("root2");
    assertEquals(List.of("Administrator"), store.group("Administrators").orElseThrow().members());
  }

  @Test
  void groupsAndMembers() throws Exception {
    AccountStore store = store();
    store.addUser("erin", "", List.of(), null);
    GroupView editors = store.addGroup("Editors");
    assertEquals(new Sid(store.machineSid() + "-1001"), editors.sid());
    assertFalse(editors.builtin());
    assertTrue(store.addMember("editors", "ERIN"));
    assertFalse(store.addMember("Editors", "erin"));
    assertEquals(List.of("erin"), store.group("Editors").orElseThrow().members());
    assertTrue(store.find("erin").orElseThrow().groups().contains(editors.sid()));
    assertTrue(store.removeMember("Editors", "erin"));
    assertFalse(store.removeMember("Editors", "erin"));
    store.addMember("Editors", "erin");
    store.deleteGroup("editors");
    assertTrue(store.group("Editors").isEmpty());
    assertEquals(List.of("Users"), store.user("erin").orElseThrow().groups());
  }

  @Test
  void reloadIfChangedSeesAnotherInstancesWrite() throws Exception {
    AccountStore host = store();
    AccountStore cli = store();
    assertFalse(host.reloadIfChanged());
    cli.addUser("frank", "", List.of(), "frank-pw".toCharArray());
    assertTrue(host.user("frank").isEmpty(), "not before the reload");
    assertTrue(host.reloadIfChanged());
    assertTrue(host.user("frank").isPresent());
    assertFalse(host.reloadIfChanged());

    // The same content with a new time is not a change.
    Files.setLastModifiedTime(host.file(), FileTime.from(Instant.now().plusSeconds(5)));
    assertFalse(host.reloadIfChanged());

    PasswordVerifier verifier = new PasswordVerifier(host, clock);
    assertTrue(verifier.verify("frank", "frank-pw"));
    cli.disable("frank");
    host.reloadIfChanged();
    assertFalse(
        verifier.verify("frank", "frank-pw"),
        "a disable by another process takes effect on reload");
  }

  @Test
  void thePollerPicksUpChangesAtEachIntervalUntilStopped() throws Exception {
    AccountStore host = store();
    AccountPoller poller = new AccountPoller(host, clock, Duration.ofSeconds(1));
    poller.start();
    assertEquals(1, clock.scheduledTasks());

    store().addUser("gina", "", List.of(), null);
    clock.advance(Duration.ofMillis(999));
    assertTrue(host.user("gina").isEmpty(), "not before the interval");
    clock.advance(Duration.ofMillis(1));
    assertTrue(host.user("gina").isPresent());

    // A corrupt file: the accounts read last stay, and the poller keeps looking; it says so once.
    String good = Files.readString(host.file());
    try (LogCapture log = LogCapture.of(AccountPoller.class.getName())) {
      Files.writeString(host.file(), "{ \"version\": 1, ");
      clock.advance(Duration.ofSeconds(1));
      assertTrue(host.user("gina").isPresent());
      clock.advance(Duration.ofSeconds(1));
      List<String> warnings =
          log.events().stream()
              .filter(e -> e.getLevel() == Level.WARN)
              .map(ILoggingEvent::getFormattedMessage)
              .toList();
      assertEquals(1, warnings.size(), "the poll ran twice and warned once: " + warnings);
      assertTrue(
          warnings.get(0).endsWith("; the host keeps the accounts it read last"), warnings.get(0));
    }
    Files.writeString(host.file(), good);
    store().addUser("gus", "", List.of(), null);
    clock.advance(Duration.ofSeconds(1));
    assertTrue(host.user("gus").isPresent(), "picked up once the file is readable again");

    poller.stop();
    assertEquals(0, clock.scheduledTasks());
    store().addUser("hal", "", List.of(), null);
    clock.advance(Duration.ofMinutes(1));
    assertTrue(host.user("hal").isEmpty(), "no polls after the stop");
  }

  /**
   * The mark {@code authhost accounts} waits on: from the start, the SHA-256 of what the host holds
   * and its process id, updated by the look that loads another process's change, gone at the stop.
   */
  @Test
  void thePollerMarksWhatTheHostHasLoaded() throws Exception {
    AccountStore host = store();
    AccountPoller poller = new AccountPoller(host, clock, Duration.ofSeconds(1));
    long pid = ProcessHandle.current().pid();
    String machine = LoadedMark.thisMachine();
    Path mark = LoadedMark.of(host.file(), machine, pid);
    poller.start();
    assertEquals(
        Optional.of(new LoadedMark(machine, pid, host.loadedSha256())), LoadedMark.read(mark));
    assertEquals(
        List.of(new LoadedMark(machine, pid, host.loadedSha256())), LoadedMark.all(host.file()));

    AccountStore cli = store();
    cli.addUser("jo", "", List.of(), null);
    assertNotEquals(host.loadedSha256(), cli.loadedSha256());
    assertNotEquals(cli.loadedSha256(), LoadedMark.read(mark).orElseThrow().sha256(), "not yet");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(
        Optional.of(new LoadedMark(machine, pid, cli.loadedSha256())), LoadedMark.read(mark));

    poller.stop();
    assertFalse(Files.exists(mark));
  }

  /**
   * Marks that hosts killed without their stop left: this machine's of ended processes, and an
   * earlier release's shared mark of an ended process, go at the start; the rest stay.
   */
  @Test
  void thePollerRemovesTheMarksOfEndedHostsOfThisMachineAtItsStart() throws Exception {
    AccountStore host = store();
    Path file = host.file();
    String machine = LoadedMark.thisMachine();
    Process gone = new ProcessBuilder("true").start();
    assertEquals(0, gone.waitFor());
    long ended = gone.pid();
    long running = ProcessHandle.current().parent().orElseThrow().pid();
    new LoadedMark(machine, ended, "old").write(LoadedMark.of(file, machine, ended));
    new LoadedMark(machine, running, "old").write(LoadedMark.of(file, machine, running));
    new LoadedMark("elsewhere", ended, "old").write(LoadedMark.of(file, "elsewhere", ended));
    Files.writeString(LoadedMark.shared(file), ended + " old\n");
    AccountPoller poller = new AccountPoller(host, clock, Duration.ofSeconds(1));
    poller.start();
    try {
      assertFalse(Files.exists(LoadedMark.of(file, machine, ended)), "killed here");
      assertFalse(Files.exists(LoadedMark.shared(file)), "an earlier release's, killed");
      assertTrue(Files.exists(LoadedMark.of(file, machine, running)), "runs");
      assertTrue(
          Files.exists(LoadedMark.of(file, "elsewhere", ended)), "whether it runs is not known");
    } finally {
      poller.stop();
    }
  }

  @Test
  void thePollerSkipsARoundWhileAChangeHoldsTheLockAndLooksAgainNextPeriod() throws Exception {
    AccountStore host = store();
    AccountPoller poller = new AccountPoller(host, clock, Duration.ofSeconds(1));
    poller.start();
    store().addUser("ida", "", List.of(), null);
    ReentrantLock busy = AccountFile.jvmLock(host.file());
    // Another thread holds the lock, as a change waiting for another process's file lock does.
    ExecutorService other = Executors.newSingleThreadExecutor();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      Future<?> holder =
          other.submit(
              () -> {
                busy.lock();
                try {
                  held.countDown();
                  release.await();
                } finally {
                  busy.unlock();
                }
                return null;
              });
      held.await();

      clock.advance(Duration.ofSeconds(1)); // returns: the poll does not wait for the lock

      assertEquals(1, poller.skippedRounds());
      assertTrue(host.user("ida").isEmpty(), "skipped, not read");
      release.countDown();
      holder.get();
    } finally {
      other.shutdownNow();
    }
    clock.advance(Duration.ofSeconds(1));
    assertTrue(host.user("ida").isPresent(), "the next round looked again");
    assertEquals(1, poller.skippedRounds());
    poller.stop();
  }

  @Test
  void aCorruptFileIsReportedWithItsPathAndNeverReset() throws Exception {
    AccountStore host = store();
    host.addUser("hank", "", List.of(), null);
    Path file = host.file();
    Files.writeString(file, "{ \"version\": 1, \"machineSid\": ");
    IOException e = assertThrows(IOException.class, host::reloadIfChanged);
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(host.user("hank").isPresent(), "the accounts read before stay");
    IOException opening = assertThrows(IOException.class, this::store);
    assertTrue(opening.getMessage().contains(file.toString()), opening.getMessage());
    assertThrows(IOException.class, () -> host.addUser("ivy", "", List.of(), null));
    assertEquals("{ \"version\": 1, \"machineSid\": ", Files.readString(file), "never reset");

    Files.writeString(
        file,
        "{\"version\": 1, \"machineSid\": \"S-1-5-21-1-2-3\", \"nextRid\": 1000,"
            + " \"groups\": [], \"users\": []}");
    e = assertThrows(IOException.class, this::store);
    assertTrue(
        e.getMessage().contains(file.toString()) && e.getMessage().contains("Administrators"),
        e.getMessage());

    Files.writeString(file, "[]");
    e = assertThrows(IOException.class, this::store);
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());

    Files.writeString(file, "");
    e = assertThrows(IOException.class, this::store);
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void aRemovedFileIsNotRecreatedByARunningStore() throws Exception {
    AccountStore host = store();
    Files.delete(host.file());
    IOException e =
        assertThrows(IOException.class, () -> host.addUser("jack", "", List.of(), null));
    assertTrue(e.getMessage().contains("disappeared"), e.getMessage());
    assertFalse(Files.exists(host.file()));
  }

  @Test
  void ensureAdministratorPasswordSetsOnce() throws Exception {
    AccountStore store = store();
    Optional<String> password = store.ensureAdministratorPassword();
    assertTrue(password.isPresent());
    assertEquals(24, password.get().length());
    assertTrue(password.get().matches("[A-Za-z0-9_-]{24}"), password.get());
    assertTrue(new PasswordVerifier(store, clock).verify("Administrator", password.get()));
    assertTrue(store.ensureAdministratorPassword().isEmpty());
    assertTrue(store().ensureAdministratorPassword().isEmpty());
  }

  @Test
  void ensureAdministratorPasswordIsNotNeededWhenAnotherAdministratorHasOne() throws Exception {
    AccountStore store = store();
    store.addUser("kim", "", List.of("Administrators"), "kims-password".toCharArray());
    assertTrue(store.ensureAdministratorPassword().isEmpty());
    assertFalse(store.user("Administrator").orElseThrow().passwordSet());
  }

  @Test
  void ensureAdministratorPasswordWhenOnlyPasswordlessAdministratorsAreEnabled() throws Exception {
    AccountStore store = store();
    store.addUser("lee", "", List.of("Administrators"), null);
    store.disable("Administrator");
    String password = store.ensureAdministratorPassword().orElseThrow();
    UserView admin = store.user("Administrator").orElseThrow();
    assertFalse(admin.disabled(), "Administrator is enabled again so the password is usable");
    assertTrue(new PasswordVerifier(store, clock).verify(".\\Administrator", password));
  }

  @Test
  void guiceInjectsTheStoreAndTheVerifier() throws Exception {
    Path config = TestHosts.configFolder(temp, "");
    var hostConfig = TestHosts.load(config);
    var injector =
        Guice.createInjector(
            binder -> {
              binder.bind(HostConfig.class).toInstance(hostConfig);
              binder.bind(Clock.class).toInstance(clock);
              binder.bind(AccountDirectory.class).to(AccountStore.class);
              binder.bind(AccountLockouts.class).toInstance(AccountLockouts.NONE);
            });
    AccountStore store = injector.getInstance(AccountStore.class);
    assertTrue(store == injector.getInstance(AccountDirectory.class));
    assertNotNull(injector.getInstance(PasswordVerifier.class));
    assertEquals(hostConfig.accounts().file().toAbsolutePath().normalize(), store.file());
    assertEquals("TESTHOST", store.domain());
    assertNull(store.user("Administrator").orElseThrow().passwordChanged());
  }
}
