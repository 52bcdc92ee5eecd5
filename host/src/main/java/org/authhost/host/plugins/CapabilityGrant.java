package org.authhost.host.plugins;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.authhost.api.Capability;
import org.authhost.host.config.PluginsConfig;

/**
 * What one plug-in holds: the capabilities it declares, as far as the operator grants them in
 * {@code host.json}, and what the operator must hear about it at each start.
 *
 * <ul>
 *   <li>API 1.3 or later: what it declares and {@code plugins.settings.<id>.capabilities} lists.
 *       Without that setting, what it declares, unless {@code plugins.requireGrants} is true (then
 *       nothing). A declared capability it does not hold is a WARNING naming the setting to add.
 *   <li>Before API 1.3 (no way to declare): every capability, or what the setting lists, always
 *       with a WARNING naming the plug-in and what it holds.
 * </ul>
 *
 * @param held the capabilities its calls may use
 * @param warning the WARNING event's text for this start, or null when there is nothing to say
 */
record CapabilityGrant(Set<Capability> held, String warning) {

  static CapabilityGrant of(PluginDescriptor descriptor, PluginsConfig config) {
    String id = descriptor.id();
    Set<Capability> listed = config.settingsOf(id).capabilities();
    String setting = "plugins.settings." + id + ".capabilities";
    if (!descriptor.declaresCapabilities()) {
      Set<Capability> held = listed == null ? EnumSet.allOf(Capability.class) : listed;
      return new CapabilityGrant(
          held,
          "plug-in '"
              + id
              + "' is built for plug-in API "
              + descriptor.apiVersion()
              + ", which declares no capabilities, so it holds "
              + (listed == null ? "every capability: " : "what " + setting + " grants: ")
              + names(held)
              + ". Ask its author for a build for API 1.3 that declares what it needs, and grant"
              + " only that in "
              + setting
              + " in host.json");
    }
    Set<Capability> declared = descriptor.capabilities();
    Set<Capability> granted =
        listed != null ? listed : config.requireGrants() ? Set.of() : declared;
    Set<Capability> held = intersection(declared, granted);
    Set<Capability> withheld = difference(declared, held);
    if (withheld.isEmpty()) {
      return new CapabilityGrant(held, null);
    }
    String because =
        listed == null
            ? "host.json grants it none (plugins.requireGrants is true and it has no "
                + setting
                + ")"
            : setting + " grants " + names(listed);
    return new CapabilityGrant(
        held,
        "plug-in '"
            + id
            + "' declares the capabilities "
            + names(declared)
            + " but "
            + because
            + ", so it holds "
            + names(held)
            + "; its calls that need "
            + names(withheld)
            + " are refused with E_ACCESSDENIED. If it should have them, add them to "
            + setting
            + " in host.json");
  }

  /** Capability names in declaration order, comma-separated, or "none". */
  static String names(Set<Capability> capabilities) {
    if (capabilities.isEmpty()) {
      return "none";
    }
    return EnumSet.copyOf(capabilities).stream()
        .map(Capability::descriptorName)
        .collect(Collectors.joining(", "));
  }

  private static Set<Capability> intersection(Set<Capability> a, Set<Capability> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Set.of();
    }
    EnumSet<Capability> both = EnumSet.copyOf(a);
    both.retainAll(b);
    return Collections.unmodifiableSet(both);
  }

  private static Set<Capability> difference(Set<Capability> a, Set<Capability> b) {
    if (a.isEmpty()) {
      return Set.of();
    }
    EnumSet<Capability> left = EnumSet.copyOf(a);
    left.removeAll(b);
    return Collections.unmodifiableSet(left);
  }
}
