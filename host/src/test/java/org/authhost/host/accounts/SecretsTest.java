package org.authhost.host.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static byte[] filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void md4OfAbcIsTheRfc1320Vector() {
    assertEquals(
        "a448017aaf21d8525fc10ae87aa6729d",
        Secrets.hex(Secrets.md4("abc".getBytes(StandardCharsets.US_ASCII))));
    assertEquals("31d6cfe0d16ae931b73c59d7e0c089c0", Secrets.hex(Secrets.md4(new byte[0])));
  }

  @Test
  void ntHashOfPasswordIsTheMsNlmpVector() {
    assertEquals(
        "a4f49c406510bdcab6824ee7c30fd852", Secrets.hex(Secrets.ntHash("Password".toCharArray())));
  }

  @Test
  void digestHa1Md5IsTheRfc2617Vector() {
    byte[] password = "Circle Of Life".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "939e7578ed9e3c518a452acee763bce9",
        Secrets.hex(Secrets.digestHa1("MD5", "Mufasa", "testrealm@host.com", password)));
    assertEquals(
        64,
        Secrets.hex(Secrets.digestHa1("SHA-256", "Mufasa", "testrealm@host.com", password))
            .length());
    assertEquals(
        64,
        Secrets.hex(Secrets.digestHa1("SHA-512-256", "Mufasa", "testrealm@host.com", password))
            .length());
    assertNotEquals(
        Secrets.hex(Secrets.digestHa1("SHA-256", "Mufasa", "r", password)),
        Secrets.hex(Secrets.digestHa1("SHA-512-256", "Mufasa", "r", password)));
  }

  @Test
  void digestAlgorithmNames() {
    assertEquals("MD5", Secrets.digestAlgorithm("md5"));
    assertEquals("MD5", Secrets.digestAlgorithm("MD5-sess"));
    assertEquals("SHA-512-256", Secrets.digestAlgorithm("sha-512-256"));
    assertNull(Secrets.digestAlgorithm("SHA-1"));
  }

  /** RFC 9106 section 5.3: Argon2id with secret and associated data. */
  @Test
  void argon2idMatchesTheRfc9106Vector() {
    byte[] tag =
        Secrets.argon2idRaw(
            filled(32, 0x01), filled(16, 0x02), filled(8, 0x03), filled(12, 0x04), 32, 3, 4, 32);
    assertEquals(
        "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Secrets.hex(tag));
  }

  @Test
  void argon2idPhcRoundTripsAndRejectsAWrongPassword() {
    byte[] password = "correct horse".getBytes(StandardCharsets.UTF_8);
    String phc = Secrets.argon2id(password, new SecureRandom());
    assertTrue(phc.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), phc);
    Secrets.Argon2Hash parsed = Secrets.Argon2Hash.parse(phc);
    assertEquals(16, parsed.salt().length);
    assertEquals(32, parsed.hash().length);
    assertTrue(Secrets.verifyArgon2id(phc, password));
    assertFalse(Secrets.verifyArgon2id(phc, "correct horsE".getBytes(StandardCharsets.UTF_8)));
    assertNotEquals(phc, Secrets.argon2id(password, new SecureRandom()), "a fresh salt every time");
  }

  @Test
  void argon2idParametersAreReadFromTheString() {
    // Another cost, kept in the string, still verifies: parameters can change later.
    byte[] password = "pw".getBytes(StandardCharsets.UTF_8);
    byte[] salt = filled(16, 7);
    byte[] hash = Secrets.argon2idRaw(password, salt, null, null, 64, 1, 1, 32);
    String phc = new Secrets.Argon2Hash(64, 1, 1, salt, hash).encode();
    assertTrue(Secrets.verifyArgon2id(phc, password));
    assertThrows(
        IllegalArgumentException.class,
        () -> Secrets.Argon2Hash.parse("$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Secrets.Argon2Hash.parse(
                "$argon2id$v=19$m=99999999,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"));
  }
}
