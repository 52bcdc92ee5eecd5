package org.authhost.plugins.digest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The secret that makes nonces unforgeable: 32 random octets in {@code nonce.key} in the plug-in's
 * data folder ({@link org.authhost.api.ServerContext#dataDirectory()}).
 *
 * <p>Why a file: a key compiled into the code is the same on every installation (Tomcat's
 * CVE-2011-5064), and a key made at each start would turn every outstanding nonce into a forgery at
 * restart, so that clients would have to ask their users for the password again. The key in use is
 * the one in the host's state service ({@link NonceLedger#secrets}); this file seeds a store that
 * holds none yet, and takes the store's key when it differs ({@link #replace}), so that every
 * node's file holds the key all share. Kept across restarts, an old nonce is then only of another
 * epoch and earns {@code stale=true}: clients retry on their own. The file is written owner-only,
 * through a temporary file and an atomic rename, so that a crash never leaves a short key behind.
 */
final class NonceKeyFile {
  static final String NAME = "nonce.key";
  static final int LENGTH = 32;

  private NonceKeyFile() {}

  /**
   * The key in {@code folder}, made on first use.
   *
   * @throws IOException with a message that tells the operator what to do
   */
  static byte[] loadOrCreate(Path folder, SecureRandom random) throws IOException {
    Path file = folder.resolve(NAME);
    if (!Files.exists(file)) {
      byte[] key = new byte[LENGTH];
      random.nextBytes(key);
      try {
        create(folder, file, key);
        return key;
      } catch (FileAlreadyExistsException raced) {
        // Another process made it first: use theirs.
      }
    }
    long size = Files.size(file);
    if (size != LENGTH) {
      throw new IOException(
          file
              + " holds "
              + size
              + " bytes instead of "
              + LENGTH
              + ": it is damaged; delete it to have a new key made (clients then get stale=true once)");
    }
    return Files.readAllBytes(file);
  }

  /**
   * Puts {@code key} in the file in place of the one there (a new file, then an atomic rename: a
   * reader sees the old key or the new one, never a part).
   */
  static void replace(Path folder, byte[] key) throws IOException {
    Path temporary = written(folder, key);
    try {
      Files.move(
          temporary,
          folder.resolve(NAME),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** A new owner-only file in {@code folder} holding {@code key}, on disk. */
  private static Path written(Path folder, byte[] key) throws IOException {
    Path temporary = Files.createTempFile(folder, NAME + ".", ".tmp", ownerOnly(folder));
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(key);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    return temporary;
  }

  private static void create(Path folder, Path file, byte[] key) throws IOException {
    Path temporary = written(folder, key);
    try {
      // A hard link appears whole or not at all and never replaces an existing file: of two hosts
      // creating the key at once, one wins and the other reads the winner's key.
      Files.createLink(file, temporary);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * {@code rw-------} where the file system has POSIX permissions; elsewhere the folder's ACL
   * applies.
   */
  private static FileAttribute<?>[] ownerOnly(Path folder) {
    if (folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
      };
    }
    return new FileAttribute<?>[0];
  }
}
