package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentWritersTest {
  @TempDir Path temp;

  private void assertAll100(Path file) throws Exception {
    AccountStore fresh =
        new AccountStore(file, "authhost", temp, List.of("AuthHost"), Clock.systemUTC());
    Set<String> names = new HashSet<>();
    Set<Integer> rids = new HashSet<>();
    for (UserView u : fresh.users()) {
      names.add(u.name());
      rids.add(u.rid());
    }
    for (int i = 0; i < 50; i++) {
      assertTrue(names.contains("a" + i), "a" + i);
      assertTrue(names.contains("b" + i), "b" + i);
    }
    assertEquals(102, fresh.users().size(), "100 users and the two built-in ones");
    assertEquals(102, rids.size(), "every RID distinct");
    try (var files = Files.list(file.getParent())) {
      assertTrue(
          files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")),
          "no temp files left behind");
    }
  }

  @Test
  void twoThreadsWithTheirOwnStoresEachAdd50Users() throws Exception {
    Path file = temp.resolve("accounts.json");
    AccountStore first =
        new AccountStore(file, "authhost", temp, List.of("AuthHost"), Clock.systemUTC());
    AccountStore second =
        new AccountStore(file, "authhost", temp, List.of("AuthHost"), Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CyclicBarrier start = new CyclicBarrier(2);
      List<Future<?>> done = new ArrayList<>();
      for (var job : List.of(new Object[] {first, "a"}, new Object[] {second, "b"})) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 50; i++) {
                    ((AccountStore) job[0]).addUser(job[1] + "" + i, "", List.of(), null);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertAll100(file);
  }

  @Test
  void twoProcessesEachAdd50Users() throws Exception {
    Path file = temp.resolve("accounts.json");
    new AccountStore(file, "authhost", temp, List.of("AuthHost"), Clock.systemUTC());
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Process> processes = new ArrayList<>();
    List<Path> errors = new ArrayList<>();
    for (String prefix : List.of("a", "b")) {
      // stderr apart, to a file: a JVM notice there must not be read in place of "ready".
      Path err = file.resolveSibling("writer-" + prefix + ".err");
      errors.add(err);
      processes.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  ConcurrentWriters.class.getName(),
                  file.toString(),
                  prefix,
                  "50")
              .redirectError(err.toFile())
              .start());
    }
    List<BufferedReader> outputs = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(processes.get(i).getInputStream(), StandardCharsets.UTF_8));
      outputs.add(out);
      String line = out.readLine();
      if (!"ready".equals(line)) {
        processes.get(i).waitFor(10, TimeUnit.SECONDS);
        fail("the writer did not start: " + line + "; stderr: " + Files.readString(errors.get(i)));
      }
    }
    for (Process p : processes) {
      p.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().flush();
    }
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      String rest = outputs.get(i).lines().collect(Collectors.joining("\n"));
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "writer did not finish");
      assertEquals(0, p.exitValue(), rest + "\nstderr: " + Files.readString(errors.get(i)));
    }
    assertAll100(file);
  }
}
