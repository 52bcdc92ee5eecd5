package org.authhost.plugins.signedurl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys file: its format, its problems by line without a secret, and noticing a rotation. */
class SigningKeysTest {
  private static final String SECRET_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final String SECRET_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

  @TempDir Path dir;

  @Test
  void twoKeysAreReadAndARotationIsNoticed() throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "# old and new\nold = " + SECRET_A + "\n\nnew=" + SECRET_B + "\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    SigningKeys keys = SigningKeys.read(file);
    assertEquals(List.of("old", "new"), List.copyOf(keys.byName().keySet()));
    assertArrayEquals(SECRET_B.getBytes(StandardCharsets.UTF_8), keys.byName().get("new"));
    assertFalse(keys.changed());

    Files.writeString(file, "new=" + SECRET_B + "\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-02T00:00:00Z")));
    assertTrue(keys.changed(), "the old key was retired: read again");
    assertEquals(List.of("new"), List.copyOf(SigningKeys.read(file).byName().keySet()));

    // A broken rewrite keeps the keys in force and is not reported again until the next change.
    Files.writeString(file, "new\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));
    SigningKeys kept = keys.seenAgain();
    assertFalse(kept.changed());
    assertEquals(keys.byName().keySet(), kept.byName().keySet());
  }

  @Test
  void aBadLineIsNamedByFileAndLineAndNeverShowsASecret() throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "k1=" + SECRET_A + "\nk2=short-secret\n");
    SigningKeys.Unreadable e =
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(file));
    assertTrue(e.getMessage().startsWith(file + " line 2: the secret of key 'k2'"), e.getMessage());
    assertFalse(e.getMessage().contains("short-secret"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET_A), e.getMessage());

    Files.writeString(file, "k1=" + SECRET_A + "\nk1=" + SECRET_B + "\n");
    assertTrue(
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(file))
            .getMessage()
            .contains("line 2: key 'k1' is named twice"));
    Files.writeString(file, "# nothing yet\n");
    assertTrue(
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(file))
            .getMessage()
            .contains("holds no key"));
    assertTrue(
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(dir.resolve("none")))
            .getMessage()
            .contains("cannot read the signing keys file"));
  }

  @Test
  void aFileDeletedOrEmptiedRevokesAndOneWithABadLineDoesNot() throws Exception {
    Path file = dir.resolve("keys");
    Files.writeString(file, "k1=" + SECRET_A + "\n");
    SigningKeys keys = SigningKeys.read(file);

    Files.delete(file);
    assertTrue(keys.changed(), "a deleted file is noticed");
    SigningKeys.Unreadable gone =
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(file));
    assertTrue(gone.revokes(), gone.getMessage());
    assertTrue(gone.getMessage().contains(file.toString()), gone.getMessage());
    SigningKeys none = SigningKeys.none(file);
    assertTrue(none.byName().isEmpty());
    assertFalse(none.changed(), "still gone: nothing to read again, nothing to report again");

    Files.writeString(file, "k1=" + SECRET_A + "\n");
    assertTrue(none.changed(), "the file came back");

    Files.writeString(file, "# emptied\n");
    assertTrue(
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(file)).revokes(),
        "an emptied file revokes");
    Files.delete(file);
    Files.createDirectory(file);
    assertTrue(
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(file)).revokes(),
        "a file that cannot be read (here a folder in its place) revokes");

    Files.delete(file);
    Files.writeString(file, "k1\n");
    assertFalse(
        assertThrows(SigningKeys.Unreadable.class, () -> SigningKeys.read(file)).revokes(),
        "a bad line is a rewrite caught half-way: the keys read before stay");
  }
}
