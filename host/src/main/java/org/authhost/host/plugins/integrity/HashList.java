package org.authhost.host.plugins.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A list of trusted SHA-256 hashes, one {@code <hash> <file name>} line each, as {@code sha256sum}
 * writes them (Elasticsearch's plug-in checksum format): the operator's {@code plugins.lock} and
 * the build's {@code builtin-plugins.sha256}. The file name is a note for the reader; only the hash
 * is trusted, so a renamed JAR stays trusted and a changed one does not.
 *
 * @param file where it was read from
 * @param names each hash on it and the file name noted with it, in file order
 */
record HashList(Path file, Map<String, String> names) {
  private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

  HashList {
    names = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(names));
  }

  boolean contains(String sha256) {
    return names.containsKey(sha256);
  }

  /**
   * The list in {@code file}; empty if there is no such file.
   *
   * @throws IOException if it cannot be read, or a line is not a hash and a file name (the message
   *     names the file and the line)
   */
  static HashList read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException absent) {
      return new HashList(file, Map.of());
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new Malformed(
            file
                + ":"
                + (i + 1)
                + ": expected a SHA-256 in hex, two spaces and a file name (as sha256sum writes"
                + " them); write it with ./authhost plugins trust FILE");
      }
      names.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
    }
    return new HashList(file, names);
  }

  /** A line that is not a hash and a file name: the list is readable, but wrong. */
  static final class Malformed extends IOException {
    Malformed(String message) {
      super(message);
    }
  }

  /** This list with {@code sha256} added (noted as {@code name}), written to its file. */
  HashList with(String sha256, String name) throws IOException {
    Map<String, String> next = new LinkedHashMap<>(names);
    next.put(sha256, name);
    return write(next);
  }

  /** This list without {@code sha256}, written to its file. */
  HashList without(String sha256) throws IOException {
    Map<String, String> next = new LinkedHashMap<>(names);
    next.remove(sha256);
    return write(next);
  }

  private HashList write(Map<String, String> next) throws IOException {
    StringBuilder text =
        new StringBuilder(
            "# Plug-in JARs trusted by their SHA-256 (plugins.integrity). Written by"
                + " ./authhost plugins trust and untrust.\n");
    next.forEach((hash, name) -> text.append(hash).append("  ").append(name).append('\n'));
    TrustFileWrites.replace(file, text.toString().getBytes(StandardCharsets.UTF_8));
    return new HashList(file, next);
  }

  /** The SHA-256 of a file's bytes, lower-case hex. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** For messages: the names on the list, or that it is empty. */
  String describe() {
    return names.isEmpty() ? file + " (empty)" : file + " (" + names.size() + " hashes)";
  }
}
