package org.authhost.host.accounts;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.authhost.host.accounts.StoreFile.Data;
import org.authhost.host.files.AtomicWrite;

/**
 * The account store's file on disk and the {@link Snapshot} last read from or written to it.
 *
 * <p>Every change takes an exclusive lock on {@code <file>.lock}, re-reads the file, changes it and
 * replaces it atomically (temp file in the same folder, fsync, atomic rename; mode 600 where
 * POSIX), so the running host and any number of {@code authhost accounts} processes can write at
 * once without losing changes. Readers need no file lock: a rename replaces the file whole.
 */
final class AccountFile {
  /**
   * One lock per store file per JVM: a file lock is held by the whole process, so threads (and
   * store instances) of one process must take turns before they ask the OS for it.
   */
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  /** Makes the content of a store that does not exist yet. */
  @FunctionalInterface
  interface NewStore {
    Data make() throws IOException;
  }

  /**
   * A change to the freshly read store, made under the lock; throws IllegalArgumentException to
   * refuse.
   */
  @FunctionalInterface
  interface Change<T> {
    T apply(Data data);
  }

  /** What tells a changed file from the one last read, without reading it. */
  record Stamp(FileTime modified, long size, Object fileKey) {}

  private final Path file;
  private final Path lockFile;
  private final ReentrantLock jvmLock;
  private final boolean posix;
  private final NewStore newStore;

  private volatile Snapshot snapshot;

  /** Reads {@code file}, or creates it with {@code newStore}'s content if it is missing. */
  AccountFile(Path file, NewStore newStore) throws IOException {
    this.file = file.toAbsolutePath().normalize();
    this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
    this.jvmLock = jvmLock(this.file);
    this.posix = this.file.getFileSystem().supportedFileAttributeViews().contains("posix");
    this.newStore = newStore;
    if (Files.exists(this.file)) {
      reloadIfChanged();
    } else {
      change(data -> null);
    }
  }

  Path path() {
    return file;
  }

  /** The state last read or written. */
  Snapshot current() {
    return snapshot;
  }

  /**
   * Re-reads the file if its modification time, size or identity changed since it was last read,
   * and takes the new content if its hash differs.
   *
   * @return whether the accounts changed
   * @throws IOException naming the file if it cannot be read or is not a valid store; the accounts
   *     read before stay in force
   */
  boolean reloadIfChanged() throws IOException {
    jvmLock.lock();
    try {
      return reloadHoldingLock();
    } finally {
      jvmLock.unlock();
    }
  }

  /**
   * {@link #reloadIfChanged()} if it can be done without waiting: for the poller, which runs on the
   * scheduler's one thread that carries every time limit of the host. When a change in this process
   * holds the lock (it may be waiting for the file lock another process holds, or syncing to disk),
   * the round is skipped; the change updates what is read itself, and the next round looks again.
   *
   * @return {@code null} when skipped, else whether the accounts changed
   */
  Boolean tryReloadIfChanged() throws IOException {
    if (!jvmLock.tryLock()) {
      return null;
    }
    try {
      return reloadHoldingLock();
    } finally {
      jvmLock.unlock();
    }
  }

  /** The lock this process takes on {@code file} before the file lock (for tests). */
  static ReentrantLock jvmLock(Path file) {
    return JVM_LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new ReentrantLock());
  }

  private boolean reloadHoldingLock() throws IOException {
    Stamp stamp = stamp();
    Snapshot current = snapshot;
    if (current != null && stamp.equals(current.stamp)) {
      return false;
    }
    byte[] bytes = read();
    byte[] hash = sha256(bytes);
    if (current != null && Arrays.equals(hash, current.sha256)) {
      snapshot = current.withStamp(stamp);
      return false;
    }
    snapshot = new Snapshot(StoreFile.parse(file, bytes), stamp, hash);
    return true;
  }

  /**
   * Applies {@code change} to the file as it is now, under both locks, and writes the result if it
   * differs.
   *
   * @return what {@code change} returned
   */
  <T> T change(Change<T> change) throws IOException {
    jvmLock.lock();
    try {
      Files.createDirectories(file.getParent());
      Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try (FileChannel channel = FileChannel.open(lockFile, options, ownerOnly())) {
        FileLock lock = channel.lock();
        try {
          byte[] before = null;
          Data data;
          if (Files.exists(file)) {
            before = read();
            data = StoreFile.parse(file, before);
          } else if (snapshot != null) {
            throw new IOException(
                file
                    + ": the account store has disappeared since it was read; restore it"
                    + " (it is not recreated, which would give every account a new SID)");
          } else {
            data = newStore.make();
          }
          T value = change.apply(data);
          try {
            StoreFile.validate(data);
          } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                "a change left the account store invalid: " + e.getMessage(), e);
          }
          byte[] after = StoreFile.serialize(data);
          if (before == null || !Arrays.equals(before, after)) {
            writeAtomically(after);
          }
          snapshot = new Snapshot(data, stamp(), sha256(after));
          return value;
        } finally {
          lock.release();
        }
      }
    } finally {
      jvmLock.unlock();
    }
  }

  private void writeAtomically(byte[] bytes) throws IOException {
    try {
      // Owner only (password hashes), and durable: an acknowledged change must survive a crash.
      AtomicWrite.replace(file, bytes, AtomicWrite.OWNER_ONLY, true);
    } catch (IOException e) {
      throw new IOException(file + ": cannot write the account store: " + e.getMessage(), e);
    }
  }

  private FileAttribute<?>[] ownerOnly() {
    return posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(AtomicWrite.OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }

  private byte[] read() throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": the account store is missing", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": cannot read the account store: permission denied", e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read the account store: " + e, e);
    }
  }

  private Stamp stamp() throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": the account store is missing", e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read the account store: " + e, e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
