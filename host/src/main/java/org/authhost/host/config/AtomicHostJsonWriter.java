package org.authhost.host.config;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.authhost.host.files.AtomicWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's {@link HostJsonWriter}: edits the text of {@code host.json} in place ({@link
 * HostJsonText}), has the host's own loader check the result, and replaces the file atomically.
 *
 * <p>The file's SHA-256 is taken when the host is created (right after it read the file) and after
 * each write of its own; a change is refused with {@link HostJsonChangedException} when the file on
 * disk no longer has it. Comparing content rather than the modification time also catches an edit
 * saved within the same clock tick, and an editor's save that put back the same bytes is no change.
 *
 * <p>Changes are serialized: each one reads, checks and replaces the file before the next begins.
 */
@Singleton
public final class AtomicHostJsonWriter implements HostJsonWriter {
  private static final Logger log = LoggerFactory.getLogger(AtomicHostJsonWriter.class);
  private static final String BOM = "\uFEFF";

  private final Path directory;
  private final Path file;
  // The SHA-256 of the content the host runs with; null when there was no file to read.
  private byte[] stamp;

  /** Runs just before the last look at the file (tests: a hand edit saved in that window). */
  volatile Runnable beforeLastLook = () -> {};

  @Inject
  public AtomicHostJsonWriter(HostConfig config) {
    this.directory = config.configDirectory();
    this.file = directory.resolve(ConfigLoader.FILE_NAME);
    byte[] stamp;
    try {
      stamp = sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      // A host built from a configuration in memory (tests, the kit) has no file to write back to.
      stamp = null;
    }
    this.stamp = stamp;
  }

  @Override
  public synchronized void set(List<String> path, Object value)
      throws IOException, ConfigException {
    List<String> keys = List.copyOf(path);
    if (value == null) {
      edit(text -> HostJsonText.remove(text, keys));
    } else {
      var json = HostJsonText.toJson(value);
      edit(text -> HostJsonText.set(text, keys, json));
    }
  }

  private void edit(UnaryOperator<String> change) throws IOException, ConfigException {
    byte[] current = readCurrent();
    if (stamp == null) {
      throw new HostJsonChangedException(
          file
              + " was not there when the host started, so there is no operator's file to change;"
              + " restart the host to use the file now there");
    }
    if (!Arrays.equals(stamp, sha256(current))) {
      throw changedOnDisk();
    }
    String text = new String(current, StandardCharsets.UTF_8);
    // A byte-order mark some Windows editors write is kept, and kept out of the parser's way.
    String bom = text.startsWith(BOM) ? BOM : "";
    String edited = change.apply(text.substring(bom.length()));
    if (edited.equals(text.substring(bom.length()))) {
      return;
    }
    byte[] bytes = (bom + edited).getBytes(StandardCharsets.UTF_8);
    // The host's own loader is the judge; its problems name host.json's line and column.
    ConfigLoader.load(directory, bytes);
    replace(bytes);
    stamp = sha256(bytes);
  }

  private HostJsonChangedException changedOnDisk() {
    return new HostJsonChangedException(
        file
            + " changed on disk since the host read it (a hand edit?); nothing was written, so"
            + " that edit is kept. Make this change in the file too, or restart the host so that"
            + " it reads the file as it is now");
  }

  private byte[] readCurrent() throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new HostJsonChangedException(
          file + " is gone since the host read it; nothing was written");
    }
  }

  /**
   * Writes {@code bytes} to a new file beside the target and moves it over the target in one step,
   * so that a reader (or a crash) sees the old file or the new one, never half of one. A symbolic
   * link is followed, so the link stays a link.
   */
  private void replace(byte[] bytes) throws IOException {
    Path target = file.toRealPath();
    Path folder = target.getParent();
    Path temporary = Files.createTempFile(folder, "." + ConfigLoader.FILE_NAME + ".", ".tmp");
    try {
      keepAttributes(target, temporary);
      try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      // The loader's check and the write took time: an edit saved meanwhile is looked for once
      // more, right before the move, so that the window in which it would be lost is the move's.
      beforeLastLook.run();
      if (!Arrays.equals(stamp, sha256(readCurrent()))) {
        throw changedOnDisk();
      }
      try {
        Files.move(
            temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            "cannot replace " + target + " atomically (" + e.getMessage() + "); nothing written",
            e);
      }
      AtomicWrite.syncFolder(folder);
      log.info("Wrote a configuration change to {}", target);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** The new file gets the old one's permissions, owner and group (a temporary file is 0600). */
  private static void keepAttributes(Path from, Path to) throws IOException {
    PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView copy = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (source == null || copy == null) {
      return;
    }
    PosixFileAttributes attributes = source.readAttributes();
    copy.setPermissions(attributes.permissions());
    try {
      copy.setGroup(attributes.group());
      copy.setOwner(attributes.owner());
    } catch (IOException notAllowed) {
      // Only root may give a file away; the host wrote the file as itself, which it may still read.
      log.debug("Kept the permissions of {} but not its owner: {}", from, notAllowed.toString());
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
