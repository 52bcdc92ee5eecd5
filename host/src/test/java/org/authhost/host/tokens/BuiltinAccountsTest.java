package org.authhost.host.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.authhost.api.Sid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinAccountsTest {
  @TempDir Path temp;

  private static Account find(BuiltinAccounts accounts, String name) {
    return accounts.find(name).orElseThrow(() -> new AssertionError("no account " + name));
  }

  @Test
  void machineSidIsStableAcrossLoadsFromTheSameDirectory() throws Exception {
    Path dir = temp.resolve("data");
    Sid first = find(BuiltinAccounts.load("host", dir), "Guest").sid();
    Sid second = find(BuiltinAccounts.load("host", dir), "Guest").sid();
    assertEquals(first, second);
    assertEquals(
        find(BuiltinAccounts.load("host", dir), "Administrator").sid(),
        find(BuiltinAccounts.load("host", dir), "Administrator").sid());
  }

  @Test
  void machineSidDiffersForAnotherDirectory() throws Exception {
    Sid a = find(BuiltinAccounts.load("host", temp.resolve("a")), "Guest").sid();
    Sid b = find(BuiltinAccounts.load("host", temp.resolve("b")), "Guest").sid();
    assertNotEquals(a, b);
  }

  @Test
  void accountsShareTheMachineSidWithTheirRids() throws Exception {
    BuiltinAccounts accounts = BuiltinAccounts.load("host", temp);
    String admin = find(accounts, "Administrator").sid().value();
    String guest = find(accounts, "Guest").sid().value();
    assertTrue(admin.endsWith("-500"), admin);
    assertTrue(guest.endsWith("-501"), guest);
    String machine = admin.substring(0, admin.length() - "-500".length());
    assertEquals(machine + "-501", guest);
    assertTrue(machine.matches("S-1-5-21-\\d+-\\d+-\\d+"), machine);
  }

  @Test
  void machineSidIsKeptInTheDataDirectory() throws Exception {
    BuiltinAccounts first = BuiltinAccounts.load("host", temp);
    String machineFileSid;
    try (var files = Files.list(temp)) {
      List<Path> all = files.toList();
      assertEquals(1, all.size(), "one file and no leftover temp file: " + all);
      machineFileSid = Files.readString(all.get(0)).strip();
    }
    assertEquals(machineFileSid + "-501", find(first, "Guest").sid().value());
  }

  @Test
  void domainIsUpperCasedInAccounts() throws Exception {
    BuiltinAccounts accounts = BuiltinAccounts.load("MixedCase", temp);
    assertEquals("MIXEDCASE", find(accounts, "guest").domain());
    assertEquals("MIXEDCASE\\Guest", find(accounts, "guest").qualifiedName());
    assertEquals("Guest", find(accounts, "mixedcase\\GUEST").name());
  }

  @Test
  void groupsOfTheBuiltinAccounts() throws Exception {
    BuiltinAccounts accounts = BuiltinAccounts.load("host", temp);
    assertTrue(find(accounts, "Administrator").groups().contains(Sid.ADMINISTRATORS));
    assertTrue(find(accounts, "Guest").groups().contains(Sid.GUESTS));
    assertTrue(!find(accounts, "Guest").groups().contains(Sid.ADMINISTRATORS));
  }

  /**
   * Two hosts starting at once on an empty data directory must agree on one machine SID (the
   * Javadoc of machineSid: "written atomically so that two hosts starting at once cannot both
   * win"). Each round starts several loaders on a fresh directory at the same moment.
   */
  @Test
  void concurrentFirstLoadsAgreeOnOneMachineSid() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 200; round++) {
        Path dir = temp.resolve("race" + round);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Sid>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return BuiltinAccounts.machineSid(dir);
                  }));
        }
        Set<Sid> sids = new HashSet<>();
        for (Future<Sid> f : results) {
          sids.add(f.get());
        }
        assertEquals(
            1, sids.size(), "round " + round + ": hosts disagree on the machine SID: " + sids);
        Sid onDisk = new Sid(Files.readString(dir.resolve("machine.sid")).strip());
        assertEquals(Set.of(onDisk), sids, "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
