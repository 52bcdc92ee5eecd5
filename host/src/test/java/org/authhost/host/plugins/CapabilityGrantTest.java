package org.authhost.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.authhost.api.Capability;
import org.authhost.api.HResult;
import org.authhost.host.config.BulkheadSettings;
import org.authhost.host.config.PluginSettings;
import org.authhost.host.config.PluginsConfig;
import org.junit.jupiter.api.Test;

/**
 * What a plug-in holds: its declaration as far as host.json grants it, and what is said at start.
 */
class CapabilityGrantTest {
  private static PluginDescriptor declaring(String api, Set<Capability> declared) {
    return new PluginDescriptor(
        "p", "1.0.0", ApiVersion.of(api), "org.example.P", "", Path.of("p.jar"), false, declared);
  }

  private static PluginsConfig granting(Set<Capability> listed, boolean requireGrants) {
    Map<String, PluginSettings> settings =
        listed == null
            ? Map.of()
            : Map.of("p", new PluginSettings(true, Map.of(), null, null, null, listed));
    return new PluginsConfig(
        Path.of("plugins"), 1, 1, List.of(), settings, BulkheadSettings.DEFAULT, requireGrants);
  }

  @Test
  void withoutASettingA13PluginHoldsWhatItDeclaresUnlessGrantsAreRequired() {
    Set<Capability> declared = Set.of(Capability.DIGEST_HA1, Capability.TOKEN_WITHOUT_CREDENTIAL);
    CapabilityGrant open = CapabilityGrant.of(declaring("1.3", declared), granting(null, false));
    assertEquals(declared, open.held());
    assertEquals(List.of(), open.warnings());

    CapabilityGrant strict = CapabilityGrant.of(declaring("1.3", declared), granting(null, true));
    assertEquals(Set.of(), strict.held());
    assertEquals(
        "plug-in 'p' declares the capabilities digest-ha1, token-without-credential but host.json"
            + " grants it none (plugins.requireGrants is true and it has no"
            + " plugins.settings.p.capabilities), so it holds none; its calls that need digest-ha1,"
            + " token-without-credential are refused with E_ACCESSDENIED. If it should have them,"
            + " add them to plugins.settings.p.capabilities in host.json and restart the host"
            + " (grants are read at start)",
        strict.warnings().get(0).text());
    assertEquals(HResult.E_ACCESSDENIED, strict.warnings().get(0).hresult(), "calls are refused");
    assertEquals(1, strict.warnings().size());
  }

  @Test
  void aGrantNeverGivesMoreThanTheDeclarationAndAGrantOfAnUndeclaredCapabilityIsReported() {
    CapabilityGrant grant =
        CapabilityGrant.of(
            declaring("1.3", Set.of(Capability.NT_HASH)),
            granting(Set.of(Capability.NT_HASH, Capability.PASSWORD_CHECK), true));
    assertEquals(Set.of(Capability.NT_HASH), grant.held());
    assertEquals(1, grant.warnings().size(), grant.warnings().toString());
    assertEquals(HResult.E_INVALIDARG, grant.warnings().get(0).hresult());
    assertEquals(
        "plugins.settings.p.capabilities grants plug-in 'p' password-check, which it does not"
            + " declare (it declares nt-hash), so the grant gives it nothing. Remove password-check"
            + " from plugins.settings.p.capabilities in host.json, or, if the plug-in needs it,"
            + " install a build whose descriptor declares it",
        grant.warnings().get(0).text());
  }

  @Test
  void aSettingCanBothWithholdAndGrantTooMuchAndEachIsItsOwnWarning() {
    CapabilityGrant grant =
        CapabilityGrant.of(
            declaring("1.3", Set.of(Capability.NT_HASH, Capability.DIGEST_HA1)),
            granting(Set.of(Capability.NT_HASH, Capability.PRINCIPAL_TOKEN), false));
    assertEquals(Set.of(Capability.NT_HASH), grant.held());
    assertEquals(
        List.of(HResult.E_ACCESSDENIED, HResult.E_INVALIDARG),
        grant.warnings().stream().map(CapabilityGrant.Warning::hresult).toList());
    assertTrue(grant.warnings().get(0).text().contains("digest-ha1 are refused"));
    assertTrue(grant.warnings().get(1).text().contains("principal-token, which it does not"));
  }

  @Test
  void aPluginBuiltBeforeApi13HoldsEverythingOrWhatIsListedAlwaysWithAWarning() {
    CapabilityGrant all =
        CapabilityGrant.of(declaring("1.2", EnumSet.allOf(Capability.class)), granting(null, true));
    assertEquals(EnumSet.allOf(Capability.class), all.held());
    CapabilityGrant listed =
        CapabilityGrant.of(
            declaring("1.1", EnumSet.allOf(Capability.class)),
            granting(Set.of(Capability.PASSWORD_CHECK), false));
    assertEquals(Set.of(Capability.PASSWORD_CHECK), listed.held());
    assertEquals(
        "plug-in 'p' is built for plug-in API 1.1, which declares no capabilities, so it holds"
            + " what plugins.settings.p.capabilities grants: password-check. Ask its author for a"
            + " build for API 1.3 that declares what it needs, and grant only that in"
            + " plugins.settings.p.capabilities in host.json",
        listed.warnings().get(0).text());
    assertEquals(HResult.S_FALSE, listed.warnings().get(0).hresult(), "it works, not as 1.3 asks");
    assertEquals(HResult.S_FALSE, all.warnings().get(0).hresult());
  }
}
