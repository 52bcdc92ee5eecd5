package org.authhost.host.plugins.integrity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.authhost.host.files.AtomicWrite;

/**
 * How the command line changes a trust file: under a lock, so that two {@code plugins trust} at
 * once do not lose one's change; whole or not at all, so that a host never reads it half-written;
 * and readable by the host afterwards. A temporary file is created {@code rw-------}: moved into
 * place as it is, a list written by {@code sudo} would be unreadable to the host's account, which
 * then refuses every JAR.
 */
final class TrustFileWrites {
  /**
   * What a trust file is made with when there is none yet: the host reads it, no one else writes.
   */
  static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");

  private TrustFileWrites() {}

  /** A read-modify-write of a trust file. */
  @FunctionalInterface
  interface Change<T> {
    T apply() throws IOException;
  }

  /** Runs {@code change} holding an exclusive lock on a sibling of {@code file}. */
  static <T> T locked(Path file, Change<T> change) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path lockFile = directory.resolve("." + file.getFileName() + ".lock");
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      return change.apply();
    }
  }

  /** Replaces {@code file} with {@code bytes}, keeping its permissions (new: rw-r--r--). */
  static void replace(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Set<PosixFilePermission> permissions = null;
    try {
      try {
        permissions = Files.getPosixFilePermissions(file);
      } catch (NoSuchFileException absent) {
        permissions = NEW_FILE;
      }
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the folder's inherited ACL applies, as for any new file.
    }
    // Not forced to the disk: the operator's command is there to run again.
    AtomicWrite.replace(file, bytes, permissions, false);
  }
}
