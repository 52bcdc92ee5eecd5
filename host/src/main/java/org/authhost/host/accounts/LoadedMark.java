package org.authhost.host.accounts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.authhost.host.files.AtomicWrite;

/**
 * The mark a running host keeps next to the account store's file, one per host ({@code
 * accounts.json.loaded.<machine>-<pid>}): the SHA-256 of the store it has loaded. {@code authhost
 * accounts} reads them to wait, briefly, until every running host uses the change it has just
 * written: a host looks once a second, and a client that tried the new password meanwhile got a 401
 * that counted towards its address's lockout. One file per host, not one shared: hosts that share
 * the store (scale-out) would each overwrite the other's, and the command would wait for whichever
 * wrote last. The machine is in the name because a process id alone is not a host's identity: nodes
 * in containers on one shared volume are often all process 1.
 *
 * @param machine the host's machine name ({@link #thisMachine()})
 * @param pid the host's process on that machine
 * @param sha256 the loaded store's SHA-256, lower-case hex ({@link AccountStore#loadedSha256()})
 */
public record LoadedMark(String machine, long pid, String sha256) {
  /**
   * Where the mark of the host {@code pid} on {@code machine} is, for the store {@code storeFile}.
   */
  public static Path of(Path storeFile, String machine, long pid) {
    return storeFile.resolveSibling(prefix(storeFile) + machine + "-" + pid);
  }

  /** Where the releases before one mark per host kept the only mark: removed when it is stale. */
  static Path shared(Path storeFile) {
    return storeFile.resolveSibling(storeFile.getFileName() + ".loaded");
  }

  /** Every host's mark on the store in {@code storeFile}; none when there are none. */
  public static List<LoadedMark> all(Path storeFile) {
    List<LoadedMark> marks = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(
            storeFile.toAbsolutePath().getParent(), prefix(storeFile) + "*-*")) {
      for (Path file : files) {
        // A mark being written is a temporary file of another name: only its rename counts.
        read(file)
            .filter(
                m -> of(storeFile, m.machine(), m.pid()).getFileName().equals(file.getFileName()))
            .ifPresent(marks::add);
      }
    } catch (IOException e) {
      // No folder, or it cannot be listed: no host can be waited for.
    }
    return marks;
  }

  /**
   * The marks that hosts of {@code machine} left when they ended without their stop (killed), and
   * the one shared mark of earlier releases once its host has ended: a process that later gets such
   * an id would otherwise keep {@code authhost accounts} waiting for it. Another machine's marks
   * are not among them: whether their processes run cannot be known here.
   */
  static List<Path> stale(Path storeFile, String machine, long self) {
    List<Path> stale = new ArrayList<>();
    for (LoadedMark m : all(storeFile)) {
      if (m.machine().equals(machine) && m.pid() != self && !runs(m.pid())) {
        stale.add(of(storeFile, machine, m.pid()));
      }
    }
    Path shared = shared(storeFile);
    try {
      // "pid sha256", as those releases wrote it.
      if (!runs(Long.parseLong(Files.readString(shared).strip().split(" ")[0]))) {
        stale.add(shared);
      }
    } catch (IOException | NumberFormatException e) {
      // None, or not one.
    }
    return stale;
  }

  private static String prefix(Path storeFile) {
    return storeFile.getFileName() + ".loaded.";
  }

  /** The mark at {@code path}; empty when there is none or it is not one (a stray file). */
  public static Optional<LoadedMark> read(Path path) {
    try {
      String[] parts = Files.readString(path).strip().split(" ");
      return parts.length == 3
          ? Optional.of(new LoadedMark(parts[2], Long.parseLong(parts[0]), parts[1]))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * This machine's name, as a file name may hold it: the kernel's host name, which each container
   * has its own of; else the environment's.
   */
  public static String thisMachine() {
    String name = "";
    try {
      name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      // Not Linux: the environment's name below.
    }
    for (String variable : List.of("HOSTNAME", "COMPUTERNAME")) {
      if (name.isEmpty()) {
        name = System.getenv().getOrDefault(variable, "").strip();
      }
    }
    return name.isEmpty() ? "localhost" : name.replaceAll("[^A-Za-z0-9.]", "_");
  }

  /** Whether process {@code pid} runs on this machine. */
  public static boolean runs(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Writes it whole (a temporary file renamed over it): a reader never sees half of one. */
  void write(Path path) throws IOException {
    // Not forced to the disk: a mark says what a running host loaded, and no host survives a crash.
    byte[] mark = (pid + " " + sha256 + " " + machine + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicWrite.replace(path, mark, null, false);
  }
}
