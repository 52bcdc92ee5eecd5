package org.authhost.host.accounts;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mark a running host keeps next to the account store's file, one per host process ({@code
 * accounts.json.loaded.<pid>}): its process id and the SHA-256 of the store it has loaded. {@code
 * authhost accounts} reads them to wait, briefly, until every running host uses the change it has
 * just written: a host looks once a second, and a client that tried the new password meanwhile got
 * a 401 that counted towards its address's lockout. One file per host, not one shared: hosts that
 * share the store (scale-out) would each overwrite the other's, and the command would wait for
 * whichever wrote last.
 *
 * @param pid the host's process
 * @param sha256 the loaded store's SHA-256, lower-case hex ({@link AccountStore#loadedSha256()})
 */
public record LoadedMark(long pid, String sha256) {
  /** Where the mark of the host in process {@code pid} on the store in {@code storeFile} is. */
  public static Path of(Path storeFile, long pid) {
    return storeFile.resolveSibling(prefix(storeFile) + pid);
  }

  /** Every host's mark on the store in {@code storeFile}; none when there are none. */
  public static List<LoadedMark> all(Path storeFile) {
    List<LoadedMark> marks = new ArrayList<>();
    String prefix = prefix(storeFile);
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(storeFile.toAbsolutePath().getParent(), prefix + "*")) {
      for (Path file : files) {
        String pid = file.getFileName().toString().substring(prefix.length());
        // A mark being written is a temporary file with a longer name: its rename counts.
        if (!pid.isEmpty() && pid.chars().allMatch(Character::isDigit)) {
          read(file).filter(m -> pid.equals(Long.toString(m.pid()))).ifPresent(marks::add);
        }
      }
    } catch (IOException e) {
      // No folder, or it cannot be listed: no host can be waited for.
    }
    return marks;
  }

  private static String prefix(Path storeFile) {
    return storeFile.getFileName() + ".loaded.";
  }

  /** The mark at {@code path}; empty when there is none or it is not one (a stray file). */
  public static Optional<LoadedMark> read(Path path) {
    try {
      String[] parts = Files.readString(path).strip().split(" ");
      return parts.length == 2
          ? Optional.of(new LoadedMark(Long.parseLong(parts[0]), parts[1]))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Writes it whole (a temporary file renamed over it): a reader never sees half of one. */
  void write(Path path) throws IOException {
    Path temp = Files.createTempFile(path.getParent(), path.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temp, pid + " " + sha256 + "\n");
      Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
