package org.authhost.host.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.authhost.host.accounts.AccountNames;

/** {@code accounts}: the local account store's file, Digest realms and guest account. */
final class AccountsSection {
  static final String DEFAULT_FILE = "accounts.json";
  private static final List<String> DEFAULT_DIGEST_REALMS = List.of("AuthHost");

  /** The longest realm WMS accepts. */
  private static final int MAX_REALM_LENGTH = 251;

  private static final String DEFAULT_GUEST_ACCOUNT = "Guest";

  private AccountsSection() {}

  /**
   * @param defaultFile the store's file unless the file says otherwise (in the data folder, which
   *     another section sets)
   */
  static AccountsConfig bind(ConfigSection accounts, Path defaultFile) {
    Path file = accounts.filePath("file", defaultFile);
    return new AccountsConfig(file, digestRealms(accounts), guestAccount(accounts));
  }

  private static List<String> digestRealms(ConfigSection accounts) {
    String arrayExpected = "a non-empty array of realm names such as [\"AuthHost\"]";
    LocatedJson.Arr array = accounts.array("digestRealms", arrayExpected);
    if (array == null) {
      return DEFAULT_DIGEST_REALMS;
    }
    String path = accounts.pathOf("digestRealms");
    if (array.elements().isEmpty()) {
      accounts.problem(
          array.pos(), path + ": expected " + arrayExpected + ", found an empty array");
      return DEFAULT_DIGEST_REALMS;
    }
    String expected =
        "a realm name of 1 to "
            + MAX_REALM_LENGTH
            + " characters (the WMS limit) without '\"', '\\' or control characters";
    Map<String, String> firstPath = new LinkedHashMap<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(path, i);
      if (!(element instanceof LocatedJson.Str string) || string.value().isEmpty()) {
        accounts.bad(element, elementPath, expected);
        continue;
      }
      String realm = string.value();
      int length = realm.codePointCount(0, realm.length());
      String found = null;
      if (length > MAX_REALM_LENGTH) {
        found = "a name of " + length + " characters";
      } else if (realm.indexOf('"') >= 0) {
        // Realms travel as quoted strings in WWW-Authenticate; these would end or escape them.
        found = string.describe() + ", which contains '\"'";
      } else if (realm.indexOf('\\') >= 0) {
        found = string.describe() + ", which contains '\\'";
      } else if (realm.chars().anyMatch(Character::isISOControl)) {
        found = string.describe() + ", which contains control characters";
      }
      if (found != null) {
        accounts.problem(
            element.pos(), elementPath + ": expected " + expected + ", found " + found);
      } else if (firstPath.containsKey(realm)) {
        accounts.problem(
            element.pos(),
            elementPath
                + ": duplicate realm "
                + string.describe()
                + ", already listed at "
                + firstPath.get(realm)
                + "; expected each realm at most once");
      } else {
        firstPath.put(realm, elementPath);
      }
    }
    return firstPath.isEmpty() ? DEFAULT_DIGEST_REALMS : List.copyOf(firstPath.keySet());
  }

  /**
   * The account the anonymous plug-ins map clients to: an account of the store, so its name follows
   * the store's rules (those of {@code authhost accounts add}), checked here with the file's place
   * rather than by the plug-in's failing enable.
   */
  private static String guestAccount(ConfigSection accounts) {
    LocatedJson value = accounts.value("guestAccount");
    if (value == null) {
      return DEFAULT_GUEST_ACCOUNT;
    }
    String path = accounts.pathOf("guestAccount");
    String expected =
        "a local account's name: 1 to "
            + AccountNames.MAX_LENGTH
            + " characters, none of "
            + AccountNames.FORBIDDEN
            + ", no control characters, not only dots and spaces, no space at either end";
    if (!(value instanceof LocatedJson.Str string)) {
      accounts.bad(value, path, expected);
      return DEFAULT_GUEST_ACCOUNT;
    }
    try {
      return AccountNames.validate("user", string.value());
    } catch (IllegalArgumentException e) {
      accounts.problem(
          value.pos(),
          path
              + ": expected "
              + expected
              + ", found "
              + string.describe()
              + " ("
              + e.getMessage()
              + ")");
      return DEFAULT_GUEST_ACCOUNT;
    }
  }
}
