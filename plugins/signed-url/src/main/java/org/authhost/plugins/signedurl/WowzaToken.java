package org.authhost.plugins.signedurl;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wowza Streaming Engine's SecureToken version 2 (SHA-256), as Wowza documents it, so that URLs a
 * platform already signs for Wowza are served: query parameters named with an operator's prefix
 * ({@code <prefix>starttime}, {@code <prefix>endtime}, optional {@code <prefix>CustomParameter} and
 * any other {@code <prefix>...} parameter, and {@code <prefix>hash}). The hash is the SHA-256 of
 * {@code contentPath + "?" + items}, the items being every prefixed parameter but the hash as
 * {@code name=value}, the shared secret alone, and (when the server is set to include it) the
 * client's address alone, sorted in ascending order and joined by {@code &}; in base64 with {@code
 * +/} replaced by {@code -_} (padding optional). The content path has no leading {@code /} and
 * stops at the stream ({@code vod/_definst_/sample.mp4} for {@code
 * /vod/_definst_/sample.mp4/playlist.m3u8}): a hash over the request path or any of its parent
 * paths covers it (up to 16 segments deep), so one hash covers a rendition's playlist and segments
 * as Wowza's does; a path without the application instance ({@code /vod/sample.mp4/...}) is also
 * tried with Wowza's default one ({@code vod/_definst_/sample.mp4}), as Wowza hashes it. Values are
 * hashed percent-decoded; one holding {@code &}, {@code =} or {@code ?} is refused.
 *
 * <p>Stricter than Wowza in one point: an {@code endtime} is required (a link that never expires is
 * a password in a URL). Every key the operator names as a Wowza secret ({@code wowzaKeys}) is
 * tried, so a rotation works as for AuthHost's own format.
 */
final class WowzaToken {
  /** Path depth tried for the content path: deeper paths are refused, never hashed in a loop. */
  private static final int MAX_SEGMENTS = 16;

  private static final int HASH_BYTES = 32;

  /** Wowza's default application instance, in the content path it hashes. */
  static final String DEFAULT_INSTANCE = "_definst_";

  private WowzaToken() {}

  /**
   * What a URL claims, not yet checked.
   *
   * @param items the prefixed parameters but the hash, as {@code name=value}
   * @param start {@code starttime}, or -1 when absent
   */
  record Claim(List<String> items, long start, long end, byte[] hash) {}

  /** Whether the blob carries {@code <prefix>hash}: a Wowza URL rather than AuthHost's own. */
  static boolean carries(String blob, String prefix) {
    String hash = prefix + "hash=";
    for (String pair : blob.split("&", -1)) {
      if (pair.startsWith(hash)) {
        return true;
      }
    }
    return false;
  }

