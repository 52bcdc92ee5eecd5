package org.authhost.host.accounts;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.crypto.digests.MD4Digest;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The secrets kept for a password, never the password itself: an Argon2id hash for verifying it,
 * the NT hash (NTLM) and Digest HA1 values. Every primitive comes from the JDK or Bouncy Castle.
 */
final class Secrets {
  /** OWASP's Argon2id recommendation: 19 MiB, 2 passes, 1 lane. */
  static final int ARGON2_MEMORY_KIB = 19_456;

  static final int ARGON2_ITERATIONS = 2;
  static final int ARGON2_PARALLELISM = 1;
  static final int SALT_BYTES = 16;
  static final int HASH_BYTES = 32;

  /** Bounds for parameters read back from a file, so a hand-edited file cannot exhaust memory. */
  private static final int MAX_MEMORY_KIB = 1 << 20;

  private static final int MAX_ITERATIONS = 64;
  private static final int MAX_PARALLELISM = 16;

  /** The Digest algorithms (RFC 7616) whose HA1 is kept, by their Digest names. */
  static final List<String> DIGEST_ALGORITHMS = List.of("MD5", "SHA-256", "SHA-512-256");

  /** The longest password accepted (Windows' own limit). */
  static final int MAX_PASSWORD_LENGTH = 256;

  private static final HexFormat HEX = HexFormat.of();

  private Secrets() {}

