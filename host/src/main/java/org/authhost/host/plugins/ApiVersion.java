package org.authhost.host.plugins;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.authhost.api.AuthHostApi;

/**
 * The plug-in API version a descriptor declares ({@code api-version=major.minor}), read once when
 * the descriptor is, so that every later decision (the pre-1.3 protocol flags, whether {@code
 * S_FALSE} marks a benign refusal, whether capabilities are declared) compares values instead of
 * parsing text again.
 *
 * <p>WMS counterpart: none; WMS bound a plug-in to the interfaces it implemented (their IIDs). This
 * stands in for "which interfaces does it know".
 *
 * @param major changes when a type or method is removed or changed
 * @param minor grows when something is added
 */
record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
  // At most 9 digits each: a longer number would not fit an int.
  private static final Pattern TEXT = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})");

  private static final Comparator<ApiVersion> ORDER =
      Comparator.comparingInt(ApiVersion::major).thenComparingInt(ApiVersion::minor);

  /** The first API whose plug-ins say what the host once knew by protocol name. */
  static final ApiVersion V1_3 = new ApiVersion(1, 3);

  /**
   * The first API whose plug-ins may refuse without a challenge ({@code OnAuthenticateForbidden})
   * and name query parameters that carry their credential ({@code url-credentials}).
   */
  static final ApiVersion V1_4 = new ApiVersion(1, 4);

  /** The first API whose plug-ins may let one context answer a connection's requests. */
  static final ApiVersion V1_6 = new ApiVersion(1, 6);

  /**
   * The first API whose plug-ins may let one context verify each request of a connection, each with
   * its own credentials.
   */
  static final ApiVersion V1_7 = new ApiVersion(1, 7);

  /** The API this host provides. */
  static final ApiVersion CURRENT = new ApiVersion(AuthHostApi.MAJOR, AuthHostApi.MINOR);

  ApiVersion {
    if (major < 0 || minor < 0) {
      throw new IllegalArgumentException("an API version is two non-negative numbers");
    }
  }

  /** {@code major.minor} as a descriptor writes it, or empty for any other text. */
  static Optional<ApiVersion> parse(String text) {
    Matcher m = text == null ? null : TEXT.matcher(text.strip());
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
  }

  /**
   * {@link #parse} for text known to be valid (tests, constants).
   *
   * @throws IllegalArgumentException for anything but {@code major.minor}
   */
  static ApiVersion of(String text) {
    return parse(text)
        .orElseThrow(() -> new IllegalArgumentException("not major.minor: '" + text + "'"));
  }

  /** Whether a plug-in built for this version loads on this host: same major, minor not newer. */
  boolean isProvided() {
    return major == CURRENT.major && minor <= CURRENT.minor;
  }

  /** Whether this version is older than {@code other}. */
  boolean isBefore(ApiVersion other) {
    return compareTo(other) < 0;
  }

  @Override
  public int compareTo(ApiVersion other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
