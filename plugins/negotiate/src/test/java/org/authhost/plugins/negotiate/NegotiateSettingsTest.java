package org.authhost.plugins.negotiate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.authhost.api.EventLevel;
import org.authhost.api.HResult;
import org.authhost.api.Out;
import org.authhost.api.PluginException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The named values, and what initialize and enable say when the set-up is wrong. */
class NegotiateSettingsTest {
  @TempDir Path dir;

  static final String[] MINIMAL = {
    "servicePrincipal", "HTTP/localhost@TEST.LOCAL", "keytab", "/etc/http.keytab"
  };

  @Test
  void defaults() {
    NegotiateSettings s = NegotiateSettings.from(FakeServer.values(MINIMAL));
    assertEquals("HTTP/localhost@TEST.LOCAL", s.servicePrincipal());
    assertEquals("TEST.LOCAL", s.realm());
    assertEquals(Path.of("/etc/http.keytab"), s.keytab());
    assertNull(s.krb5Config());
    assertEquals(PrincipalMapping.Rule.STRIP_REALM, s.mapping().rule());
    assertEquals(Set.of("TEST.LOCAL"), s.mapping().realms());
    assertEquals(Map.of(), s.mapping().explicit());
    assertTrue(s.allowNtlm());
  }

  @Test
  void everySettingMayBeGiven() {
    NegotiateSettings s =
        NegotiateSettings.from(
            FakeServer.values(
                "servicePrincipal",
                " HTTP/www.example.com@EXAMPLE.COM ",
                "keytab",
                "/k",
                "krb5Config",
                "/c/krb5.conf",
                "principalMapping",
                "Strip-Realm",
                "realms",
                "EXAMPLE.COM, OTHER.ORG",
                "allowNtlm",
                "false",
                "map.ops/admin@EXAMPLE.COM",
                "Administrator",
                "ntlm.anything",
                "is the NTLM's to check"));
    assertEquals(Path.of("/c/krb5.conf"), s.krb5Config());
    assertEquals(PrincipalMapping.Rule.STRIP_REALM, s.mapping().rule());
    assertEquals(Set.of("EXAMPLE.COM", "OTHER.ORG"), s.mapping().realms());
    assertEquals(Map.of("ops/admin@EXAMPLE.COM", "Administrator"), s.mapping().explicit());
    assertEquals(false, s.allowNtlm());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "servicePrincipal| HTTP/localhost| servicePrincipal' must be service/host@REALM",
        "servicePrincipal| alice@TEST.LOCAL| servicePrincipal' must be service/host@REALM",
        "servicePrincipal| HTTP/a b@R| servicePrincipal' must be service/host@REALM",
        "keytab| ' '| keytab' is not set",
        "principalMapping| lower| principalMapping' must be one of: strip-realm (map other principals with map.",
        "principalMapping| keep| principalMapping' must be one of: strip-realm (map other principals with map.",
        "realms| A,,B| realms' must be a comma-separated list",
        "allowNtlm| yes| allowNtlm' must be \"true\" or \"false\"",
        "map.alice| bob| map.alice' must be map.<principal@REALM> = <local account>",
        "map.alice@R| ' '| map.alice@R' must be map.<principal@REALM> = <local account>",
        "keyTab| /x| keyTab' is not a setting of this plug-in",
      })
  void badValuesNameTheSettingAndTheFix(String name, String value, String message) {
    List<String> pairs = new ArrayList<>(List.of(MINIMAL));
    int i = pairs.indexOf(name);
    if (i >= 0) {
      pairs.set(i + 1, value);
    } else {
      pairs.add(name);
      pairs.add(value);
    }
    PluginException e =
        assertThrows(
            PluginException.class,
            () -> NegotiateSettings.from(FakeServer.values(pairs.toArray(String[]::new))));
    assertEquals(HResult.E_INVALIDARG, e.hresult());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith("; fix plugins.settings.negotiate.properties." + name + " in host.json"),
        e.getMessage());
  }

  @Test
  void aMissingServicePrincipalIsNamed() {
    PluginException e =
        assertThrows(
            PluginException.class, () -> NegotiateSettings.from(FakeServer.values("keytab", "/k")));
    assertTrue(e.getMessage().contains("'servicePrincipal'"), e.getMessage());
  }

  @Test
  void enableFailsNamingTheKeytabPrincipalAndFix() {
    Path keytab = dir.resolve("missing.keytab");
    NegotiateAuthenticationPlugin plugin = new NegotiateAuthenticationPlugin();
    assertEquals(
        HResult.S_OK,
        plugin.initialize(
            new FakeServer(),
            FakeServer.values(
                "servicePrincipal",
                "HTTP/localhost@TEST.LOCAL",
                "keytab",
                keytab.toString(),
                "allowNtlm",
                "false")));
    PluginException e =
        assertThrows(PluginException.class, () -> plugin.enable(new Out<>(Duration.ZERO)));
    assertEquals(NegotiateAuthenticationPlugin.SEC_E_NO_CREDENTIALS, e.hresult());
    assertTrue(
        e.getMessage().contains(keytab.toString())
            && e.getMessage().contains("HTTP/localhost@TEST.LOCAL")
            && e.getMessage().contains("ktadd -k " + keytab)
            && e.getMessage().contains("authhost plugins enable negotiate"),
        e.getMessage());
  }

  @Test
  void enableFailsOnAKeytabThatIsNotOne() throws Exception {
    Path keytab = Files.writeString(dir.resolve("garbage.keytab"), "not a keytab");
    NegotiateAuthenticationPlugin plugin = new NegotiateAuthenticationPlugin();
    plugin.initialize(
        new FakeServer(),
        FakeServer.values(
            "servicePrincipal",
            "HTTP/localhost@TEST.LOCAL",
            "keytab",
            keytab.toString(),
            "allowNtlm",
            "false"));
    PluginException e =
        assertThrows(PluginException.class, () -> plugin.enable(new Out<>(Duration.ZERO)));
    assertTrue(
        e.getMessage().contains("holds no key for HTTP/localhost@TEST.LOCAL"), e.getMessage());
  }

  @Test
  void krb5ConfigIsSetOnlyWhenTheJvmHasNone() throws Exception {
    Path conf =
        Files.writeString(dir.resolve("krb5.conf"), "[libdefaults]\n default_realm = TEST.LOCAL\n");
    String before = System.getProperty(NegotiateAuthenticationPlugin.KRB5_CONF_PROPERTY);
    try {
      System.clearProperty(NegotiateAuthenticationPlugin.KRB5_CONF_PROPERTY);
      PluginHarness first = new PluginHarness(null, "krb5Config", conf.toString());
      assertEquals(
          conf.toString(), System.getProperty(NegotiateAuthenticationPlugin.KRB5_CONF_PROPERTY));
      assertTrue(
          first.refreshedConfig, "the JDK re-reads it, in case something loaded the default first");
      assertTrue(first.server.texts(EventLevel.WARNING).isEmpty());

      System.setProperty(
          NegotiateAuthenticationPlugin.KRB5_CONF_PROPERTY, "/somewhere/else/krb5.conf");
      PluginHarness second = new PluginHarness(null, "krb5Config", conf.toString());
      assertEquals(
          "/somewhere/else/krb5.conf",
          System.getProperty(NegotiateAuthenticationPlugin.KRB5_CONF_PROPERTY));
      assertEquals(false, second.refreshedConfig);
      List<String> warnings = second.server.texts(EventLevel.WARNING);
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(
          warnings.get(0).contains("krb5Config " + conf + " is not used")
              && warnings.get(0).contains("/somewhere/else/krb5.conf"),
          warnings.get(0));
    } finally {
      if (before == null) {
        System.clearProperty(NegotiateAuthenticationPlugin.KRB5_CONF_PROPERTY);
      } else {
        System.setProperty(NegotiateAuthenticationPlugin.KRB5_CONF_PROPERTY, before);
      }
    }
  }

  @Test
  void anUnreadableKrb5ConfigIsNamed() {
    NegotiateAuthenticationPlugin plugin = new NegotiateAuthenticationPlugin();
    plugin.initialize(
        new FakeServer(),
        FakeServer.values(
            "servicePrincipal",
            "HTTP/localhost@TEST.LOCAL",
            "keytab",
            "/k",
            "krb5Config",
            dir.resolve("nope.conf").toString(),
            "allowNtlm",
            "false"));
    PluginException e =
        assertThrows(PluginException.class, () -> plugin.enable(new Out<>(Duration.ZERO)));
    assertTrue(
        e.getMessage().contains("'krb5Config' names " + dir.resolve("nope.conf")), e.getMessage());
  }
}