  /** Argon2id parameters and output, as kept in a PHC string. */
  record Argon2Hash(int memoryKiB, int iterations, int parallelism, byte[] salt, byte[] hash) {
    /** {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, base64 without padding. */
    String encode() {
      Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
      return "$argon2id$v=19$m="
          + memoryKiB
          + ",t="
          + iterations
          + ",p="
          + parallelism
          + "$"
          + b64.encodeToString(salt)
          + "$"
          + b64.encodeToString(hash);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the string
     */
    static Argon2Hash parse(String phc) {
      if (phc == null) {
        throw new IllegalArgumentException("no Argon2id hash");
      }
      String[] parts = phc.split("\\$", -1);
      if (parts.length != 6
          || !parts[0].isEmpty()
          || !parts[1].equals("argon2id")
          || !parts[2].equals("v=19")) {
        throw new IllegalArgumentException(
            "not an Argon2id PHC string ($argon2id$v=19$m=..,t=..,p=..$salt$hash)");
      }
      int m = -1;
      int t = -1;
      int p = -1;
      for (String param : parts[3].split(",", -1)) {
        int eq = param.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("Argon2id parameter '" + param + "' has no value");
        }
        int value;
        try {
          value = Integer.parseInt(param.substring(eq + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Argon2id parameter '" + param + "' is not a number");
        }
        switch (param.substring(0, eq)) {
          case "m" -> m = value;
          case "t" -> t = value;
          case "p" -> p = value;
          default ->
              throw new IllegalArgumentException("unknown Argon2id parameter '" + param + "'");
        }
      }
      if (p < 1
          || p > MAX_PARALLELISM
          || t < 1
          || t > MAX_ITERATIONS
          || m < 8 * p
          || m > MAX_MEMORY_KIB) {
        throw new IllegalArgumentException(
            "Argon2id parameters m="
                + m
                + ",t="
                + t
                + ",p="
                + p
                + " are missing or out of range (1 <= p <= "
                + MAX_PARALLELISM
                + ", 1 <= t <= "
                + MAX_ITERATIONS
                + ", 8p <= m <= "
                + MAX_MEMORY_KIB
                + ")");
      }
      byte[] salt;
      byte[] hash;
      try {
        salt = Base64.getDecoder().decode(parts[4]);
        hash = Base64.getDecoder().decode(parts[5]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Argon2id salt or hash is not base64");
      }
      if (salt.length < 8 || hash.length < 16) {
        throw new IllegalArgumentException("Argon2id salt or hash is too short");
      }
      return new Argon2Hash(m, t, p, salt, hash);
    }
  }

  /** A new Argon2id hash of {@code password} (UTF-8) with a random salt and OWASP's parameters. */
  static String argon2id(byte[] password, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    byte[] hash =
        argon2idRaw(
            password,
            salt,
            null,
            null,
            ARGON2_MEMORY_KIB,
            ARGON2_ITERATIONS,
            ARGON2_PARALLELISM,
            HASH_BYTES);
    return new Argon2Hash(ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM, salt, hash)
        .encode();
  }

  /** Whether {@code password} (UTF-8) matches the PHC string; compares in constant time. */
  static boolean verifyArgon2id(String phc, byte[] password) {
    Argon2Hash stored = Argon2Hash.parse(phc);
    byte[] computed =
        argon2idRaw(
            password,
            stored.salt(),
            null,
            null,
            stored.memoryKiB(),
            stored.iterations(),
            stored.parallelism(),
            stored.hash().length);
    try {
      return MessageDigest.isEqual(computed, stored.hash());
    } finally {
      Arrays.fill(computed, (byte) 0);
    }
  }

  /** Argon2id, version 0x13, through Bouncy Castle; {@code secret} and {@code ad} may be null. */
  static byte[] argon2idRaw(
      byte[] password,
      byte[] salt,
      byte[] secret,
      byte[] ad,
      int memoryKiB,
      int iterations,
      int parallelism,
      int length) {
    Argon2Parameters.Builder builder =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKiB)
            .withIterations(iterations)
            .withParallelism(parallelism)
            .withSalt(salt);
    if (secret != null) {
      builder.withSecret(secret);
    }
    if (ad != null) {
      builder.withAdditional(ad);
    }
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(builder.build());
    byte[] out = new byte[length];
    generator.generateBytes(password, out);
    return out;
  }

  /** MD4 (RFC 1320), from Bouncy Castle. */
  static byte[] md4(byte[] data) {
    MD4Digest digest = new MD4Digest();
    digest.update(data, 0, data.length);
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }

  /** The NT hash: MD4 of the password's UTF-16LE code units (MS-NLMP 3.3.1, NTOWFv1). */
  static byte[] ntHash(char[] password) {
    byte[] utf16 = new byte[password.length * 2];
    for (int i = 0; i < password.length; i++) {
      utf16[2 * i] = (byte) password[i];
      utf16[2 * i + 1] = (byte) (password[i] >>> 8);
    }
    try {
      return md4(utf16);
    } finally {
      Arrays.fill(utf16, (byte) 0);
    }
  }

  /**
   * The Digest name ({@code MD5}, {@code SHA-256}, {@code SHA-512-256}) for an algorithm as a
   * client names it, case-insensitively; a {@code -sess} variant maps to its base, whose HA1 it
   * derives from. Null if not supported.
   */
  static String digestAlgorithm(String algorithm) {
    if (algorithm == null) {
      return null;
    }
    String a = algorithm.strip().toUpperCase(Locale.ROOT);
    if (a.endsWith("-SESS")) {
      a = a.substring(0, a.length() - "-SESS".length());
    }
    return DIGEST_ALGORITHMS.contains(a) ? a : null;
  }

  /** {@code H(username:realm:password)} (RFC 7616 3.4.2), UTF-8, for a Digest algorithm name. */
  static byte[] digestHa1(String algorithm, String username, String realm, byte[] passwordUtf8) {
    String jdkName =
        switch (algorithm) {
          case "MD5" -> "MD5";
          case "SHA-256" -> "SHA-256";
          case "SHA-512-256" -> "SHA-512/256";
          default ->
              throw new IllegalArgumentException("unsupported Digest algorithm " + algorithm);
        };
    try {
      MessageDigest digest = MessageDigest.getInstance(jdkName);
      digest.update((username + ":" + realm + ":").getBytes(StandardCharsets.UTF_8));
      digest.update(passwordUtf8);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + jdkName, e);
    }
  }

  /**
   * The password's UTF-8 bytes.
   *
   * @throws IllegalArgumentException if it has an unpaired surrogate
   */
  static byte[] utf8(char[] password) {
    try {
      ByteBuffer encoded =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(password));
      byte[] bytes = new byte[encoded.remaining()];
      encoded.get(bytes);
      if (encoded.hasArray()) {
        Arrays.fill(encoded.array(), (byte) 0);
      }
      return bytes;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "the password contains an invalid character (an unpaired surrogate)");
    }
  }

  /**
   * @throws IllegalArgumentException if the password may not be set
   */
  static void checkPassword(char[] password) {
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException(
          "the password is empty (for an account without a password use --no-password)");
    }
    if (password.length > MAX_PASSWORD_LENGTH) {
      throw new IllegalArgumentException(
          "the password is longer than " + MAX_PASSWORD_LENGTH + " characters");
    }
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }

  static byte[] unhex(String hex) {
    return HEX.parseHex(hex);
  }
}
