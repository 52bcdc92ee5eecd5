package org.authhost.host.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file replaced whole: the bytes written to a temporary file beside it, which is then renamed
 * over it, so that a reader sees the old file or the new one, never half of one. The host's files
 * that are rewritten in place (the account store, the lockouts, a trust file, the admin endpoint,
 * the loaded marks) all go through here; what differs between them is explicit in each call: the
 * permissions the file gets and whether it must survive a power cut.
 */
public final class AtomicWrite {
  private static final Logger log = LoggerFactory.getLogger(AtomicWrite.class);

  /** Read and written by the host's account alone. */
  public static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private AtomicWrite() {}

  /**
   * Replaces {@code target} with {@code bytes}.
   *
   * @param permissions what the file gets, set on the temporary file before it is renamed (so not
   *     narrowed by the umask); null for the temporary file's own, owner only ({@code rw-------}).
   *     Ignored where the file system has no POSIX permissions.
   * @param durable whether the bytes are forced to the disk before the rename, and the folder after
   *     it, so that the new file survives a power cut (where the platform can sync a folder)
   */
  public static void replace(
      Path target, byte[] bytes, Set<PosixFilePermission> permissions, boolean durable)
      throws IOException {
    Path folder = target.toAbsolutePath().getParent();
    // Hidden, and named after the file: no reader of the folder takes it for one of its files.
    Path temp = Files.createTempFile(folder, "." + target.getFileName() + ".", ".tmp");
    try {
      if (permissions != null) {
        try {
          Files.setPosixFilePermissions(temp, permissions);
        } catch (UnsupportedOperationException notPosix) {
          // The file system has no such permissions: the file gets the folder's defaults.
        }
      }
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        if (durable) {
          out.force(true);
        }
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    if (durable) {
      syncFolder(folder);
    }
  }

  /** Makes a rename in {@code folder} durable, where the platform can sync a folder. */
  public static void syncFolder(Path folder) {
    try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException notSupported) {
      // Windows cannot open a folder as a channel; the rename is still atomic.
      log.debug("Cannot sync folder {}: {}", folder, notSupported.toString());
    }
  }
}
