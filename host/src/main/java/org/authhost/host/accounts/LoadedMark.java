package org.authhost.host.accounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The mark a running host keeps next to the account store's file ({@code accounts.json.loaded}):
 * its process id and the SHA-256 of the store it has loaded. {@code authhost accounts} reads it to
 * wait, briefly, until the running host uses the change it has just written: the host looks once a
 * second, and a client that tried the new password meanwhile got a 401 that counted towards its
 * address's lockout.
 *
 * @param pid the host's process
 * @param sha256 the loaded store's SHA-256, lower-case hex ({@link AccountStore#loadedSha256()})
 */
public record LoadedMark(long pid, String sha256) {
  /** Where the mark of the store in {@code storeFile} is. */
  public static Path of(Path storeFile) {
    return storeFile.resolveSibling(storeFile.getFileName() + ".loaded");
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
