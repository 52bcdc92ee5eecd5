package org.authhost.plugins.signedurl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's signing keys: a file of {@code name=secret} lines ({@code #} starts a comment), so
 * that two keys can be valid at once while the platform moves to a new one. A secret is the text
 * after the first {@code =}, used as its UTF-8 bytes, as {@code openssl dgst -hmac SECRET} does; at
 * least {@link #MIN_SECRET} characters (make one with {@code openssl rand -hex 32}). The secrets
 * never leave this class: messages name the file, the line and the key, never a secret.
 *
 * <p>A file that is gone, cannot be read or holds no key revokes every key ({@link #none}): an
 * operator who deletes the keys file means the links to stop working. A file with a bad line keeps
 * in force only the keys read before that it still lists, well formed, with the same secret ({@link
 * #keptBeside}): a removed line revokes its key even when the edit broke another line.
 *
 * @param file where they were read from
 * @param modified the file's modification time when read, to notice a rotation; null for a file
 *     that was gone when last looked at
 * @param readable whether the file could be read when last looked at: a {@code chmod} changes no
 *     modification time, yet must be noticed
 * @param byName the secrets by key name; empty when none is in force
 */
record SigningKeys(Path file, FileTime modified, boolean readable, Map<String, byte[]> byName) {
  static final int MIN_SECRET = 16;

  SigningKeys {
    byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
  }

  /** A file the keys could not be read from: the message says which line and how to fix it. */
  static final class Unreadable extends Exception {
    private final boolean revokes;
    private final Map<String, byte[]> wellFormed;

    Unreadable(String message) {
      this(message, false, Map.of());
    }

    Unreadable(String message, boolean revokes) {
      this(message, revokes, Map.of());
    }

    Unreadable(String message, boolean revokes, Map<String, byte[]> wellFormed) {
      super(message);
      this.revokes = revokes;
      this.wellFormed = Map.copyOf(wellFormed);
    }

    /** Whether the file is gone, unreadable or empty: no key stays in force. */
    boolean revokes() {
      return revokes;
    }

    /** The keys of the file's well-formed lines, beside the bad one(s). */
    Map<String, byte[]> wellFormed() {
      return wellFormed;
    }
  }

  /**
   * The keys that stay in force after a rewrite with a bad line: only those the new file still
   * lists, well formed, with the same secret. A key whose line was removed is revoked at once (the
   * operator said so); one caught half-way is refused until the file is whole.
   */
  SigningKeys keptBeside(Unreadable problem) {
    Map<String, byte[]> kept = new LinkedHashMap<>();
    byName.forEach(
        (name, secret) -> {
          byte[] again = problem.wellFormed().get(name);
          if (again != null && java.util.Arrays.equals(again, secret)) {
            kept.put(name, secret);
          }
        });
    return new SigningKeys(file, modified, readable, kept).seenAgain();
  }

  /** No key in force, with the file as it is now: every signed URL is refused until it changes. */
  static SigningKeys none(Path file) {
    return new SigningKeys(file, null, false, Map.of()).seenAgain();
  }

  static SigningKeys read(Path file) throws Unreadable {
    List<String> lines;
    FileTime modified;
    try {
      modified = Files.getLastModifiedTime(file);
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Unreadable(
          "cannot read the signing keys file "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + "); create it with one name=secret line per key (e.g. k1=$(openssl rand -hex 32))"
              + " or set the named value keysFile",
          true);
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    String problem = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String name = eq < 0 ? "" : line.substring(0, eq).strip();
      String secret = eq < 0 ? "" : line.substring(eq + 1).strip();
      String where = file + " line " + (i + 1);
      String bad = null;
      if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
        bad = where + ": expected name=secret with a name of letters, digits, '.', '_' or '-'";
      } else if (secret.length() < MIN_SECRET) {
        bad =
            where
                + ": the secret of key '"
                + name
                + "' is shorter than "
                + MIN_SECRET
                + " characters; make one with: openssl rand -hex 32";
      } else if (keys.containsKey(name)) {
        bad = where + ": key '" + name + "' is named twice";
      } else {
        keys.put(name, secret.getBytes(StandardCharsets.UTF_8));
      }
      if (bad != null && problem == null) {
        problem = bad;
      }
    }
    if (problem != null) {
      throw new Unreadable(problem, false, keys);
    }
    if (keys.isEmpty()) {
      throw new Unreadable(
          file + " holds no key; add one name=secret line (e.g. k1=$(openssl rand -hex 32))", true);
    }
    return new SigningKeys(file, modified, true, keys);
  }

  /**
   * Whether the file changed since it was read (a rotation to pick up), appeared or went, or became
   * readable or unreadable.
   */
  boolean changed() {
    if (Files.isReadable(file) != readable) {
      return true;
    }
    try {
      return !Files.getLastModifiedTime(file).equals(modified);
    } catch (IOException e) {
      return modified != null;
    }
  }

  /**
   * These keys, remembering the file as it is now (null when it is gone): after a broken rewrite
   * the same keys stay in force and the next change is noticed, without a warning per check.
   */
  SigningKeys seenAgain() {
    FileTime now;
    try {
      now = Files.getLastModifiedTime(file);
    } catch (IOException e) {
      now = null;
    }
    return new SigningKeys(file, now, Files.isReadable(file), byName);
  }
}
