package org.authhost.host.accounts;

import java.util.Locale;

/**
 * Rules for account and group names, and the {@code DOMAIN\name} forms, as Windows has them. Public
 * for the configuration, whose {@code accounts.guestAccount} names an account of the store.
 */
public final class AccountNames {
  /** The longest user name Windows accepts (the SAM's pre-Windows 2000 limit). */
  public static final int MAX_LENGTH = 20;

  /** The longest full name (description) kept. */
  static final int MAX_FULL_NAME = 256;

  /** The characters no account or group name holds. */
  public static final String FORBIDDEN = "\"/\\[]:;|=,+*?<>@";

  private AccountNames() {}

  /**
   * {@code name} if it is a valid user or group name.
   *
   * @param kind "user" or "group", for the message
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String validate(String kind, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a " + kind + " name must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the "
              + kind
              + " name '"
              + name
              + "' is "
              + name.length()
              + " characters long; at most "
              + MAX_LENGTH
              + " are allowed");
    }
    boolean onlyDotsAndSpaces = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "the "
                + kind
                + " name must not contain control characters (found U+"
                + String.format("%04X", (int) c)
                + ")");
      }
      if (Character.isSurrogate(c) && !validSurrogateAt(name, i)) {
        throw new IllegalArgumentException("the " + kind + " name contains an unpaired surrogate");
      }
      if (FORBIDDEN.indexOf(c) >= 0) {
        throw new IllegalArgumentException(
            "the "
                + kind
                + " name '"
                + name
                + "' contains '"
                + c
                + "'; none of "
                + FORBIDDEN
                + " is allowed");
      }
      if (c != '.' && c != ' ') {
        onlyDotsAndSpaces = false;
      }
    }
    if (onlyDotsAndSpaces) {
      throw new IllegalArgumentException(
          "the " + kind + " name '" + name + "' consists only of dots and spaces");
    }
    if (Character.isWhitespace(name.charAt(0))
        || Character.isWhitespace(name.charAt(name.length() - 1))) {
      throw new IllegalArgumentException(
          "the " + kind + " name '" + name + "' begins or ends with a space");
    }
    return name;
  }

  private static boolean validSurrogateAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /**
   * A full name (may be empty): at most {@value #MAX_FULL_NAME} characters, no control characters.
   */
  static String validateFullName(String fullName) {
    if (fullName == null) {
      return "";
    }
    if (fullName.length() > MAX_FULL_NAME) {
      throw new IllegalArgumentException(
          "the full name is "
              + fullName.length()
              + " characters long; at most "
              + MAX_FULL_NAME
              + " are allowed");
    }
    if (fullName.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the full name must not contain control characters");
    }
    return fullName;
  }

  /** The case-insensitive key of a name. */
  static String key(String name) {
    return name.toUpperCase(Locale.ROOT);
  }

  /**
   * An account name split into its domain and name.
   *
   * @param domain the domain given ({@code DOMAIN\name}, {@code name@domain}), {@code "."} for
   *     {@code .\name}, or null when none was given
   * @param name the name alone
   */
  record Qualified(String domain, String name) {
    /** Whether the name belongs to a machine whose domain is {@code machineDomain}. */
    boolean isLocalTo(String machineDomain) {
      return domain == null
          || domain.isEmpty()
          || domain.equals(".")
          || domain.equalsIgnoreCase(machineDomain);
    }
  }

  /** Splits {@code name}, {@code DOMAIN\name}, {@code .\name} or {@code name@domain}. */
  static Qualified parse(String accountName) {
    String name = accountName.strip();
    int backslash = name.indexOf('\\');
    if (backslash >= 0) {
      return new Qualified(name.substring(0, backslash), name.substring(backslash + 1));
    }
    int at = name.lastIndexOf('@');
    if (at >= 0) {
      return new Qualified(name.substring(at + 1), name.substring(0, at));
    }
    return new Qualified(null, name);
  }
}
