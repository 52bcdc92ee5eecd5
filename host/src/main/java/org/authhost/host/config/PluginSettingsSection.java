package org.authhost.host.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.authhost.api.Capability;

/**
 * One entry of {@code plugins.settings}: whether the plug-in is enabled, its named values, its
 * bulkhead and the capabilities the operator grants it.
 */
final class PluginSettingsSection {
  private PluginSettingsSection() {}

  static PluginSettings bind(ConfigSection entry) {
    boolean enabled = entry.bool("enabled", PluginSettings.DEFAULT.enabled());
    Map<String, ConfigPlace> places = new LinkedHashMap<>();
    Map<String, String> properties = properties(entry, places);
    LocatedJson written = entry.value("properties");
    ConfigPlace holder = entry.place("properties", written != null ? written.pos() : entry.pos());
    return new PluginSettings(
        enabled,
        properties,
        override(entry, "workers", 1, BulkheadSettings.MAX_WORKERS),
        override(entry, "queue", 0, BulkheadSettings.MAX_QUEUE),
        override(entry, "maxLeakedThreads", 0, BulkheadSettings.MAX_LEAKED_THREADS),
        capabilities(entry),
        urlCredentials(entry),
        new PropertyPlaces(places, holder));
  }

  /**
   * {@code urlCredentials}: an array of query parameter names, each at most once; null if absent.
   */
  private static List<String> urlCredentials(ConfigSection entry) {
    String key = "urlCredentials";
    String expected = "an array of " + UrlCredentialParameter.EXPECTED + ", such as [\"token\"]";
    LocatedJson.Arr array = entry.array(key, expected);
    if (array == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(entry.pathOf(key), i);
      if (!(element instanceof LocatedJson.Str name)
          || !UrlCredentialParameter.isValid(name.value())
          || i >= UrlCredentialParameter.MAX_PER_PLUGIN) {
        entry.bad(element, elementPath, UrlCredentialParameter.EXPECTED);
      } else if (names.contains(name.value())) {
        entry.problem(
            element.pos(),
            elementPath
                + ": duplicate parameter "
                + element.describe()
                + "; expected each name at most once");
      } else {
        names.add(name.value());
      }
    }
    return names;
  }

  /** {@code capabilities}: an array of capability names, each at most once; null if absent. */
  private static Set<Capability> capabilities(ConfigSection entry) {
    String expected = "an array of capability names (" + Capability.allNames() + ")";
    LocatedJson.Arr array = entry.array("capabilities", expected);
    if (array == null) {
      return null;
    }
    Set<Capability> granted = EnumSet.noneOf(Capability.class);
    for (int i = 0; i < array.elements().size(); i++) {
      LocatedJson element = array.elements().get(i);
      String elementPath = JsonText.element(entry.pathOf("capabilities"), i);
      var named =
          element instanceof LocatedJson.Str name
              ? Capability.named(name.value())
              : Optional.<Capability>empty();
      if (named.isEmpty()) {
        entry.bad(element, elementPath, "one of " + Capability.allNames());
      } else if (!granted.add(named.get())) {
        entry.problem(
            element.pos(),
            elementPath
                + ": duplicate capability "
                + element.describe()
                + "; expected each capability at most once");
      }
    }
    return granted;
  }

  /** A bulkhead value of this plug-in's own, or null for the {@code plugins} default. */
  private static Integer override(ConfigSection entry, String key, int min, int max) {
    if (entry.value(key) == null) {
      return null;
    }
    Long value = entry.wholeOrNull(key, "a whole number", min, max, min);
    return value == null ? null : value.intValue();
  }

  private static Map<String, String> properties(
      ConfigSection entry, Map<String, ConfigPlace> places) {
    ConfigSection properties = entry.map("properties", "an object of named string values");
    if (properties == null) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (LocatedJson.Member member : properties.members()) {
      String propertyPath = properties.pathOf(member.key());
      if (member.key().isEmpty()) {
        properties.problem(
            member.keyPos(),
            properties.path() + ": expected a non-empty property name, found \"\"");
      }
      LocatedJson property = member.value();
      if (property instanceof LocatedJson.Str string) {
        result.put(member.key(), string.value());
        places.put(member.key(), properties.place(member.key(), member.keyPos()));
      } else if (property instanceof LocatedJson.Num || property instanceof LocatedJson.Bool) {
        // Plug-ins receive every property as a string (as WMS named values); quoting is the fix.
        properties.problem(
            property.pos(),
            propertyPath
                + ": expected a string, found "
                + property.describe()
                + "; property values are always strings, so quote it: "
                + JsonText.quote(property.describe()));
      } else {
        properties.bad(property, propertyPath, "a string");
      }
    }
    return result;
  }
}
