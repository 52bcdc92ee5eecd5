package org.authhost.host.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One entry of a publishing point's {@code acl}. */
final class AceSection {
  private static final List<String> RIGHTS = List.of("read", "write", "create");
  private static final String PRINCIPAL_EXPECTED =
      "a principal: a SID such as \"S-1-1-0\", a well-known name such as \"Everyone\", or a"
          + " local account or group name";
  private static final String RIGHTS_EXPECTED = "a non-empty array of rights such as [\"read\"]";

  private AceSection() {}

  /** The entry, or {@code null} when any of its parts was refused. */
  static AceConfig bind(ConfigSection ace) {
    String type = ace.choice("type", List.of("allow", "deny"), "allow");
    String principal = principal(ace);
    Set<String> rights = rights(ace);
    if (type == null || principal == null || rights == null) {
      return null;
    }
    return new AceConfig(type.equals("deny"), principal, rights);
  }

  private static String principal(ConfigSection ace) {
    LocatedJson value = ace.required("principal", PRINCIPAL_EXPECTED);
    if (value == null) {
      return null;
    }
    if (value instanceof LocatedJson.Str string
        && !string.value().isBlank()
        && string.value().chars().noneMatch(Character::isISOControl)) {
      return string.value();
    }
    ace.bad("principal", PRINCIPAL_EXPECTED);
    return null;
  }

  /** The entry's rights, lower-cased; {@code null} after recording why they are not acceptable. */
  private static Set<String> rights(ConfigSection ace) {
    if (ace.required("rights", RIGHTS_EXPECTED) == null) {
      return null;
    }
    LocatedJson.Arr array = ace.array("rights", RIGHTS_EXPECTED);
    if (array == null) {
      return null;
    }
    String path = ace.pathOf("rights");
    if (array.elements().isEmpty()) {
      ace.problem(array.pos(), path + ": expected " + RIGHTS_EXPECTED + ", found an empty array");
      return null;
    }
    Map<String, String> firstPath = new LinkedHashMap<>();
    boolean ok = true;
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(path, i);
      String right =
          element instanceof LocatedJson.Str string
              ? string.value().toLowerCase(Locale.ROOT)
              : null;
      if (right == null || !RIGHTS.contains(right)) {
        ace.bad(element, elementPath, JsonText.choices(RIGHTS));
        ok = false;
      } else if (firstPath.containsKey(right)) {
        ace.problem(
            element.pos(),
            elementPath
                + ": duplicate right "
                + element.describe()
                + ", already listed at "
                + firstPath.get(right)
                + "; expected each right at most once");
        ok = false;
      } else {
        firstPath.put(right, elementPath);
      }
    }
    return ok ? new LinkedHashSet<>(firstPath.keySet()) : null;
  }
}
