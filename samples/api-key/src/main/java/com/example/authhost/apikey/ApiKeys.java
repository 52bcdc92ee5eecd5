package com.example.authhost.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's keys: the named value {@code keys} lists {@code account=sha256hex} pairs, comma
 * separated, so that host.json holds no usable key (a leaked configuration gives nothing to log on
 * with). A key is random text the operator generated (e.g. {@code openssl rand -base64 32}); its
 * SHA-256 is looked up, so the key itself is never compared byte by byte.
 */
final class ApiKeys {
  /** Longest key accepted: anything longer is not one of ours and is not hashed. */
  static final int MAX_KEY_LENGTH = 256;

  private final Map<String, String> accountByHash;

  private ApiKeys(Map<String, String> accountByHash) {
    this.accountByHash = accountByHash;
  }

  /**
   * Parses the named value.
   *
   * @throws IllegalArgumentException naming the entry that is wrong and how to write it
   */
  static ApiKeys parse(String keys) {
    Map<String, String> byHash = new HashMap<>();
    for (String entry : keys.split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int eq = e.indexOf('=');
      String account = eq < 0 ? "" : e.substring(0, eq).strip();
      String hash = eq < 0 ? "" : e.substring(eq + 1).strip().toLowerCase();
      if (account.isEmpty() || !hash.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(
            "entry '"
                + e
                + "' of 'keys' is not account=<SHA-256 of the key, 64 hex digits>; make one with:"
                + " printf %s \"$KEY\" | sha256sum");
      }
      if (byHash.putIfAbsent(hash, account) != null) {
        throw new IllegalArgumentException("two entries of 'keys' have the same key hash " + hash);
      }
    }
    if (byHash.isEmpty()) {
      throw new IllegalArgumentException("'keys' lists no key");
    }
    return new ApiKeys(byHash);
  }

  /**
   * Whether {@code text} can be a key at all: 1 to {@link #MAX_KEY_LENGTH} visible ASCII
   * characters. Anything else is no guess at a key, so it is refused without counting as one.
   */
  static boolean isWellFormed(String text) {
    return !text.isEmpty()
        && text.length() <= MAX_KEY_LENGTH
        && text.chars().allMatch(c -> c > 0x20 && c < 0x7F);
  }

  /** The account the key logs on as, if it is one of the operator's keys. */
  Optional<String> accountFor(String key) {
    if (!isWellFormed(key)) {
      return Optional.empty();
    }
    return Optional.ofNullable(accountByHash.get(sha256(key)));
  }

  static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
