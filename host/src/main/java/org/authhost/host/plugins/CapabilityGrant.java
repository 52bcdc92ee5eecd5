package org.authhost.host.plugins;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.authhost.api.Capability;
import org.authhost.api.HResult;
import org.authhost.host.config.PluginsConfig;

/**
 * What one plug-in holds: the capabilities it declares, as far as the operator grants them in
 * {@code host.json}, and what the operator must hear about it at each start.
 *
 * <ul>
 *   <li>API 1.3 or later: what it declares and {@code plugins.settings.<id>.capabilities} lists.
 *       Without that setting, what it declares, unless {@code plugins.requireGrants} is true (then
 *       nothing). A declared capability it does not hold is a WARNING naming the setting to add
 *       ({@code E_ACCESSDENIED}: what its calls that need it answer). A listed capability it does
 *       not declare is a WARNING naming the capability and the fix ({@code E_INVALIDARG}: the
 *       setting names something the plug-in never asked for, and the grant is not applied).
 *   <li>Before API 1.3 (no way to declare): every capability, or what the setting lists, always
 *       with a WARNING naming the plug-in and what it holds ({@code S_FALSE}: it loaded and works,
 *       but holds what it never declared).
 * </ul>
 *
 * <p>None of these WARNINGs carries {@code S_OK}: the code tells, without the text, whether calls
 * will be refused ({@code E_ACCESSDENIED}), the configuration is wrong ({@code E_INVALIDARG}) or
 * all works but not as API 1.3 intends ({@code S_FALSE}).
 *
 * @param held the capabilities its calls may use
 * @param warnings the WARNING events for this start, one per problem; empty when there is nothing
 *     to say
 */
record CapabilityGrant(Set<Capability> held, List<Warning> warnings) {

  /** One WARNING event: its code and its text. */
  record Warning(HResult hresult, String text) {}

  CapabilityGrant {
    warnings = List.copyOf(warnings);
  }

  static CapabilityGrant of(PluginDescriptor descriptor, PluginsConfig config) {
    String id = descriptor.id();
    Set<Capability> listed = config.settingsOf(id).capabilities();
    String setting = "plugins.settings." + id + ".capabilities";
    if (!descriptor.declaresCapabilities()) {
      Set<Capability> held = listed == null ? EnumSet.allOf(Capability.class) : listed;
      return new CapabilityGrant(
          held,
          List.of(
              new Warning(
                  HResult.S_FALSE,
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
                      + " in host.json")));
    }
    Set<Capability> declared = descriptor.capabilities();
    Set<Capability> granted =
        listed != null ? listed : config.requireGrants() ? Set.of() : declared;
    Set<Capability> held = intersection(declared, granted);
    Set<Capability> withheld = difference(declared, held);
    List<Warning> warnings = new ArrayList<>();
    if (!withheld.isEmpty()) {
      String because =
          listed == null
              ? "host.json grants it none (plugins.requireGrants is true and it has no "
                  + setting
                  + ")"
              : setting + " grants " + names(listed);
      warnings.add(
          new Warning(
              HResult.E_ACCESSDENIED,
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
                  + " in host.json and restart the host (grants are read at start)"));
    }
    Set<Capability> undeclared = listed == null ? Set.of() : difference(listed, declared);
    if (!undeclared.isEmpty()) {
      warnings.add(
          new Warning(
              HResult.E_INVALIDARG,
              setting
                  + " grants plug-in '"
                  + id
                  + "' "
                  + names(undeclared)
                  + ", which it does not declare (it declares "
                  + names(declared)
                  + "), so the grant gives it nothing. Remove "
                  + names(undeclared)
                  + " from "
                  + setting
                  + " in host.json, or, if the plug-in needs "
                  + (undeclared.size() == 1 ? "it" : "them")
                  + ", install a build whose descriptor declares "
                  + (undeclared.size() == 1 ? "it" : "them")));
    }
    return new CapabilityGrant(held, warnings);
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
