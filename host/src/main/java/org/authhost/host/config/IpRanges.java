package org.authhost.host.config;

import java.util.ArrayList;
import java.util.List;

/** An {@code ipAllow} or {@code ipDeny} list, server-wide or of one publishing point. */
final class IpRanges {
  private static final String RANGE_EXPECTED =
      "an IP address or CIDR range such as \"10.0.0.0/8\", \"192.0.2.7\" or \"::1/128\"";

  private IpRanges() {}

  /** IP literals and CIDR ranges, kept as written once each is known to parse; empty if absent. */
  static List<String> bind(ConfigSection section, String key) {
    LocatedJson.Arr array =
        section.array(
            key, "an array of IP addresses or CIDR ranges such as [\"10.0.0.0/8\", \"::1\"]");
    if (array == null) {
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(section.pathOf(key), i);
      if (!(element instanceof LocatedJson.Str string)) {
        section.bad(element, elementPath, RANGE_EXPECTED);
        continue;
      }
      String error = IpLiterals.rangeError(string.value());
      if (error != null) {
        section.problem(
            element.pos(),
            elementPath
                + ": expected "
                + RANGE_EXPECTED
                + " (host names are not looked up), found "
                + string.describe()
                + ", "
                + error);
        continue;
      }
      result.add(string.value());
    }
    return result;
  }
}
