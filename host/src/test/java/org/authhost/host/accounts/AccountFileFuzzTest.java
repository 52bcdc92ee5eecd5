package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the account store file ({@code accounts.json}) through {@link
 * AccountFile}, as the host and {@code authhost accounts} open it: any bytes are either a store
 * (which then writes back and reads again unchanged) or an {@link IOException} that names the file
 * — never another exception, and never a reset store (the file is left as it was).
 */
class AccountFileFuzzTest {
  private static final Path FILE = file();

  private static Path file() {
    try {
      return Files.createDirectories(Path.of("target", "accounts-fuzz"))
          .resolve("accounts.json")
          .toAbsolutePath()
          .normalize();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "")
  void accountsJson(byte[] json) throws IOException {
    Files.write(FILE, json);
    AccountFile store;
    try {
      store =
          new AccountFile(
              FILE,
              () -> {
                throw new AssertionError("the file exists: nothing may be made in its place");
              });
    } catch (IOException e) {
      assertTrue(e.getMessage().startsWith(FILE.toString()), "names the file: " + e.getMessage());
      assertArrayEquals(json, Files.readAllBytes(FILE), "a bad store is left as it was");
      return;
    }
    Snapshot read = store.current();
    assertNotNull(read);
    byte[] written = StoreFile.serialize(read.data);
    byte[] again = StoreFile.serialize(StoreFile.parse(FILE, written));
    assertArrayEquals(written, again, "what is written reads back the same");
  }
}