  static Claim parse(String blob, String prefix) throws SignedUrl.Refused {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : blob.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.startsWith(prefix) || name.length() > prefix.length() + 64) {
        throw new SignedUrl.Refused("a parameter that is not a SecureToken one beside its hash");
      }
      if (eq < 0) {
        throw new SignedUrl.Refused("parameter " + name + " has no value");
      }
      if (pair.length() - eq - 1 > SignedUrl.MAX_VALUE) {
        throw new SignedUrl.Refused(
            "parameter " + name + " is longer than " + SignedUrl.MAX_VALUE + " characters");
      }
      String value = SignedUrl.percentDecoded(pair.substring(eq + 1));
      if (value == null) {
        throw new SignedUrl.Refused("parameter " + name + " is not percent-encoded UTF-8");
      }
      if (!name.equals(prefix + "hash")
          && (value.indexOf('&') >= 0 || value.indexOf('=') >= 0 || value.indexOf('?') >= 0)) {
        // Hashed decoded and joined by '&': such a value would make the hash input ambiguous.
        throw new SignedUrl.Refused("parameter " + name + " holds '&', '=' or '?'");
      }
      if (values.put(name, value) != null) {
        throw new SignedUrl.Refused("parameter " + name + " is repeated");
      }
    }
    String hashName = prefix + "hash";
    String endName = prefix + "endtime";
    String startName = prefix + "starttime";
    if (!values.containsKey(endName)) {
      throw new SignedUrl.Refused("a SecureToken URL without " + endName + " (it never expires)");
    }
    long end = seconds(endName, values.get(endName));
    long start = values.containsKey(startName) ? seconds(startName, values.get(startName)) : -1;
    byte[] hash;
    try {
      hash = Base64.getUrlDecoder().decode(values.remove(hashName));
    } catch (IllegalArgumentException e) {
      throw new SignedUrl.Refused(hashName + " is not base64url");
    }
    if (hash.length != HASH_BYTES) {
      throw new SignedUrl.Refused(hashName + " is not a SHA-256 (" + hash.length + " bytes)");
    }
    List<String> items = new ArrayList<>();
    values.forEach((name, value) -> items.add(name + "=" + value));
    return new Claim(items, start, end, hash);
  }

  private static long seconds(String name, String value) throws SignedUrl.Refused {
    if (!value.matches("[0-9]{1,12}")) {
      throw new SignedUrl.Refused(name + " is not a number of seconds");
    }
    return Long.parseLong(value);
  }

  /**
   * Checks a claim against the request.
   *
   * @param withClientAddress whether the platform hashes the client's address in (Wowza's "include
   *     client IP address in hash generation")
   * @return the name of the key whose secret made the hash
   */
  static String verify(
      Claim claim,
      String requestTarget,
      String clientAddress,
      boolean withClientAddress,
      Instant now,
      Map<String, byte[]> keys)
      throws SignedUrl.Refused {
    String path = SignedUrl.path(requestTarget);
    if (path == null) {
      throw new SignedUrl.Refused("the request path is not a clean absolute path");
    }
    String contentPath = path.substring(1);
    List<String> candidates = new ArrayList<>();
    for (int depth = 0; !contentPath.isEmpty() && depth < MAX_SEGMENTS; depth++) {
      candidates.add(contentPath);
      // Wowza hashes the application instance also when the URL leaves it out (its default
      // instance): vod/sample.mp4 is hashed as vod/_definst_/sample.mp4.
      int first = contentPath.indexOf('/');
      if (first > 0 && !contentPath.startsWith(DEFAULT_INSTANCE + "/", first + 1)) {
        candidates.add(
            contentPath.substring(0, first)
                + "/"
                + DEFAULT_INSTANCE
                + contentPath.substring(first));
      }
      int slash = contentPath.lastIndexOf('/');
      contentPath = slash < 0 ? "" : contentPath.substring(0, slash);
    }
    String address = null;
    if (withClientAddress) {
      InetAddress client = SignedUrl.literal(clientAddress);
      address = client == null ? clientAddress : client.getHostAddress();
    }
    String keyName = null;
    for (Map.Entry<String, byte[]> key : keys.entrySet()) {
      List<String> items = new ArrayList<>(claim.items());
      items.add(new String(key.getValue(), StandardCharsets.UTF_8));
      if (address != null) {
        items.add(address);
      }
      for (String candidate : candidates) {
        if (MessageDigest.isEqual(sha256(hashInput(candidate, items)), claim.hash())) {
          keyName = key.getKey();
        }
      }
    }
    if (keyName == null) {
      throw new SignedUrl.Refused(
          "bad SecureToken hash (no configured secret, path"
              + (withClientAddress ? ", client address" : "")
              + " and parameters give it)");
    }
    if (claim.start() >= 0 && now.getEpochSecond() < claim.start()) {
      throw new SignedUrl.Refused("not valid before " + Instant.ofEpochSecond(claim.start()));
    }
    if (now.getEpochSecond() >= claim.end()) {
      throw new SignedUrl.Refused("expired at " + Instant.ofEpochSecond(claim.end()));
    }
    return keyName;
  }

  /**
   * What Wowza hashes: {@code contentPath?} then the items sorted ascending, joined by {@code &}.
   */
  static String hashInput(String contentPath, List<String> items) {
    List<String> sorted = new ArrayList<>(items);
    sorted.sort(null);
    return contentPath + "?" + String.join("&", sorted);
  }

  private static byte[] sha256(String input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
