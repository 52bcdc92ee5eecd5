package org.authhost.host.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A plug-in JAR as the host last saw it (Gerrit's {@code FileSnapshot}): its size and modification
 * time tell a changed file from an unchanged one without reading it, and its SHA-256 is what
 * operators compare (and what an allow-list names).
 *
 * @param file the JAR in the plug-in folder
 * @param size its size in bytes
 * @param modifiedMillis its modification time
 * @param sha256 the hex SHA-256 of its content, or empty where not computed
 */
record FileStamp(Path file, long size, long modifiedMillis, String sha256) {

  /** Size and modification time, without the hash; null if the file cannot be read. */
  static FileStamp peek(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(file, a.size(), a.lastModifiedTime().toMillis(), "");
    } catch (IOException gone) {
      return null;
    }
  }

  /** With the hash of the file's content. */
  static FileStamp of(Path file) throws IOException {
    FileStamp peeked = peek(file);
    if (peeked == null) {
      throw new IOException("cannot read " + file);
    }
    return new FileStamp(file, peeked.size, peeked.modifiedMillis, sha256(file));
  }

  /** Whether size and modification time are the same (the hash is not compared). */
  boolean sameAs(FileStamp other) {
    return other != null
        && file.equals(other.file)
        && size == other.size
        && modifiedMillis == other.modifiedMillis;
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
